import type { Page } from 'playwright-core';
import type { LocalPressroom } from '../../functions/local/runner';
import type { TestClient } from './local-pressroom';

const FORM = 'application/x-www-form-urlencoded';

/**
 * Drives the staff console over HTTP as a browser on the console's own origin would: form posts
 * with our Origin, the session cookie carried by hand.
 *
 * @example
 * const console = new ConsoleClient(pressroom);
 * const cookie = await console.signIn('admin@example.org');
 */
export class ConsoleClient {
  constructor(private readonly pressroom: Pick<LocalPressroom, 'url'> & { client: TestClient }) {}

  /** POST /console/sign-in with the address, from our origin unless told otherwise. */
  requestLink(email: string, origin: string | null = this.pressroom.url) {
    return fetch(`${this.pressroom.url}/console/sign-in`, {
      method: 'POST',
      headers: { 'content-type': FORM, ...(origin === null ? {} : { origin }) },
      body: new URLSearchParams({ email }).toString(),
    });
  }

  /** The path of the newest sign-in link emailed to `email`, if any. */
  async lastLink(email: string): Promise<string | undefined> {
    const mail = (await this.pressroom.client.mail()).filter((m) => m.to.includes(email));
    return /\/console\/sign-in\/[A-Za-z0-9_-]+/.exec(String(mail.at(-1)?.text ?? ''))?.[0];
  }

  /** POST to a sign-in link (its button). */
  spend(linkPath: string, origin: string | null = this.pressroom.url) {
    return fetch(`${this.pressroom.url}${linkPath}`, { method: 'POST', headers: origin === null ? {} : { origin }, redirect: 'manual' });
  }

  /** Asks for a link, follows it from the mailbox, and answers the session cookie (`name=value`). */
  async signIn(email: string): Promise<string> {
    const asked = await this.requestLink(email);
    if (asked.status !== 200) throw new Error(`sign-in request answered ${asked.status}`);
    const link = await this.lastLink(email);
    if (!link) throw new Error(`no sign-in link was emailed to ${email}`);
    const spent = await this.spend(link);
    const cookie = spent.headers.get('set-cookie')?.split(';')[0];
    if (spent.status !== 303 || !cookie) throw new Error(`spending the link answered ${spent.status}`);
    return cookie;
  }

  /**
   * Signs a browser page in as staff do: asks for a link, opens it from the mailbox and presses its
   * Sign in button, ending on the releases page. (tests/e2e/console.test.ts walks the form itself.)
   */
  async signInPage(page: Page, email: string): Promise<void> {
    const asked = await this.requestLink(email);
    if (asked.status !== 200) throw new Error(`sign-in request answered ${asked.status}`);
    const link = await this.lastLink(email);
    if (!link) throw new Error(`no sign-in link was emailed to ${email}`);
    await page.goto(`${this.pressroom.url}${link}`);
    await Promise.all([page.waitForURL(`${this.pressroom.url}/console/releases`), page.getByRole('button', { name: 'Sign in' }).click()]);
  }

  get(path: string, cookie?: string) {
    return fetch(`${this.pressroom.url}${path}`, { headers: cookie ? { cookie } : {}, redirect: 'manual' });
  }

  post(path: string, options: { cookie?: string; origin?: string | null; form?: Record<string, string> | URLSearchParams } = {}) {
    const origin = options.origin === undefined ? this.pressroom.url : options.origin;
    return fetch(`${this.pressroom.url}${path}`, {
      method: 'POST',
      headers: { 'content-type': FORM, ...(options.cookie ? { cookie: options.cookie } : {}), ...(origin === null ? {} : { origin }) },
      body: new URLSearchParams(options.form ?? {}).toString(),
      redirect: 'manual',
    });
  }
}

/** The CSRF token in a console page's forms. */
export function csrfTokenIn(html: string): string | undefined {
  return /name="csrf" value="([^"]+)"/.exec(html)?.[1];
}
