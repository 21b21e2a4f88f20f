/**
 * The domain's error hierarchy. Edges (HTTP wrapper, SQS partial-batch failures) translate these into
 * responses; nothing inside the domain knows about status codes.
 */
export class PressroomError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'PressroomError';
  }
}

export interface FieldIssue {
  /** Dotted path of the offending field, e.g. `lists.1` or `title`. */
  field: string;
  message: string;
}

/**
 * How many issues a ValidationError keeps. A request can hold any number of mistakes (a million
 * unknown list ids made a 59 MB answer, past Lambda's 6 MB response limit); the first ones show
 * what is wrong, and {@link ValidationError.unlistedIssues} counts the rest.
 */
export const MAX_LISTED_ISSUES = 50;
/** Longest field path or message kept in one issue; a long one usually quotes what was sent. */
const MAX_ISSUE_TEXT = 300;

const bounded = (text: string) => (text.length > MAX_ISSUE_TEXT ? `${text.slice(0, MAX_ISSUE_TEXT - 1)}…` : text);

/** Input that can never succeed as sent: the caller must change it. */
export class ValidationError extends PressroomError {
  /** The first {@link MAX_LISTED_ISSUES} issues, each shortened to a readable length. */
  readonly issues: FieldIssue[];
  /** Issues found beyond those listed. */
  readonly unlistedIssues: number;
  constructor(issues: FieldIssue[], message = 'Invalid input') {
    const listed = issues.slice(0, MAX_LISTED_ISSUES).map((i) => ({ field: bounded(i.field), message: bounded(i.message) }));
    const more = issues.length - listed.length;
    super(`${message}: ${listed.map((i) => `${i.field}: ${i.message}`).join('; ')}${more ? `; and ${more} more` : ''}`);
    this.name = 'ValidationError';
    this.issues = listed;
    this.unlistedIssues = more;
  }
}

/** Something the caller sent is too large to keep (a stored item past DynamoDB's 400 KB). */
export class TooLargeError extends PressroomError {
  constructor(message: string) {
    super(message);
    this.name = 'TooLargeError';
  }
}

/** The caller could not prove who they are (bad signature, bad token). Reveals nothing more. */
export class AuthenticationError extends PressroomError {
  constructor(message = 'Unauthorized', options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'AuthenticationError';
  }
}

export class NotFoundError extends PressroomError {
  constructor(message = 'Not found') {
    super(message);
    this.name = 'NotFoundError';
  }
}

/**
 * The request is valid but the resource's current state forbids it (a taken id, a move the send's
 * status does not allow, a suppressed subscriber). `details` are safe to show to the caller.
 */
/**
 * What was asked for existed and was removed on purpose (a deleted source): unlike NotFoundError, the
 * caller should stop asking (Ghost deletes a webhook that is answered 410).
 */
export class GoneError extends PressroomError {
  constructor(message: string) {
    super(message);
    this.name = 'GoneError';
  }
}

export class ConflictError extends PressroomError {
  readonly details: Record<string, unknown>;
  constructor(message: string, details: Record<string, unknown> = {}, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'ConflictError';
    this.details = details;
  }
}

/** A link token that is malformed, tampered, signed with an unknown key or for another purpose. */
export class InvalidTokenError extends PressroomError {
  constructor(reason: string) {
    super(`Invalid token: ${reason}`);
    this.name = 'InvalidTokenError';
  }
}

/**
 * The caller is known but may not do this: a role below the one required, or a request that did
 * not come from our own pages (foreign Origin, missing CSRF token). Reveals nothing more.
 */
export class ForbiddenError extends PressroomError {
  constructor(message = 'Forbidden') {
    super(message);
    this.name = 'ForbiddenError';
  }
}
