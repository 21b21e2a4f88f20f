import { Logger } from '@aws-lambda-powertools/logger';

/** One structured logger for every handler; level from POWERTOOLS_LOG_LEVEL (Lambda) or LOG_LEVEL. */
export const logger = new Logger({ serviceName: 'pressroom' });
