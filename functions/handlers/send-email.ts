import type { SendJob } from '../domain/ports';
import { sendEmail } from '../domain/delivery/send-email';
import { awsDeps } from '../runtime/aws';
import type { DepsProvider } from '../runtime/http';
import { sqsHandler } from '../runtime/sqs';

/** Send queue consumer: one email per job; throttled or busy jobs fail alone and are retried by SQS. */
export const makeHandler = (getDeps: DepsProvider) => sqsHandler<SendJob>(getDeps, (job, deps) => sendEmail(job, deps));

export const handler = makeHandler(awsDeps);
