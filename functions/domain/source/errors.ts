import { PressroomError } from '../errors';

/** What was fetched as a feed is not one (an HTML page, an empty answer, broken XML or JSON). */
export class NotAFeedError extends PressroomError {
  /**
   * The feed a web page names (`<link rel="alternate" type="application/rss+xml" …>`), absolute, when
   * what was fetched is that page: the address staff most likely meant.
   */
  readonly feedUrl?: string;
  constructor(message: string, options?: { cause?: unknown; feedUrl?: string }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'NotAFeedError';
    if (options?.feedUrl) this.feedUrl = options.feedUrl;
  }
}
