/**
 * A failure the staff CLI reports as one line on stderr (no stack trace): a missing or unreadable
 * file, a Pressroom that cannot be reached or that refused the release, a page that holds no post.
 * `exitCode` 2 is a usage mistake, 1 everything else.
 */
export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode: 1 | 2 = 1,
  ) {
    super(message);
    this.name = 'CliError';
  }
}
