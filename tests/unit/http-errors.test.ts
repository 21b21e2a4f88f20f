import { describe, expect, it } from 'vitest';
import { errorResponse } from '../../functions/runtime/http';
import { AuthenticationError, ForbiddenError, MAX_LISTED_ISSUES, TooLargeError, ValidationError } from '../../functions/domain/errors';

describe('a 400 that lists issues stays small', () => {
  it('lists the first issues and counts the rest, however many there are', () => {
    const issues = Array.from({ length: 1_000_000 }, (_, i) => ({ field: `lists.${i}`, message: `unknown list "l${i}"` }));
    const answer = errorResponse(new ValidationError(issues));
    const body = JSON.parse(answer.body as string);
    expect(answer.statusCode).toBe(400);
    expect(body.issues).toHaveLength(MAX_LISTED_ISSUES);
    expect(body.issues[0]).toEqual({ field: 'lists.0', message: 'unknown list "l0"' });
    expect(body.moreIssues).toBe(1_000_000 - MAX_LISTED_ISSUES);
    expect(Buffer.byteLength(answer.body as string)).toBeLessThan(64 * 1024);
  });

  it('shortens one enormous issue', () => {
    const answer = errorResponse(new ValidationError([{ field: 'x'.repeat(100_000), message: `unknown list "${'y'.repeat(1_000_000)}"` }]));
    const body = JSON.parse(answer.body as string);
    expect(Buffer.byteLength(answer.body as string)).toBeLessThan(4 * 1024);
    expect(body.issues[0].message).toMatch(/^unknown list "y+…$/);
    expect(body.moreIssues).toBeUndefined();
  });

  it('keeps a short list as it is', () => {
    const issues = [{ field: 'title', message: 'must not be empty' }];
    expect(JSON.parse(errorResponse(new ValidationError(issues)).body as string)).toEqual({ error: 'ValidationError', message: 'Invalid request', issues });
  });
});

describe('something too large to keep', () => {
  it('is a 413 that says what was too large', () => {
    const answer = errorResponse(new TooLargeError('The release would take 512 KB in the table; at most 400 KB.'));
    expect(answer.statusCode).toBe(413);
    expect(JSON.parse(answer.body as string)).toEqual({ error: 'TooLarge', message: 'The release would take 512 KB in the table; at most 400 KB.' });
  });
});


describe('a known caller without the right', () => {
  it('is a 403 that says what is needed, apart from the 401 of an unknown caller', () => {
    const answer = errorResponse(new ForbiddenError('This needs the admin role'));
    expect(answer.statusCode).toBe(403);
    expect(JSON.parse(answer.body as string)).toEqual({ error: 'Forbidden', message: 'This needs the admin role' });
    expect(errorResponse(new AuthenticationError()).statusCode).toBe(401);
  });
});
