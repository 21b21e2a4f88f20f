import middy from '@middy/core';
import type { ScheduledEvent } from 'aws-lambda';
import { awsDeps } from '../runtime/aws';
import type { DepsProvider } from '../runtime/http';

// Placeholder: being built (issue 3).
export const makeHandler = (getDeps: DepsProvider) => middy<ScheduledEvent, void>().handler(async () => void (await getDeps()));

export const handler = makeHandler(awsDeps);
