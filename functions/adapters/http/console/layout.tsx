/** @jsxImportSource hono/jsx */
import type { Child } from 'hono/jsx';

/** Who is signed in, for the header; absent on the pages before sign-in. */
export interface SignedIn {
  email: string;
  role: string;
  csrfToken: string;
}

export interface LayoutProps {
  title: string;
  organisationName: string;
  signedIn?: SignedIn;
  /** A narrow column for the one-form pages. */
  narrow?: boolean;
  /** A script file of ours the page runs (deferred); the page must work without it. */
  script?: string;
  children?: Child;
}

/**
 * The document every console page shares: a skip link, the header (with the navigation and a
 * sign-out button once signed in) and the main column.
 */
export function Layout({ title, organisationName, signedIn, narrow, script, children }: LayoutProps) {
  return (
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <meta name="robots" content="noindex" />
        <title>{`${title} · ${organisationName} console`}</title>
        <link rel="stylesheet" href="/console/assets/console.css" />
        {script && <script src={script} defer />}
      </head>
      <body>
        <a class="skip" href="#main">Skip to content</a>
        <header>
          <span class="brand">{organisationName} console</span>
          {signedIn && (
            <>
              <nav aria-label="Console">
                <a href="/console/releases">Releases</a> · <a href="/console/drafts">Drafts</a> · <a href="/console/compose">Compose</a> ·{' '}
                {(signedIn.role === 'editor' || signedIn.role === 'admin') && (
                  <>
                    <a href="/console/sources">Sources</a> ·{' '}
                  </>
                )}
                <a href="/console/tokens">API tokens</a>
                {signedIn.role === 'admin' && (
                  <>
                    {' '}
                    · <a href="/console/lists">Lists</a> · <a href="/console/subscribers">Subscribers</a> · <a href="/console/imports">Imports</a> ·{' '}
                    <a href="/console/dead-letters">Dead letters</a> · <a href="/console/webhooks">Webhooks</a> · <a href="/console/staff">Staff</a> · <a href="/console/audit">Audit log</a>
                  </>
                )}
              </nav>
              <span class="who">
                {signedIn.email} ({signedIn.role})
              </span>
              <form method="post" action="/console/sign-out">
                <input type="hidden" name="csrf" value={signedIn.csrfToken} />
                <button type="submit">Sign out</button>
              </form>
            </>
          )}
        </header>
        <main id="main" class={narrow ? 'narrow' : undefined}>
          {children}
        </main>
      </body>
    </html>
  );
}

/**
 * The page as an HTML document string. hono/jsx escapes every child and attribute; a component may
 * be async, so rendering is awaited.
 *
 * @example
 * const html = await renderPage(<SignInPage organisationName="Example News" />);
 */
export async function renderPage(node: { toString(): string | Promise<string> }): Promise<string> {
  return `<!doctype html>${await node.toString()}`;
}
