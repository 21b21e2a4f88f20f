import type { Mailer } from './ports';
import type { ReleaseStore } from '../release/ports';
import { NotFoundError, ValidationError } from '../errors';
import { normaliseEmail } from '../subscriber/subscriber';
import { personaliseMessage } from '../mail/mime';
import { senderDomain, senderTemplate, type SenderIdentity } from '../mail/sender';
import { RecipientPlaceholder } from '../release/rendered-email';

const MAX_TEST_RECIPIENTS = 10;

/**
 * Sends a stored release to staff addresses only, marked as a test. Nothing is recorded as a
 * delivery, and the recipient links point at the sign-up page (test recipients are not subscribers).
 *
 * @throws NotFoundError for an unknown release; ValidationError for bad or too many addresses.
 * @example
 * await sendTestEmail('spring-update', ['editor@example.org'], { releases, mailer, sender, now: new Date() });
 */
export async function sendTestEmail(
  releaseId: string,
  to: unknown,
  deps: { releases: ReleaseStore; mailer: Mailer; sender: SenderIdentity; now: Date },
): Promise<{ sent: string[] }> {
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
  const rendered = await deps.releases.getRendered(releaseId);
  if (!rendered) throw new NotFoundError(`No rendered release "${releaseId}"`);

  const template = senderTemplate(deps.sender, { ...rendered, subject: `[TEST] ${rendered.subject}` }, Object.values(RecipientPlaceholder));
  const signUp = `${deps.sender.publicUrl.replace(/\/$/, '')}/subscribe`;
  const domain = senderDomain(deps.sender);
  for (const [i, address] of addresses.entries()) {
    const raw = personaliseMessage(template, {
      to: address,
      values: Object.fromEntries(Object.values(RecipientPlaceholder).map((p) => [p, signUp])),
      messageId: `<test.${releaseId}.${deps.now.getTime()}.${i}@${domain}>`,
      date: deps.now,
    });
    await deps.mailer.sendRaw({ from: deps.sender.from.address, to: address, raw, tags: { release: releaseId, test: 'true' } });
  }
  return { sent: addresses };
}
