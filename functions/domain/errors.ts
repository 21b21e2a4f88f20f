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

/** Input that can never succeed as sent: the caller must change it. */
export class ValidationError extends PressroomError {
  readonly issues: FieldIssue[];
  constructor(issues: FieldIssue[], message = 'Invalid input') {
    super(`${message}: ${issues.map((i) => `${i.field}: ${i.message}`).join('; ')}`);
    this.name = 'ValidationError';
    this.issues = issues;
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
