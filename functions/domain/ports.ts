/**
 * The ports the domain owns. Adapters (DynamoDB, SES, SQS, social APIs, local stand-ins) implement them;
 * the domain only ever sees these interfaces, handed in as arguments.
 */
import type { Release, RenderedEmail, SendStatus } from './release/release';
import type { Subscriber } from './subscriber/subscriber';
import type { DeliveryRecord } from './delivery/delivery';
import type { SocialPost, SocialPostResult, SocialSummary } from './social/social-post';

export interface Clock {
  now(): Date;
}

/** Result of storing a release: `created` is false when the id was already known. */
export interface StoreReleaseResult {
  created: boolean;
  release: Release;
}

export interface ReleaseStore {
  /** Stores a release unless one with the same id exists; never overwrites. */
  create(release: Release): Promise<StoreReleaseResult>;
  get(id: string): Promise<Release | undefined>;
  /** Stores the rendered email once; a second call keeps and returns the first rendering. */
  saveRendered(id: string, rendered: RenderedEmail): Promise<RenderedEmail>;
  getRendered(id: string): Promise<RenderedEmail | undefined>;
  /** Conditional status move; returns false when the release was not in `from`. */
  transition(id: string, from: SendStatus[], to: SendStatus, now: Date): Promise<boolean>;
  /** Remembers which release a webhook delivery carried (first record wins). */
  rememberWebhook(webhookId: string, releaseId: string, now: Date): Promise<void>;
  /** The release a webhook id carried, if that delivery was seen before. */
  getWebhookRelease(webhookId: string): Promise<string | undefined>;
}

export interface SubscriberStore {
  /** Adds or finds the subscriber for a normalised address and confirms them on the given lists. */
  addConfirmed(email: string, lists: string[], now: Date): Promise<{ subscriber: Subscriber; created: boolean }>;
  get(subscriberId: string): Promise<Subscriber | undefined>;
  findByEmail(email: string): Promise<Subscriber | undefined>;
  /** One page of confirmed members of a list, in a stable order; pass the returned cursor to continue. */
  pageConfirmedMembers(listId: string, cursor: string | undefined, limit: number): Promise<{ subscriberIds: string[]; cursor?: string }>;
  unsubscribe(subscriberId: string, listId: string, now: Date): Promise<void>;
}

export type ClaimOutcome = 'claimed' | 'done' | 'busy';

export interface DeliveryStore {
  /**
   * Claims the (release, subscriber) delivery before the email is sent: `claimed` when this caller
   * now holds it, `done` when the delivery already ended (sent, failed or skipped), `busy` when
   * another worker holds a live claim.
   */
  claim(releaseId: string, subscriberId: string, listId: string, now: Date, leaseMs: number): Promise<ClaimOutcome>;
  markSent(releaseId: string, subscriberId: string, messageId: string, now: Date): Promise<void>;
  markFailed(releaseId: string, subscriberId: string, reason: string, now: Date): Promise<void>;
  /** Records that the delivery was not attempted; leaves an ended delivery as it is. */
  markSkipped(releaseId: string, subscriberId: string, listId: string, reason: string, now: Date): Promise<void>;
  /** Gives a claim back (e.g. after throttling) so a retry can claim it again. */
  releaseClaim(releaseId: string, subscriberId: string): Promise<void>;
  get(releaseId: string, subscriberId: string): Promise<DeliveryRecord | undefined>;
}

/** A message for the send queue: one recipient of one release. */
export interface SendJob {
  releaseId: string;
  subscriberId: string;
  /** The list this recipient is reached through; its unsubscribe link leaves this list. */
  listId: string;
}

export interface FanOutJob {
  releaseId: string;
}

export interface JobQueue<T> {
  send(jobs: T[]): Promise<void>;
}

export interface OutgoingEmail {
  from: string;
  to: string;
  raw: Uint8Array;
}

export interface Mailer {
  /** Sends a complete MIME message; returns the provider's message id. */
  sendRaw(email: OutgoingEmail): Promise<{ messageId: string }>;
}

export interface SocialPostStore {
  /** Stores posts that do not exist yet; an existing (release, channel) post is left as it is. */
  schedule(posts: SocialPost[]): Promise<void>;
  /** Posts whose `dueAt` has passed and that are still waiting to be posted. */
  listDue(now: Date, limit: number): Promise<SocialPost[]>;
  /** Conditional move scheduled → posting; false when another run claimed it first. */
  claim(post: SocialPost, now: Date, leaseMs: number): Promise<boolean>;
  markPosted(post: SocialPost, result: SocialPostResult, now: Date): Promise<void>;
  markFailed(post: SocialPost, error: string, now: Date, retryAt?: Date): Promise<void>;
  listForRelease(releaseId: string): Promise<SocialPost[]>;
}

export interface SocialChannel {
  /** Channel name as configured, e.g. `local` or `mastodon`. */
  readonly name: string;
  /** Formats the release summary within this channel's rules. */
  format(summary: SocialSummary): string;
  /** Publishes the text. `idempotencyKey` is stable for one (release, channel) pair. */
  post(text: string, idempotencyKey: string): Promise<SocialPostResult>;
}

/** Turns a release into the email every recipient gets, with recipient placeholders left in. */
export interface EmailRenderer {
  render(release: Release): Promise<RenderedEmail>;
}
