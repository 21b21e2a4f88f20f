import { PressroomError } from '../errors';

/** What was fetched as a feed is not one (an HTML page, an empty answer, broken XML or JSON). */
export class NotAFeedError extends PressroomError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'NotAFeedError';
  }
}
