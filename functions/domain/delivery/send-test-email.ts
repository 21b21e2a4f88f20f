import type { Mailer } from './ports';
import type { ReleaseStore } from '../release/ports';
import { NotFoundError, ValidationError } from '../errors';
import { normaliseEmail } from '../subscriber/subscriber';
import { personaliseMessage } from '../mail/mime';
import { memberOf, senderDomain, senderTemplate, type SenderIdentity } from '../mail/sender';
import { RECIPIENT_LINKS, RecipientPlaceholder, type RenderedEmail } from '../release/rendered-email';

const MAX_TEST_RECIPIENTS = 10;

/**
 * Sends a stored release to staff addresses only, marked as a test. Nothing is recorded as a
 * delivery, and the recipient links point at the sign-up page (test recipients are not subscribers).
 * `language` names one of its translations (as given at publish) to send that version instead.
 *
 * @throws NotFoundError for an unknown release or translation; ValidationError for bad or too many addresses.
 * @example
 * await sendTestEmail('spring-update', ['editor@example.org'], { releases, mailer, sender, now: new Date() }, 'es');
 */
export async function sendTestEmail(
  releaseId: string,
  to: unknown,
  deps: { releases: ReleaseStore; mailer: Mailer; sender: SenderIdentity; now: Date },
  language?: string,
): Promise<{ sent: string[] }> {
  const addresses = testRecipients(to);
  const rendered = await deps.releases.getRendered(releaseId, language || undefined);
  if (!rendered) throw new NotFoundError(`No rendered release "${releaseId}"${language ? ` in "${language}"` : ''}`);
  const release = await deps.releases.get(releaseId);
  return sendTestRendering(releaseId, rendered, addresses, deps, { lists: release?.lists ?? [], language: language || release?.language });
}

/**
 * The addresses a test send may go to: one to {@link MAX_TEST_RECIPIENTS}, each a valid address.
 *
 * @throws ValidationError naming each bad address.
 * @example
 * testRecipients(['Editor@Example.org']); // ['editor@example.org']
 */
export function testRecipients(to: unknown): string[] {
  if (!Array.isArray(to) || to.length === 0 || to.length > MAX_TEST_RECIPIENTS) {
    throw new ValidationError([{ field: 'to', message: `give 1 to ${MAX_TEST_RECIPIENTS} staff addresses` }]);
  }
  const issues: ValidationError[] = [];
  const addresses = to.map((address, i) => {
    try {
      return normaliseEmail(address, `to.${i}`);
    } catch (error) {
      if (error instanceof ValidationError) issues.push(error);
      else throw error;
      return '';
    }
  });
  if (issues.length) throw new ValidationError(issues.flatMap((e) => e.issues));
  return addresses;
}

/**
 * Sends a rendering (a stored release's, or a draft's rendered just now) to the given, already
 * checked addresses, marked as a test, with recipient links pointing at the sign-up page and the
 * footer naming all the release's lists (`audience`), as a member of every one would see it.
 *
 * @example
 * await sendTestRendering('spring-update-3f9a1c2b', rendered, ['editor@example.org'], { mailer, sender, now });
 */
export async function sendTestRendering(
  releaseId: string,
  rendered: RenderedEmail,
  addresses: string[],
  deps: { mailer: Mailer; sender: SenderIdentity; now: Date },
  audience: { lists: readonly string[]; language?: string } = { lists: [] },
): Promise<{ sent: string[] }> {
  const template = senderTemplate(deps.sender, { ...rendered, subject: `[TEST] ${rendered.subject}` }, Object.values(RecipientPlaceholder));
  const signUp = `${deps.sender.publicUrl.replace(/\/$/, '')}/subscribe`;
  const values = {
    ...Object.fromEntries(RECIPIENT_LINKS.map((p) => [p, signUp])),
    [RecipientPlaceholder.ListNames]: await memberOf(audience.lists, audience.language, deps.sender.listNames),
  };
  const domain = senderDomain(deps.sender);
  for (const [i, address] of addresses.entries()) {
    const raw = personaliseMessage(template, {
      to: address,
      values,
      messageId: `<test.${releaseId}.${deps.now.getTime()}.${i}@${domain}>`,
      date: deps.now,
    });
    await deps.mailer.sendRaw({ from: deps.sender.from.address, to: address, raw, tags: { release: releaseId, test: 'true' } });
  }
  return { sent: addresses };
}
