import { awsDeps } from '../runtime/aws';
import type { DepsProvider } from '../runtime/http';
import { sqsHandler } from '../runtime/sqs';

// Placeholder: being built (issue 3).
export const makeHandler = (getDeps: DepsProvider) => sqsHandler<unknown>(getDeps, async () => undefined);

export const handler = makeHandler(awsDeps);
