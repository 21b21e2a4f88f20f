import { awsDeps } from '../runtime/aws';
import { httpHandler, json, type DepsProvider } from '../runtime/http';

// Placeholder: being built (issue 3). Answers 501 until then.
export const makeHandler = (getDeps: DepsProvider) => httpHandler(getDeps, async () => json(501, { error: 'NotImplemented' }));

export const handler = makeHandler(awsDeps);
