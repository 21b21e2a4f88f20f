import type * as z from 'zod';
import type { FieldIssue } from './errors';

/** Converts zod issues into the domain's field issues. */
export function toFieldIssues(error: z.ZodError): FieldIssue[] {
  return error.issues.map((issue) => ({
    field: issue.path.length ? issue.path.join('.') : '(body)',
    message: issue.message,
  }));
}
