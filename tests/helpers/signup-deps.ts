import { randomBytes } from 'node:crypto';
import { simpleParser } from 'mailparser';
import { parseKeyring } from '../../functions/domain/security/link-tokens';
import {
  acceptSubscription, processSubscription, type AcceptSubscriptionDeps, type ProcessSubscriptionDeps, type SignupJob, type SubscriptionOutcome,
  type SubscriptionRequest,
} from '../../functions/domain/subscriber/subscribe';
import type { ConfirmSubscriptionDeps } from '../../functions/domain/subscriber/confirm-subscription';
import { fixedListNames } from '../../functions/domain/lists/list-names';
import {
  FakeClock, FakeSystemEmails, MemoryBlocklist, MemoryListStore, MemoryQueue, MemoryRateLimiter, MemorySubscriberStore, RecordingMailer,
} from './fakes';

/**
 * In-memory ports for the sign-up, confirmation and purge use cases: public lists `blog` and
 * `press-releases`, a private `staff` list and an archived `old` one.
 */
export function signupDeps() {
  const deps = {
    subscribers: new MemorySubscriberStore(),
    lists: new MemoryListStore([
      { id: 'blog', name: 'Blog' },
      { id: 'press-releases', name: 'Press Releases' },
      { id: 'staff', name: 'Staff', public: false },
      { id: 'old', name: 'Old', archived: true },
    ]),
    blocklist: new MemoryBlocklist(),
    rateLimiter: new MemoryRateLimiter(),
    mailer: new RecordingMailer(),
    systemEmails: new FakeSystemEmails(),
    clock: new FakeClock(),
    keyring: parseKeyring(`k1:${randomBytes(32).toString('base64')}`),
    sender: { from: { name: 'Example Org', address: 'news@example.org' }, publicUrl: 'https://news.example.org', listNames: fixedListNames(new Map()) },
    signups: new MemoryQueue<SignupJob>(),
  };
  return deps satisfies AcceptSubscriptionDeps & ProcessSubscriptionDeps & ConfirmSubscriptionDeps;
}

/**
 * A sign-up end to end, as POST /subscribe and then process-signup run it: accepted onto the queue,
 * then each queued job processed. Resolves what processing did, or `trapped`.
 */
export async function signUp(input: SubscriptionRequest, deps: ReturnType<typeof signupDeps>): Promise<SubscriptionOutcome | 'trapped'> {
  if ((await acceptSubscription(input, deps)) === 'trapped') return 'trapped';
  let outcome: SubscriptionOutcome | undefined;
  for (const job of deps.signups.jobs.splice(0)) outcome = await processSubscription(job, deps);
  return outcome!;
}

/** The confirmation token in a sent message (the fake renderer puts the URL in the text part). */
export async function confirmTokenIn(raw: Uint8Array): Promise<string> {
  const text = (await simpleParser(Buffer.from(raw))).text ?? '';
  return /\/confirm\/([\w.-]+)/.exec(text)![1];
}
