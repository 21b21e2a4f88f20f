/**
 * What the subscriber feature stores and sends through. Consumers that need a few methods declare
 * their own narrow pick beside themselves (the fan-out's FanOutSubscribers, say).
 */
import type { Readable } from 'node:stream';
import type { MembershipStatus, Subscriber, SuppressionReason } from './subscriber';
import type { MemberCounts } from './member-counts';
import type { ImportJob, ImportJobEnd, ImportReportChunk, ImportStep } from './import-job';
import type { ExportJob, ExportJobEnd } from './export-job';
import type { ConsentEvent, ConsentRecord } from './consent';

export interface MembershipChange {
  listId: string;
  status: MembershipStatus;
}

export interface MemberSummary {
  subscriberId: string;
  listId: string;
  status: MembershipStatus;
  changedAt: string;
  /** The subscriber is suppressed (kept on each membership so counts need no profile reads). */
  suppressed?: boolean;
}

/** A confirmed, not suppressed membership, as the fan-out's de-duplication reads it. */
export interface MailableMembership {
  subscriberId: string;
  listId: string;
  changedAt: string;
}

export interface SubscriberStore {
  /**
   * Adds or finds the subscriber for a normalised address and confirms them on the given lists.
   * `language` is stored only when the subscriber is created.
   */
  addConfirmed(email: string, lists: string[], now: Date, language?: string): Promise<{ subscriber: Subscriber; created: boolean }>;
  /**
   * Adds or finds the subscriber and marks the given lists pending (double opt-in). Only lists they
   * have no standing on yet, or are already pending on, change: a confirmed membership stays
   * confirmed and a list they left stays left (suppressed or not) until their confirmation says
   * otherwise (`pendingChanges` in subscriber.ts).
   */
  addPending(email: string, lists: string[], language: string | undefined, now: Date): Promise<{ subscriber: Subscriber; created: boolean }>;
  /**
   * The subscriber with their memberships; `{ consistent: false }` may miss a change from the last
   * moment (typically under a second) for half the read units.
   */
  get(subscriberId: string, options?: { consistent?: boolean }): Promise<Subscriber | undefined>;
  findByEmail(email: string): Promise<Subscriber | undefined>;
  /** One page of confirmed, mailable members of a list, in a stable order; pass the cursor to continue. */
  pageConfirmedMembers(listId: string, cursor: string | undefined, limit: number): Promise<{ subscriberIds: string[]; cursor?: string }>;
  /**
   * Which of these subscribers are confirmed, mailable members of any of these lists right now, with
   * when each membership last changed (the fan-out's cross-list de-duplication; one batch read).
   */
  confirmedOn(subscriberIds: string[], listIds: string[]): Promise<MailableMembership[]>;
  /** One page of every member of a list whatever their status (exports, counts). */
  pageMembers(listId: string, cursor: string | undefined, limit: number): Promise<{ members: MemberSummary[]; cursor?: string }>;
  /**
   * Each list's member counts as the store maintains them with every membership change (no
   * paging); zeros for a list no membership ever touched. Every method that changes a membership
   * or the suppressed flag keeps them; they can drift only where a change's two writes are split by
   * a crash (see the adapter), which a recount repairs.
   */
  memberCounts(listIds: string[]): Promise<Map<string, MemberCounts>>;
  /** Adds to a list's maintained counts: only a recount uses it, to correct drift. */
  adjustMemberCounts(listId: string, delta: Partial<MemberCounts>): Promise<void>;
  /** Pending memberships that started before `before` (unconfirmed sign-ups to purge). */
  pagePendingBefore(before: Date, cursor: string | undefined, limit: number): Promise<{ members: MemberSummary[]; cursor?: string }>;
  unsubscribe(subscriberId: string, listId: string, now: Date): Promise<void>;
  /** Sets several memberships at once; a membership that does not exist is created. */
  setMemberships(subscriberId: string, changes: MembershipChange[], now: Date): Promise<void>;
  /** Removes a membership record entirely (purging an unconfirmed sign-up). */
  removeMembership(subscriberId: string, listId: string): Promise<void>;
  /** Stops all mail to the subscriber; fan-outs skip them at once. */
  suppress(subscriberId: string, reason: SuppressionReason, now: Date): Promise<void>;
  /** Lifts suppression after a fresh double opt-in; confirmed memberships become mailable again. */
  unsuppress(subscriberId: string, now: Date): Promise<void>;
  /** Counts one more transient bounce in a row and returns the new count. */
  recordTransientBounce(subscriberId: string, now: Date): Promise<number>;
  resetTransientBounces(subscriberId: string): Promise<void>;
  /**
   * Takes the right to send a list's welcome email to a subscriber: true once per (subscriber, list),
   * ever, whatever retries or duplicate messages ask (a conditional write); false for an unknown subscriber.
   */
  claimWelcome(subscriberId: string, listId: string): Promise<boolean>;
  /** Gives a claimed welcome back, after a send that failed, so that the queue's retry may send it. */
  releaseWelcome(subscriberId: string, listId: string): Promise<void>;
  /**
   * Takes the right to send a confirmation email: true at most once per `minIntervalMs` per subscriber.
   */
  claimConfirmationEmail(subscriberId: string, now: Date, minIntervalMs: number): Promise<boolean>;
  /**
   * Appends consent events (consent.ts), for one subscriber or many (an import batch). The stores do
   * not write them in the same request as the change they record (there are no transactions
   * locally): callers record right after the change, so a crash between the two leaves the change
   * without its event, never an event without its change.
   */
  recordConsent(records: ConsentRecord[]): Promise<void>;
  /** One page of a subscriber's consent history, newest first; pass the cursor to continue. */
  pageConsentHistory(subscriberId: string, cursor: string | undefined, limit: number): Promise<{ events: ConsentEvent[]; cursor?: string }>;
  /** Deletes the subscriber's personal data: profile, memberships, consent history and the address lookup. */
  erase(subscriberId: string): Promise<void>;
}

/** Addresses that stay suppressed after their subscriber was erased, kept as keyed hashes only. */
export interface AddressBlocklist {
  isBlocked(email: string): Promise<boolean>;
  block(email: string, reason: SuppressionReason, now: Date): Promise<void>;
  /** Forgets a blocked address after its owner opted in again (double opt-in); a no-op when absent. */
  unblock(email: string): Promise<void>;
}

/** One-off emails the service sends on its own behalf (not releases), in the subscriber's language. */
export interface SystemEmailRenderer {
  /** The double opt-in email: `lists` are display names, `confirmUrl` the signed confirmation link. */
  renderConfirmation(input: { lists: string[]; confirmUrl: string; language?: string }): Promise<{ subject: string; html: string; text: string }>;
}

/** A list's welcome email (welcome.ts), around a body already sanitised. */
export interface WelcomeEmailRenderer {
  renderWelcome(input: {
    subject: string;
    /** Sanitised HTML from staff's Markdown: placed as is. */
    bodyHtml: string;
    listName: string;
    /** The language of the body, so the chrome matches it; the default language when absent. */
    language?: string;
    unsubscribeUrl: string;
    preferencesUrl: string;
  }): Promise<{ subject: string; html: string; text: string }>;
}

/**
 * Import jobs (see import-job.ts). Every move of a job's checkpoint is conditional on the line the
 * mover read, so of two workers on the same job only one moves it, and a batch's counts go in the
 * same write as the checkpoint that passes it.
 */
export interface ImportJobStore {
  /** Stores a new job; false (and nothing written) when one with its id exists. */
  create(job: ImportJob): Promise<boolean>;
  get(id: string): Promise<ImportJob | undefined>;
  /** `awaiting-upload` → `queued`; false for any other status or no such job (nothing written). */
  markQueued(id: string, now: Date): Promise<boolean>;
  /**
   * Takes the job's lease until `leaseUntil`: `queued` → `running`, or a `running` job whose lease
   * has run out (its worker stopped or crashed). False, and nothing written, while another worker's
   * lease holds, or for a job that ended or does not exist.
   */
  markRunning(id: string, now: Date, leaseUntil: Date): Promise<boolean>;
  /** Gives up the lease taken until `leaseUntil` (a later lease, another worker's, stays). */
  releaseLease(id: string, leaseUntil: Date): Promise<void>;
  /**
   * Moves the checkpoint from line `fromLine` to `step.line`, adding the step's counts and keeping its
   * report rows as the job's `lastChunk`; false when the job is no longer at `fromLine` or not running
   * (nothing written).
   */
  advance(id: string, fromLine: number, step: ImportStep): Promise<boolean>;
  /** Keeps a chunk of the report; writing the same chunk again changes nothing. */
  putReportChunk(id: string, chunk: ImportReportChunk): Promise<void>;
  /** Every chunk kept for the job, by `fromLine`. */
  reportChunks(id: string): Promise<ImportReportChunk[]>;
  /** Ends a running job still at `fromLine`; false (nothing written) otherwise. */
  finish(id: string, fromLine: number, end: ImportJobEnd): Promise<boolean>;
}

/** List export jobs (see export-job.ts). */
export interface ExportJobStore {
  /** Stores a new job; false (nothing written) when one with its id exists. */
  create(job: ExportJob): Promise<boolean>;
  get(id: string): Promise<ExportJob | undefined>;
  /** `queued` or `running` → `running` (a retry after a crash runs it again); false once it ended. */
  markRunning(id: string, now: Date): Promise<boolean>;
  /** Ends a running job; false (nothing written) when it is not running. */
  finish(id: string, end: ExportJobEnd): Promise<boolean>;
}

/** Opens an import's file by its key. */
export interface ImportSources {
  /** @throws NotFoundError when there is no such file. */
  open(key: string): Promise<Readable>;
}

/**
 * Staff's files: CSV imports uploaded for a job, and exports written for download. On AWS an S3
 * bucket, locally the runner's S3 stand-in; staff move the bytes through pre-signed URLs.
 */
export interface StaffFiles extends ImportSources {
  /** The file's size in bytes, or undefined when there is none. */
  size(key: string): Promise<number | undefined>;
  /** A URL that accepts one HTTP PUT of the file, for `expiresInSeconds`. */
  uploadUrl(key: string, expiresInSeconds: number): Promise<string>;
  /** A URL that downloads the file as `filename`, for `expiresInSeconds`. */
  downloadUrl(key: string, filename: string, expiresInSeconds: number): Promise<string>;
  /** Writes the file (any size), replacing one with the same key. */
  put(key: string, body: Readable | string | Buffer, contentType: string): Promise<void>;
}
