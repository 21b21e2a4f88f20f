/** The pieces every console form page shares: the CSRF field, the notice, and how problems show. */
import type { Child } from 'hono/jsx';
import type { SignedIn } from './layout';
import type { FieldIssue } from '../../../domain/errors';

/** The session's CSRF token, in every form that changes something. */
export const Csrf = ({ signedIn }: { signedIn: SignedIn }) => <input type="hidden" name="csrf" value={signedIn.csrfToken} />;

/** A sentence saying what the last action did (a redirect's query carries it). */
export const Notice = ({ children }: { children?: Child }) => (
  <p class="notice" role="status">
    {children}
  </p>
);

/** A form's problems, announced, each naming its field (a `form` issue is about the whole form); each is also shown beside its field. */
export function Problems({ issues }: { issues?: FieldIssue[] }) {
  if (!issues?.length) return null;
  return (
    <div class="error-summary" role="alert">
      <h2>There is a problem</h2>
      <ul>
        {issues.map((issue) => (
          <li>{issue.field === 'form' ? issue.message : `${issue.field}: ${issue.message}`}</li>
        ))}
      </ul>
    </div>
  );
}

/** One field's problems, beside it (its id is the field's `aria-describedby`). */
export function FieldProblem({ id, issues }: { id: string; issues: FieldIssue[] }) {
  if (!issues.length) return null;
  return (
    <p id={id} class="error">
      {issues.map((i) => i.message).join('; ')}
    </p>
  );
}
