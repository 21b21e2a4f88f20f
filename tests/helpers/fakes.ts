import type { Draft } from '../../functions/domain/draft/draft';
import type { DraftStore } from '../../functions/domain/draft/ports';
import { NotFoundError } from '../../functions/domain/errors';
/**
 * In-memory fakes of the domain ports, for domain unit tests only. Integration tests use the real
 * adapters against the local emulators instead.
 */
import type { AddressBlocklist, ExportJobStore, ImportJobStore, MemberSummary, MembershipChange, StaffFiles, SubscriberStore, SystemEmailRenderer, WelcomeEmailRenderer } from '../../functions/domain/subscriber/ports';
import { ExportJobStatus, type ExportJob, type ExportJobEnd } from '../../functions/domain/subscriber/export-job';
import { Readable } from 'node:stream';
import { ImportJobStatus, type ImportJob, type ImportJobEnd, type ImportReportChunk, type ImportStep } from '../../functions/domain/subscriber/import-job';
import type { ClaimOutcome, DeliveryStore, FanOutJob, Mailer, OutgoingEmail, SendJob } from '../../functions/domain/delivery/ports';
import type { Clock, JobQueue, RateLimiter } from '../../functions/domain/ports';
import type { ListStore } from '../../functions/domain/lists/ports';
import type { ReleaseStore, StaffReleaseQuery } from '../../functions/domain/release/ports';
import type { SocialChannel, SocialPostStore } from '../../functions/domain/social/ports';
import type { ListChanges, MailingList } from '../../functions/domain/lists/mailing-list';
import { SendStatus } from '../../functions/domain/release/send-status';
import type { SendStatusChanges } from '../../functions/domain/release/release';
import type { Release } from '../../functions/domain/release/release';
import type { ReleaseRevision } from '../../functions/domain/release/correction';
import type { PollRecord, SourceStore } from '../../functions/domain/source/ports';
import type { Source, SourcePatch } from '../../functions/domain/source/source';
import type { SourceItem } from '../../functions/domain/source/source-item';
import type { RenderedEmail } from '../../functions/domain/release/rendered-email';
import { MembershipStatus, pendingChanges, type Subscriber, type SuppressionReason } from '../../functions/domain/subscriber/subscriber';
import { invalidConsentCursor, type ConsentEvent, type ConsentRecord } from '../../functions/domain/subscriber/consent';
import { addCounts, countDelta, emptyMemberCounts, type CountedState, type MemberCounts } from '../../functions/domain/subscriber/member-counts';
import { DeliveryStatus, type DeliveryRecord, type DeliveryReport, type ReportOutcome } from '../../functions/domain/delivery/delivery';
import type { FanOutPlan, FanOutPlanStore, MailEventReceipt, ReleaseStatsStore, TallyReceipt } from '../../functions/domain/delivery/ports';
import { sumCounts, type ReleaseCounts } from '../../functions/domain/delivery/release-stats';
import { SocialPostStatus, type SocialPost, type SocialMessage, type SocialPostResult, type SocialSummary } from '../../functions/domain/social/social-post';
import { cursorPosition, isListed, listingPosition, releaseCursor } from '../../functions/domain/feeds/listing';
import type { ApiTokenStore, AuditEntry, AuditLog, SignInEmailRenderer, SignInLinkStore, StaffRoster, StaffSessionStore, StoredApiToken, StoredSession, StoredSignInLink } from '../../functions/domain/staff/ports';
import type { StaffMember } from '../../functions/domain/staff/staff-member';

export class FakeClock implements Clock {
  constructor(public current = new Date('2026-11-29T12:00:00Z')) {}
  now() {
    return new Date(this.current);
  }
  advance(ms: number) {
    this.current = new Date(this.current.getTime() + ms);
  }
}

/**
 * Timers on a {@link FakeClock} for code that waits on several timers at once: `wait(ms)` parks until
 * the clock reaches its time, and `run(task)` drives the task, moving the clock to the earliest
 * parked timer whenever nothing else can progress. Timers fire in time order, as real ones would,
 * without the test sleeping.
 */
export class FakeTimers {
  /** Every delay asked for, in the order asked. */
  readonly waits: number[] = [];
  private parked: { at: number; seq: number; resolve: () => void }[] = [];
  private seq = 0;
  constructor(private readonly clock: FakeClock) {}

  /** Parks until the clock reaches `ms` from now, or until `signal` aborts (as the real wait does). */
  wait = (ms: number, signal?: AbortSignal): Promise<void> =>
    new Promise<void>((resolve) => {
      this.waits.push(ms);
      const timer = { at: this.clock.now().getTime() + ms, seq: this.seq++, resolve };
      this.parked.push(timer);
      signal?.addEventListener('abort', () => ((this.parked = this.parked.filter((t) => t !== timer)), resolve()), { once: true });
    });

  async run<T>(task: Promise<T>): Promise<T> {
    let done = false;
    task.then(() => (done = true), () => (done = true));
    for (let idle = 0; ; ) {
      // A few turns of the event loop let every promise chain the fakes started settle.
      for (let i = 0; i < 5; i++) await new Promise((resolve) => setImmediate(resolve));
      if (done) return task;
      this.parked.sort((a, b) => a.at - b.at || a.seq - b.seq);
      const next = this.parked.shift();
      if (!next) {
        if (++idle > 100) throw new Error('FakeTimers: the task waits on something that is not a fake timer');
        continue;
      }
      idle = 0;
      this.clock.advance(Math.max(0, next.at - this.clock.now().getTime()));
      next.resolve();
    }
  }
}

export class MemoryReleaseStore implements ReleaseStore {
  releases = new Map<string, Release>();
  rendered = new Map<string, RenderedEmail>();
  webhooks = new Map<string, string>();
  async create(release: Release) {
    const existing = this.releases.get(release.id);
    if (existing) return { created: false, release: existing };
    this.releases.set(release.id, structuredClone(release));
    if (release.embargoUntil) this.embargoed.add(release.id);
    return { created: true, release };
  }
  async get(id: string) {
    const r = this.releases.get(id);
    return r && structuredClone(r);
  }
  revisions = new Map<string, ReleaseRevision[]>();
  async saveRendered(id: string, rendered: RenderedEmail, language?: string) {
    // Keyed like the DynamoDB store: the release's own language by id, a translation's by id#tag.
    const key = language ? `${id}#${language.toLowerCase()}` : id;
    const stored = this.rendered.get(key);
    if (!stored || (stored.revision ?? 1) < (rendered.revision ?? 1)) this.rendered.set(key, rendered);
    return this.rendered.get(key)!;
  }
  async correct(previous: ReleaseRevision, corrected: Release) {
    const kept = (this.revisions.get(previous.releaseId) ?? []).filter((r) => r.revision !== previous.revision);
    this.revisions.set(previous.releaseId, [...kept, structuredClone(previous)].sort((a, b) => a.revision - b.revision));
    const stored = this.releases.get(corrected.id);
    if (!stored || (stored.revision ?? 1) !== previous.revision) return false;
    // Like the DynamoDB store: only the content and revision fields; the send's own fields move on their own.
    const fields = ['title', 'url', 'body', 'summary', 'tags', 'author', 'translations', 'correctionNote', 'correctedFields', 'correctedBy', 'revision', 'updatedAt'] as const;
    const next = stored as unknown as Record<string, unknown>;
    for (const field of fields) {
      if (corrected[field] === undefined) delete next[field];
      else next[field] = structuredClone(corrected[field]);
    }
    return true;
  }
  async listRevisions(id: string) {
    return structuredClone(this.revisions.get(id) ?? []);
  }
  async getRendered(id: string, language?: string) {
    return this.rendered.get(language ? `${id}#${language.toLowerCase()}` : id);
  }
  async transition(id: string, from: SendStatus[], to: SendStatus, now: Date, changes: SendStatusChanges = {}) {
    const r = this.releases.get(id);
    if (!r || !from.includes(r.sendStatus)) return false;
    r.sendStatus = to;
    r.statusChangedAt = now.toISOString();
    if (to === SendStatus.Sending && from.includes(SendStatus.Queued)) r.sendStartedAt ??= now.toISOString();
    for (const [field, value] of Object.entries(changes)) {
      if (value === null) delete (r as unknown as Record<string, unknown>)[field];
      else if (value !== undefined) (r as unknown as Record<string, unknown>)[field] = value;
    }
    return true;
  }
  /** Ids still on the embargoed list (the DynamoDB store's sparse index). */
  embargoed = new Set<string>();
  async listEmbargoEnded(now: Date, limit: number) {
    return [...this.releases.values()]
      .filter((r) => r.embargoUntil && this.embargoed.has(r.id) && r.embargoUntil <= now.toISOString())
      .sort((a, b) => a.embargoUntil!.localeCompare(b.embargoUntil!))
      .slice(0, limit)
      .map((r) => structuredClone(r));
  }
  async embargoEnded(id: string) {
    this.embargoed.delete(id);
  }
  async markPlanningFinished(id: string, targeted: number, now: Date) {
    const r = this.releases.get(id);
    if (!r || r.planningFinishedAt) return false;
    Object.assign(r, { planningFinishedAt: now.toISOString(), targeted });
    return true;
  }
  async rememberWebhook(webhookId: string, releaseId: string) {
    if (!this.webhooks.has(webhookId)) this.webhooks.set(webhookId, releaseId);
  }
  async getWebhookRelease(webhookId: string) {
    return this.webhooks.get(webhookId);
  }
  /** Like the DynamoDB store: newest first by listing position, one extra read to know about `next`. */
  async listPublished({ before, limit, now }: { before?: string; limit: number; now: Date }) {
    const boundary = before === undefined ? undefined : cursorPosition(before);
    const listed = [...this.releases.values()]
      .filter((r) => (boundary === undefined || listingPosition(r) < boundary) && isListed(r, now))
      .sort((a, b) => (listingPosition(a) < listingPosition(b) ? 1 : -1));
    const releases = listed.slice(0, limit).map((r) => structuredClone(r));
    return { releases, next: listed.length > limit ? releaseCursor(releases.at(-1)!) : undefined };
  }
  /** Like the DynamoDB store: every release, newest first, filtered, without bodies. */
  async listForStaff({ before, limit, status, listId }: StaffReleaseQuery) {
    const boundary = before === undefined ? undefined : cursorPosition(before);
    const matching = [...this.releases.values()]
      .filter((r) => (boundary === undefined || listingPosition(r) < boundary) && (!status || r.sendStatus === status) && (!listId || r.lists.includes(listId)))
      .sort((a, b) => (listingPosition(a) < listingPosition(b) ? 1 : -1));
    const releases = matching.slice(0, limit).map(({ body: _b, html: _h, markdown: _m, digest: _d, social: _s, summary: _su, author: _a, warnings: _w, ...r }) => structuredClone(r) as Release);
    return { releases, next: matching.length > limit ? releaseCursor(releases.at(-1)!) : undefined };
  }}

/**
 * Subscribers in memory. Like the DynamoDB store, it keeps each list's counts as memberships change
 * (not by counting on read), so a change that forgot its counts fails the same contract cases.
 */
export class MemorySubscriberStore implements SubscriberStore {
  subscribers = new Map<string, Subscriber>();
  counts = new Map<string, MemberCounts>();
  private next = 1;
  private stateOf(subscriber: Subscriber, listId: string): CountedState | undefined {
    const m = subscriber.memberships.find((x) => x.listId === listId);
    return m && { status: m.status, suppressed: !!subscriber.suppressedAt };
  }
  /** Runs a change of the subscriber's standing on `listIds` and counts it. */
  private counted(subscriber: Subscriber, listIds: string[], change: () => void) {
    const before = listIds.map((listId) => this.stateOf(subscriber, listId));
    change();
    listIds.forEach((listId, i) => this.adjust(listId, countDelta(before[i], this.stateOf(subscriber, listId))));
  }
  private adjust(listId: string, delta: Partial<MemberCounts>) {
    if (!this.counts.has(listId)) this.counts.set(listId, emptyMemberCounts());
    addCounts(this.counts.get(listId)!, delta);
  }
  private listsOf = (s: Subscriber) => s.memberships.map((m) => m.listId);
  async memberCounts(listIds: string[]) {
    return new Map(listIds.map((listId) => [listId, { ...(this.counts.get(listId) ?? emptyMemberCounts()) }]));
  }
  async adjustMemberCounts(listId: string, delta: Partial<MemberCounts>) {
    this.adjust(listId, delta);
  }
  // Lower-cased address → id, as the DynamoDB store's EMAIL# items: a 100,000-row import looks up every row.
  private byEmail = new Map<string, string>();
  private find(email: string) {
    const id = this.byEmail.get(email.toLowerCase());
    return id === undefined ? undefined : this.subscribers.get(id);
  }
  private ensure(email: string, language: string | undefined, now: Date) {
    let subscriber = this.find(email);
    const created = !subscriber;
    if (!subscriber) {
      subscriber = { id: `sub-${this.next++}`, email, language, createdAt: now.toISOString(), memberships: [] };
      this.subscribers.set(subscriber.id, subscriber);
      this.byEmail.set(email.toLowerCase(), subscriber.id);
    }
    return { subscriber, created };
  }
  private set(subscriber: Subscriber, listId: string, status: MembershipStatus, now: Date) {
    this.counted(subscriber, [listId], () => {
      const m = subscriber.memberships.find((x) => x.listId === listId);
      if (m) Object.assign(m, { status, changedAt: now.toISOString() });
      else subscriber.memberships.push({ listId, status, changedAt: now.toISOString() });
    });
  }
  async addConfirmed(email: string, lists: string[], now: Date, language?: string) {
    const { subscriber, created } = this.ensure(email, language, now);
    for (const listId of lists) this.set(subscriber, listId, MembershipStatus.Confirmed, now);
    return { subscriber: structuredClone(subscriber), created };
  }
  async addPending(email: string, lists: string[], language: string | undefined, now: Date) {
    const { subscriber, created } = this.ensure(email, language, now);
    if (language) subscriber.language = language;
    for (const { listId, status } of pendingChanges(subscriber, lists)) this.set(subscriber, listId, status, now);
    return { subscriber: structuredClone(subscriber), created };
  }
  async get(id: string) {
    const s = this.subscribers.get(id);
    return s && structuredClone(s);
  }
  async findByEmail(email: string) {
    const s = this.find(email);
    return s && structuredClone(s);
  }
  async pageConfirmedMembers(listId: string, cursor: string | undefined, limit: number) {
    const ids = [...this.subscribers.values()]
      .filter((s) => !s.suppressedAt && s.memberships.some((m) => m.listId === listId && m.status === MembershipStatus.Confirmed))
      .map((s) => s.id)
      .sort();
    const start = cursor ? Number(cursor) : 0;
    const page = ids.slice(start, start + limit);
    return { subscriberIds: page, cursor: start + limit < ids.length ? String(start + limit) : undefined };
  }
  async confirmedOn(subscriberIds: string[], listIds: string[]) {
    return subscriberIds.flatMap((id) => {
      const s = this.subscribers.get(id);
      if (!s || s.suppressedAt) return [];
      return s.memberships
        .filter((m) => listIds.includes(m.listId) && m.status === MembershipStatus.Confirmed)
        .map((m) => ({ subscriberId: id, listId: m.listId, changedAt: m.changedAt }));
    });
  }
  private pageOf(members: MemberSummary[], cursor: string | undefined, limit: number) {
    const start = cursor ? Number(cursor) : 0;
    return { members: members.slice(start, start + limit), cursor: start + limit < members.length ? String(start + limit) : undefined };
  }
  private allMembers(): MemberSummary[] {
    return [...this.subscribers.values()].flatMap((s) => s.memberships.map((m) => ({ subscriberId: s.id, ...m, suppressed: !!s.suppressedAt })));
  }
  async pageMembers(listId: string, cursor: string | undefined, limit: number) {
    return this.pageOf(this.allMembers().filter((m) => m.listId === listId), cursor, limit);
  }
  async pagePendingBefore(before: Date, cursor: string | undefined, limit: number) {
    const at = before.toISOString();
    return this.pageOf(this.allMembers().filter((m) => m.status === MembershipStatus.Pending && m.changedAt < at), cursor, limit);
  }
  async unsubscribe(subscriberId: string, listId: string, now: Date) {
    const s = this.subscribers.get(subscriberId);
    const m = s?.memberships.find((x) => x.listId === listId);
    if (m) this.counted(s!, [listId], () => Object.assign(m, { status: MembershipStatus.Unsubscribed, changedAt: now.toISOString() }));
  }
  async setMemberships(subscriberId: string, changes: MembershipChange[], now: Date) {
    const s = this.subscribers.get(subscriberId);
    if (s) for (const c of changes) this.set(s, c.listId, c.status, now);
  }
  async removeMembership(subscriberId: string, listId: string) {
    const s = this.subscribers.get(subscriberId);
    if (s) this.counted(s, [listId], () => (s.memberships = s.memberships.filter((m) => m.listId !== listId)));
  }
  async suppress(subscriberId: string, reason: SuppressionReason, now: Date) {
    const s = this.subscribers.get(subscriberId);
    if (s) this.counted(s, this.listsOf(s), () => Object.assign(s, { suppressedAt: now.toISOString(), suppressionReason: reason }));
  }
  async unsuppress(subscriberId: string) {
    const s = this.subscribers.get(subscriberId);
    if (s) this.counted(s, this.listsOf(s), () => Object.assign(s, { suppressedAt: undefined, suppressionReason: undefined, transientBounces: undefined }));
  }
  async recordTransientBounce(subscriberId: string, now: Date) {
    const s = this.subscribers.get(subscriberId)!;
    s.transientBounces = (s.transientBounces ?? 0) + 1;
    s.lastBounceAt = now.toISOString();
    return s.transientBounces;
  }
  async resetTransientBounces(subscriberId: string) {
    const s = this.subscribers.get(subscriberId);
    if (s) s.transientBounces = undefined;
  }
  /** Lists each subscriber was welcomed to (claimWelcome). */
  welcomed = new Map<string, Set<string>>();
  async claimWelcome(subscriberId: string, listId: string) {
    if (!this.subscribers.has(subscriberId)) return false;
    const lists = this.welcomed.get(subscriberId) ?? new Set<string>();
    if (lists.has(listId)) return false;
    this.welcomed.set(subscriberId, lists.add(listId));
    return true;
  }
  async releaseWelcome(subscriberId: string, listId: string) {
    this.welcomed.get(subscriberId)?.delete(listId);
  }
  async claimConfirmationEmail(subscriberId: string, now: Date, minIntervalMs: number) {
    const s = this.subscribers.get(subscriberId);
    if (!s) return false;
    if (s.confirmationSentAt && new Date(s.confirmationSentAt).getTime() > now.getTime() - minIntervalMs) return false;
    s.confirmationSentAt = now.toISOString();
    return true;
  }
  /** Each subscriber's events, oldest first, in the order recorded (the DynamoDB store sorts by time, then by call). */
  consent = new Map<string, ConsentEvent[]>();
  async recordConsent(records: ConsentRecord[]) {
    for (const { subscriberId, event } of records) {
      const events = this.consent.get(subscriberId) ?? [];
      events.push(structuredClone(event));
      // Stable: events of the same instant keep the order they were recorded in.
      events.sort((a, b) => a.at.localeCompare(b.at));
      this.consent.set(subscriberId, events);
    }
  }
  async pageConsentHistory(subscriberId: string, cursor: string | undefined, limit: number) {
    const newestFirst = [...(this.consent.get(subscriberId) ?? [])].reverse();
    // Its cursors name their subscriber, so one from another history is refused as DynamoDB's is.
    const [owner, at] = cursor?.split(':') ?? [subscriberId, '0'];
    const start = Number(at);
    if (owner !== subscriberId || !Number.isInteger(start) || start < 0) throw invalidConsentCursor();
    return {
      events: structuredClone(newestFirst.slice(start, start + limit)),
      cursor: start + limit < newestFirst.length ? `${subscriberId}:${start + limit}` : undefined,
    };
  }
  async erase(subscriberId: string) {
    const s = this.subscribers.get(subscriberId);
    this.consent.delete(subscriberId);
    if (s) this.counted(s, this.listsOf(s), () => (s.memberships = []));
    if (s) this.byEmail.delete(s.email.toLowerCase());
    this.subscribers.delete(subscriberId);
  }
}

export class MemoryListStore implements ListStore {
  lists = new Map<string, MailingList>();
  constructor(initial: Partial<MailingList>[] = []) {
    for (const l of initial) {
      const at = '2026-01-01T00:00:00.000Z';
      this.lists.set(l.id!, { name: l.id!, public: true, archived: false, createdAt: at, updatedAt: at, ...l } as MailingList);
    }
  }
  async all() {
    return [...this.lists.values()].map((l) => ({ ...l }));
  }
  async get(id: string) {
    const l = this.lists.get(id);
    return l && { ...l };
  }
  async create(list: MailingList) {
    if (this.lists.has(list.id)) return false;
    this.lists.set(list.id, { ...list });
    return true;
  }
  async update(id: string, changes: ListChanges, now: Date) {
    const l = this.lists.get(id);
    if (!l) return undefined;
    Object.assign(l, changes, { updatedAt: now.toISOString() });
    for (const [key, value] of Object.entries(changes)) if (value === null) delete (l as unknown as Record<string, unknown>)[key];
    return { ...l };
  }
}

export class MemoryBlocklist implements AddressBlocklist {
  blocked = new Set<string>();
  async isBlocked(email: string) {
    return this.blocked.has(email.toLowerCase());
  }
  async block(email: string) {
    this.blocked.add(email.toLowerCase());
  }
  async unblock(email: string) {
    this.blocked.delete(email.toLowerCase());
  }
}

export class MemoryRateLimiter implements RateLimiter {
  counts = new Map<string, number>();
  async consume(key: string, limit: number, windowMs: number, now: Date) {
    const k = `${key}#${Math.floor(now.getTime() / windowMs)}`;
    const n = this.counts.get(k) ?? 0;
    if (n >= limit) return false;
    this.counts.set(k, n + 1);
    return true;
  }
}

export class MemoryDeliveryStore implements DeliveryStore {
  records = new Map<string, DeliveryRecord>();
  /** With the stats store's receipts, `get` reports `uncounted` as the DynamoDB store does (only while no receipt names the ending). */
  constructor(private readonly tallies?: Pick<ReleaseStatsStore, 'tallyCounted'>) {}
  private key = (r: string, s: string) => `${r}#${s}`;
  async claim(releaseId: string, subscriberId: string, listId: string, now: Date, leaseMs: number, jobListId = listId): Promise<ClaimOutcome> {
    const current = this.records.get(this.key(releaseId, subscriberId));
    if (current && !(current.status === DeliveryStatus.Claimed && current.leaseUntil! < now.toISOString())) {
      return current.status === DeliveryStatus.Claimed ? 'busy' : 'done';
    }
    this.records.set(this.key(releaseId, subscriberId), {
      releaseId, subscriberId, listId, jobListId, status: DeliveryStatus.Claimed,
      claimedAt: now.toISOString(), leaseUntil: new Date(now.getTime() + leaseMs).toISOString(),
    });
    return 'claimed';
  }
  async markSent(releaseId: string, subscriberId: string, messageId: string, now: Date, tally?: string) {
    return this.end(releaseId, subscriberId, { status: DeliveryStatus.Sent, messageId, sentAt: now.toISOString(), ...(tally ? { tally } : {}) });
  }
  async markFailed(releaseId: string, subscriberId: string, reason: string, now: Date, tally?: string) {
    return this.end(releaseId, subscriberId, { status: DeliveryStatus.Failed, reason, endedAt: now.toISOString(), ...(tally ? { tally } : {}) });
  }
  /** Like the DynamoDB store: only a claimed delivery ends; true when this call ended it. */
  private end(releaseId: string, subscriberId: string, fields: Partial<DeliveryRecord>) {
    const record = this.records.get(this.key(releaseId, subscriberId));
    if (record?.status !== DeliveryStatus.Claimed) return false;
    Object.assign(record, fields, { uncounted: true });
    delete record.leaseUntil;
    delete record.claimedAt;
    return true;
  }
  async markCounted(releaseId: string, subscriberId: string) {
    const record = this.records.get(this.key(releaseId, subscriberId));
    if (!record?.uncounted) return false;
    delete record.uncounted;
    return true;
  }
  async markSkipped(releaseId: string, subscriberId: string, listId: string, reason: string, now: Date, tally?: string) {
    const current = this.records.get(this.key(releaseId, subscriberId));
    if (current && !(current.status === DeliveryStatus.Claimed && current.leaseUntil! < now.toISOString())) return false;
    this.records.set(this.key(releaseId, subscriberId), { releaseId, subscriberId, listId, jobListId: listId, status: DeliveryStatus.Skipped, reason, endedAt: now.toISOString(), uncounted: true, ...(tally ? { tally } : {}) });
    return true;
  }
  async releaseClaim(releaseId: string, subscriberId: string) {
    if (this.records.get(this.key(releaseId, subscriberId))?.status === DeliveryStatus.Claimed) this.records.delete(this.key(releaseId, subscriberId));
  }
  async get(releaseId: string, subscriberId: string): Promise<DeliveryRecord | undefined> {
    const record = this.records.get(this.key(releaseId, subscriberId));
    if (record?.uncounted && record.tally && (await this.tallies?.tallyCounted(releaseId, record.tally, subscriberId))) {
      return { ...record, uncounted: undefined };
    }
    return record;
  }
  async recordReport(releaseId: string, subscriberId: string, report: DeliveryReport, tally?: string): Promise<ReportOutcome> {
    const record = this.records.get(this.key(releaseId, subscriberId));
    if (!record) return 'missing';
    const attribute = `${report.kind}At` as 'deliveredAt' | 'bouncedAt' | 'complainedAt' | 'rejectedAt' | 'unsubscribedAt';
    if (record[attribute]) return 'seen';
    record[attribute] = report.at.toISOString();
    if (report.bounceType) record.bounceType = report.bounceType;
    if (tally) (record as unknown as Record<string, string>)[`${report.kind}Tally`] = tally;
    return 'recorded';
  }
  async moveReportTally(releaseId: string, subscriberId: string, kind: DeliveryReport['kind'], from: string, to: string) {
    const record = this.records.get(this.key(releaseId, subscriberId)) as unknown as Record<string, string> | undefined;
    if (!record || record[`${kind}Tally`] !== from) return false;
    record[`${kind}Tally`] = to;
    return true;
  }
  async getMany(releaseId: string, subscriberIds: string[]) {
    const found = subscriberIds.flatMap((id) => this.records.get(this.key(releaseId, id)) ?? []);
    return new Map(found.map((record) => [record.subscriberId, structuredClone(record)]));
  }
}

/** Fan-out checkpoints in memory, with the same sequence-number condition as the DynamoDB store. */
export class MemoryFanOutPlanStore implements FanOutPlanStore {
  plans = new Map<string, FanOutPlan>();
  /** Checkpoints that landed, in order (tests assert where a planner resumed). */
  checkpoints: FanOutPlan[] = [];
  async get(releaseId: string) {
    const plan = this.plans.get(releaseId);
    return plan && { ...plan };
  }
  leases = new Map<string, string>();
  async claim(releaseId: string, now: Date, leaseMs: number) {
    const lease = this.leases.get(releaseId);
    if (lease && lease >= now.toISOString()) return undefined;
    const current = this.plans.get(releaseId) ?? { releaseId, seq: 0, listIndex: 0, targeted: 0, startedAt: now.toISOString() };
    this.plans.set(releaseId, { ...current, seq: current.seq + 1 });
    this.leases.set(releaseId, new Date(now.getTime() + leaseMs).toISOString());
    return { ...this.plans.get(releaseId)! };
  }
  async release(plan: FanOutPlan) {
    if (this.plans.get(plan.releaseId)?.seq === plan.seq) this.leases.delete(plan.releaseId);
  }
  async checkpoint(from: FanOutPlan, to: Omit<FanOutPlan, 'releaseId' | 'seq' | 'startedAt'>) {
    const current = this.plans.get(from.releaseId);
    if (!current || current.seq !== from.seq) return false;
    const next = { ...current, ...to, cursor: to.cursor, seq: current.seq + 1 };
    this.plans.set(from.releaseId, next);
    this.checkpoints.push({ ...next });
    return true;
  }
}

export class MemoryQueue<T> implements JobQueue<T> {
  jobs: T[] = [];
  /** Jobs sent back with a delay given (0 included: a job put straight back), with that delay. */
  delayed: { job: T; delaySeconds: number }[] = [];
  async send(jobs: T[], options: { delaySeconds?: number } = {}) {
    this.jobs.push(...structuredClone(jobs));
    if (options.delaySeconds !== undefined) this.delayed.push(...structuredClone(jobs).map((job) => ({ job, delaySeconds: options.delaySeconds! })));
  }
}
export type FanOutQueue = MemoryQueue<FanOutJob>;
export type SendQueue = MemoryQueue<SendJob>;

export class RecordingMailer implements Mailer {
  sent: OutgoingEmail[] = [];
  /** Errors to throw on the next calls, in order. */
  failures: Error[] = [];
  async sendRaw(email: OutgoingEmail) {
    const failure = this.failures.shift();
    if (failure) throw failure;
    this.sent.push(email);
    return { messageId: `msg-${this.sent.length}` };
  }
}

/**
 * Social posts in memory, like the DynamoDB store: due posts come soonest first (a lapsed claim by
 * when its lease ran out), every record keeps the attempts it counted itself, and an ended attempt
 * leaves no lease behind.
 */
export class MemorySocialPostStore implements SocialPostStore {
  posts = new Map<string, SocialPost>();
  private key = (p: Pick<SocialPost, 'releaseId' | 'channel'>) => `${p.releaseId}#${p.channel}`;
  /** When a waiting post next becomes due (the DynamoDB store's index key); undefined once it ended. */
  private dueKey(p: SocialPost) {
    const at = p.status === SocialPostStatus.Scheduled ? p.dueAt : p.status === SocialPostStatus.Posting ? p.leaseUntil : undefined;
    return at === undefined ? undefined : `${at}#${p.releaseId}#${p.channel}`;
  }
  async schedule(posts: SocialPost[]) {
    for (const p of posts) if (!this.posts.has(this.key(p))) this.posts.set(this.key(p), structuredClone(p));
  }
  async refreshSummary(releaseId: string, summary: SocialSummary) {
    for (const p of this.posts.values()) {
      if (p.releaseId === releaseId && (p.status === SocialPostStatus.Scheduled || p.status === SocialPostStatus.Failed)) p.summary = structuredClone(summary);
    }
  }
  async listDue(now: Date, limit: number) {
    const until = `${now.toISOString()}#\uffff`;
    return [...this.posts.values()]
      .map((p) => ({ p, due: this.dueKey(p) }))
      .filter(({ due }) => due !== undefined && due <= until)
      .sort((a, b) => (a.due! < b.due! ? -1 : 1))
      .slice(0, limit)
      .map(({ p }) => structuredClone(p));
  }
  async claim(post: SocialPost, now: Date, leaseMs: number) {
    const p = this.posts.get(this.key(post));
    const at = now.toISOString();
    const free = p && ((p.status === SocialPostStatus.Scheduled && p.dueAt <= at) || (p.status === SocialPostStatus.Posting && p.leaseUntil! < at));
    if (!free) return false;
    Object.assign(p, { status: SocialPostStatus.Posting, leaseUntil: new Date(now.getTime() + leaseMs).toISOString() });
    return true;
  }
  async markPosted(post: SocialPost, result: SocialPostResult, now: Date) {
    const p = this.posts.get(this.key(post))!;
    Object.assign(p, {
      status: SocialPostStatus.Posted, remoteId: result.remoteId, remoteUrl: result.url, postedAt: now.toISOString(),
      text: post.text, attempts: p.attempts + 1,
    });
    delete p.leaseUntil;
  }
  async markFailed(post: SocialPost, error: string, _now: Date, retryAt?: Date) {
    const p = this.posts.get(this.key(post))!;
    const lastError = error.slice(0, 2000);
    Object.assign(p, retryAt
      ? { status: SocialPostStatus.Scheduled, dueAt: retryAt.toISOString(), lastError, attempts: p.attempts + 1 }
      : { status: SocialPostStatus.Failed, lastError, attempts: p.attempts + 1 });
    p.lastAttemptAt = _now.toISOString();
    delete p.leaseUntil;
  }
  async retryFailed(post: Pick<SocialPost, 'releaseId' | 'channel'>, now: Date) {
    const p = this.posts.get(this.key(post));
    if (p?.status !== SocialPostStatus.Failed) return false;
    Object.assign(p, { status: SocialPostStatus.Scheduled, dueAt: now.toISOString(), attempts: 0, retriedAt: now.toISOString() });
    return true;
  }
  async listForRelease(releaseId: string) {
    return [...this.posts.values()]
      .filter((p) => p.releaseId === releaseId)
      .sort((a, b) => (a.channel < b.channel ? -1 : 1))
      .map((p) => structuredClone(p));
  }
}

export class FakeChannel implements SocialChannel {
  posts: { text: string; key: string }[] = [];
  failures: Error[] = [];
  constructor(readonly name = 'fake', readonly idempotent = true, readonly maxLength = 500) {}
  format(summary: SocialSummary) {
    return `${summary.title} ${summary.url}`;
  }
  check(text: string) {
    return text.length > this.maxLength ? `over ${this.maxLength}` : undefined;
  }
  async post({ text, idempotencyKey: key }: SocialMessage) {
    const failure = this.failures.shift();
    if (failure) throw failure;
    const existing = this.idempotent ? this.posts.findIndex((p) => p.key === key) : -1;
    if (existing >= 0) return { remoteId: `p${existing + 1}`, url: `https://social.example/p${existing + 1}` };
    this.posts.push({ text, key });
    return { remoteId: `p${this.posts.length}`, url: `https://social.example/p${this.posts.length}` };
  }
}

/** Renders system emails as plain strings that keep every input visible, for assertions. */
export class FakeSystemEmails implements SystemEmailRenderer, SignInEmailRenderer, WelcomeEmailRenderer {
  signInLinks: string[] = [];
  welcomes: Parameters<WelcomeEmailRenderer['renderWelcome']>[0][] = [];
  async renderWelcome(input: Parameters<WelcomeEmailRenderer['renderWelcome']>[0]) {
    this.welcomes.push(input);
    return { subject: input.subject, html: `${input.bodyHtml}<a href="${input.unsubscribeUrl}">Unsubscribe</a>`, text: input.bodyHtml };
  }
  async renderSignInLink(input: { signInUrl: string }) {
    this.signInLinks.push(input.signInUrl);
    return { subject: 'Sign in', html: `<a href="${input.signInUrl}">Sign in</a>`, text: input.signInUrl };
  }
  rendered: { lists: string[]; confirmUrl: string; language?: string }[] = [];
  async renderConfirmation(input: { lists: string[]; confirmUrl: string; language?: string }) {
    this.rendered.push(input);
    return {
      subject: `Confirm (${input.language ?? 'en'})`,
      html: `<p>${input.lists.join(', ')}</p><a href="${input.confirmUrl}">Confirm subscription</a>`,
      text: `${input.lists.join(', ')}\n${input.confirmUrl}`,
    };
  }
}

export class MemoryReleaseStatsStore implements ReleaseStatsStore {
  /** Increments as they were made, per release (a shard each, as far as the sum is concerned). */
  increments = new Map<string, Partial<ReleaseCounts>[]>();
  receipts = new Set<string>();
  /** Releases counted since `begin`: their increments answer with the totals, as the DynamoDB store's do. */
  begun = new Set<string>();
  async begin(releaseId: string) {
    if (!this.increments.has(releaseId)) this.begun.add(releaseId);
  }
  async increment(releaseId: string, counts: Partial<ReleaseCounts>): Promise<ReleaseCounts | void> {
    this.increments.set(releaseId, [...(this.increments.get(releaseId) ?? []), { ...counts }]);
    if (this.begun.has(releaseId)) return sumCounts(this.increments.get(releaseId)!);
  }
  async get(releaseId: string) {
    return sumCounts(this.increments.get(releaseId) ?? []);
  }
  async recordDuplicateJobOnce(job: SendJob) {
    const key = `job#${job.releaseId}#${job.subscriberId}#${job.listId}`;
    if (this.receipts.has(key)) return false;
    this.receipts.add(key);
    return true;
  }
  tallies = new Map<string, string[]>();
  async recordTally({ releaseId, tally, entries }: TallyReceipt) {
    this.tallies.set(`${releaseId}#${tally}`, [...entries]);
  }
  async tallyCounted(releaseId: string, tally: string, entry: string) {
    return this.tallies.get(`${releaseId}#${tally}`)?.includes(entry) ?? false;
  }
  async recordEventOnce(receipt: MailEventReceipt) {
    const key = `${receipt.messageId}#${receipt.eventType}#${receipt.recipient.trim().toLowerCase()}`;
    if (this.receipts.has(key)) return false;
    this.receipts.add(key);
    return true;
  }
  links = new Map<string, Map<string, number>>();
  async countLinkClick(releaseId: string, url: string) {
    const links = this.links.get(releaseId) ?? new Map<string, number>();
    links.set(url, (links.get(url) ?? 0) + 1);
    this.links.set(releaseId, links);
  }
  async linkClicks(releaseId: string) {
    return [...(this.links.get(releaseId) ?? new Map<string, number>())]
      .map(([url, clicks]) => ({ url, clicks }))
      .sort((a, b) => b.clicks - a.clicks || a.url.localeCompare(b.url));
  }
}

export class MemoryImportJobStore implements ImportJobStore {
  jobs = new Map<string, ImportJob>();
  chunks = new Map<string, Map<number, ImportReportChunk>>();
  private copy = (job: ImportJob | undefined): ImportJob | undefined => job && structuredClone(job);
  async create(job: ImportJob) {
    if (this.jobs.has(job.id)) return false;
    this.jobs.set(job.id, structuredClone(job));
    return true;
  }
  async get(id: string) {
    return this.copy(this.jobs.get(id));
  }
  async markQueued(id: string, now: Date) {
    const job = this.jobs.get(id);
    if (!job || job.status !== ImportJobStatus.AwaitingUpload) return false;
    this.jobs.set(id, { ...job, status: ImportJobStatus.Queued, updatedAt: now.toISOString() });
    return true;
  }
  async markRunning(id: string, now: Date, leaseUntil: Date) {
    const job = this.jobs.get(id);
    const leaseOut = !job?.leaseUntil || job.leaseUntil <= now.toISOString();
    if (!job || !(job.status === ImportJobStatus.Queued || (job.status === ImportJobStatus.Running && leaseOut))) return false;
    this.jobs.set(id, { ...job, status: ImportJobStatus.Running, leaseUntil: leaseUntil.toISOString(), updatedAt: now.toISOString() });
    return true;
  }
  async releaseLease(id: string, leaseUntil: Date) {
    const job = this.jobs.get(id);
    if (job?.leaseUntil === leaseUntil.toISOString()) delete job.leaseUntil;
  }
  async advance(id: string, fromLine: number, step: ImportStep) {
    const job = this.jobs.get(id);
    if (!job || job.status !== ImportJobStatus.Running || job.line !== fromLine) return false;
    const summary = { ...job.summary };
    for (const key of Object.keys(summary) as (keyof typeof summary)[]) summary[key] += step.summary[key];
    this.jobs.set(id, {
      ...job, line: step.line, rowsRead: job.rowsRead + step.rowsRead, reportable: job.reportable + step.reportable, summary,
      lastChunk: structuredClone(step.chunk), updatedAt: step.now.toISOString(),
    });
    return true;
  }
  async putReportChunk(id: string, chunk: ImportReportChunk) {
    if (!this.chunks.has(id)) this.chunks.set(id, new Map());
    this.chunks.get(id)!.set(chunk.fromLine, structuredClone(chunk));
  }
  async reportChunks(id: string) {
    return [...(this.chunks.get(id)?.values() ?? [])].sort((a, b) => a.fromLine - b.fromLine).map((c) => structuredClone(c));
  }
  async finish(id: string, fromLine: number, end: ImportJobEnd) {
    const job = this.jobs.get(id);
    if (!job || job.status !== ImportJobStatus.Running || job.line !== fromLine) return false;
    const { now, ...rest } = end;
    this.jobs.set(id, { ...job, ...structuredClone(rest), updatedAt: now.toISOString() });
    return true;
  }
}

export class MemoryExportJobStore implements ExportJobStore {
  jobs = new Map<string, ExportJob>();
  async create(job: ExportJob) {
    if (this.jobs.has(job.id)) return false;
    this.jobs.set(job.id, structuredClone(job));
    return true;
  }
  async get(id: string) {
    const job = this.jobs.get(id);
    return job && structuredClone(job);
  }
  async markRunning(id: string, now: Date) {
    const job = this.jobs.get(id);
    if (!job || (job.status !== ExportJobStatus.Queued && job.status !== ExportJobStatus.Running)) return false;
    this.jobs.set(id, { ...job, status: ExportJobStatus.Running, updatedAt: now.toISOString() });
    return true;
  }
  async finish(id: string, end: ExportJobEnd) {
    const job = this.jobs.get(id);
    if (!job || job.status !== ExportJobStatus.Running) return false;
    const { now, ...rest } = end;
    this.jobs.set(id, { ...job, ...rest, updatedAt: now.toISOString() });
    return true;
  }
}

/** Staff's files in memory; links are `memory://` URLs that only say what they would do. */
export class MemoryStaffFiles implements StaffFiles {
  files = new Map<string, Buffer>();
  async open(key: string) {
    const file = this.files.get(key);
    if (!file) throw new NotFoundError(`No file ${key}`);
    return Readable.from([file]);
  }
  async size(key: string) {
    return this.files.get(key)?.length;
  }
  async uploadUrl(key: string, expiresInSeconds: number) {
    return `memory://put/${key}?expires=${expiresInSeconds}`;
  }
  async downloadUrl(key: string, filename: string, expiresInSeconds: number) {
    return `memory://get/${key}?filename=${encodeURIComponent(filename)}&expires=${expiresInSeconds}`;
  }
  async put(key: string, body: Readable | string | Buffer) {
    if (typeof body === 'string' || Buffer.isBuffer(body)) this.files.set(key, Buffer.from(body));
    else {
      const chunks: Buffer[] = [];
      for await (const chunk of body) chunks.push(Buffer.from(chunk));
      this.files.set(key, Buffer.concat(chunks));
    }
  }
}

/** Staff members in memory; like the DynamoDB directory, an existing member is never overwritten by a seed. */
export class MemoryStaffDirectory implements StaffRoster {
  members = new Map<string, StaffMember>();
  async get(email: string) {
    const member = this.members.get(email);
    return member && structuredClone(member);
  }
  async list() {
    return [...this.members.values()].sort((a, b) => (a.email < b.email ? -1 : 1)).map((m) => structuredClone(m));
  }
  async addIfAbsent(member: StaffMember) {
    if (this.members.has(member.email)) return false;
    this.members.set(member.email, structuredClone(member));
    return true;
  }
  async setRole(email: string, role: StaffMember['role']) {
    const member = this.members.get(email);
    if (member) member.role = role;
    return Boolean(member);
  }
  async remove(email: string) {
    this.members.delete(email);
  }
}

/** Personal tokens in memory, by hash; revoking deletes, as the DynamoDB store does. */
export class MemoryApiTokenStore implements ApiTokenStore {
  tokens = new Map<string, StoredApiToken>();
  async save(token: StoredApiToken) {
    if (this.tokens.has(token.tokenHash)) throw new Error('token hash taken');
    this.tokens.set(token.tokenHash, structuredClone(token));
  }
  async find(tokenHash: string) {
    const token = this.tokens.get(tokenHash);
    return token && structuredClone(token);
  }
  async listByOwner(owner: string) {
    return [...this.tokens.values()]
      .filter((t) => t.owner === owner)
      .sort((a, b) => (`${b.createdAt}#${b.id}` < `${a.createdAt}#${a.id}` ? -1 : 1))
      .map((t) => structuredClone(t));
  }
  async revoke(owner: string, id: string) {
    const token = [...this.tokens.values()].find((t) => t.owner === owner && t.id === id);
    if (token) this.tokens.delete(token.tokenHash);
    return Boolean(token);
  }
  async touch(tokenHash: string, at: Date) {
    const token = this.tokens.get(tokenHash);
    if (token) token.lastUsedAt = at.toISOString();
  }
}

/** The audit log in memory: newest first, a cursor being the count already shown. */
export class MemoryAuditLog implements AuditLog {
  entries: AuditEntry[] = [];
  async record(entry: AuditEntry) {
    this.entries.push(structuredClone(entry));
  }
  async page(query: { actor?: string; cursor?: string; limit: number }) {
    const all = this.entries
      .map((entry, i) => ({ entry, i }))
      .filter(({ entry }) => query.actor === undefined || entry.actor === query.actor)
      .sort((a, b) => (a.entry.at === b.entry.at ? b.i - a.i : a.entry.at < b.entry.at ? 1 : -1))
      .map(({ entry }) => structuredClone(entry));
    const from = query.cursor ? Number(query.cursor) : 0;
    const entries = all.slice(from, from + query.limit);
    return { entries, ...(from + query.limit < all.length ? { next: String(from + query.limit) } : {}) };
  }
}

/** Sign-in links in memory, spent by deleting them, as the DynamoDB store's conditional delete does. */
export class MemorySignInLinkStore implements SignInLinkStore {
  links = new Map<string, StoredSignInLink>();
  async save(link: StoredSignInLink) {
    this.links.set(link.tokenHash, structuredClone(link));
  }
  async spend(tokenHash: string, now: Date) {
    const link = this.links.get(tokenHash);
    if (!link || link.expiresAt <= now.toISOString()) return undefined;
    this.links.delete(tokenHash);
    return link.email;
  }
}

export class MemoryStaffSessionStore implements StaffSessionStore {
  sessions = new Map<string, StoredSession>();
  async create(session: StoredSession) {
    if (this.sessions.has(session.idHash)) throw new Error('session id taken');
    this.sessions.set(session.idHash, structuredClone(session));
  }
  async get(idHash: string) {
    const session = this.sessions.get(idHash);
    return session && structuredClone(session);
  }
  async touch(idHash: string, lastSeenAt: Date) {
    const session = this.sessions.get(idHash);
    if (session) session.lastSeenAt = lastSeenAt.toISOString();
  }
  async remove(idHash: string) {
    this.sessions.delete(idHash);
  }
}

/** Drafts in memory; like the DynamoDB store, `create` never overwrites, `update` never brings one back nor overwrites a newer save. */
export class MemoryDraftStore implements DraftStore {
  drafts = new Map<string, Draft>();
  async create(draft: Draft) {
    if (this.drafts.has(draft.id)) return false;
    this.drafts.set(draft.id, structuredClone(draft));
    return true;
  }
  async update(draft: Draft, expectedUpdatedAt: string) {
    if (this.drafts.get(draft.id)?.updatedAt !== expectedUpdatedAt) return false;
    this.drafts.set(draft.id, structuredClone(draft));
    return true;
  }
  async get(id: string) {
    const draft = this.drafts.get(id);
    return draft && structuredClone(draft);
  }
  async list() {
    return [...this.drafts.values()]
      .map((d) => ({ id: d.id, title: d.fields.title, createdBy: d.createdBy, updatedBy: d.updatedBy, updatedAt: d.updatedAt }))
      .sort((a, b) => b.updatedAt.localeCompare(a.updatedAt) || a.id.localeCompare(b.id));
  }
  async remove(id: string) {
    this.drafts.delete(id);
  }
}

/** In-memory SourceStore, with the DynamoDB store's conditions (store-contracts.test.ts holds them to one contract). */
export class MemorySourceStore implements SourceStore {
  sources = new Map<string, Source>();
  items = new Map<string, SourceItem>();
  async create(source: Source) {
    if (this.sources.has(source.id)) return false;
    this.sources.set(source.id, structuredClone(source));
    return true;
  }
  async get(id: string) {
    const s = this.sources.get(id);
    return s && structuredClone(s);
  }
  async list() {
    return [...this.sources.values()].filter((s) => !s.deletedAt).sort((a, b) => a.createdAt.localeCompare(b.createdAt)).map((s) => structuredClone(s));
  }
  async update(id: string, patch: SourcePatch & { primedAt?: null }, now: Date) {
    const s = this.sources.get(id);
    if (!s || s.deletedAt) return false;
    for (const [field, value] of Object.entries(patch)) {
      if (value === null) delete (s as unknown as Record<string, unknown>)[field];
      else if (value !== undefined) (s as unknown as Record<string, unknown>)[field] = structuredClone(value);
    }
    if (patch.primedAt === null) {
      delete s.etag;
      delete s.lastModified;
      s.nextPollAt = now.toISOString();
    }
    s.updatedAt = now.toISOString();
    return true;
  }
  async remove(id: string, now: Date) {
    const s = this.sources.get(id);
    if (!s) throw new Error(`no source ${id}`);
    s.deletedAt = now.toISOString();
    s.updatedAt = now.toISOString();
    delete s.nextPollAt;
  }
  async listDue(now: Date, limit: number) {
    return [...this.sources.values()]
      .filter((s) => s.kind === 'feed' && !s.deletedAt && s.nextPollAt !== undefined && s.nextPollAt <= now.toISOString())
      .sort((a, b) => a.nextPollAt!.localeCompare(b.nextPollAt!))
      .slice(0, limit)
      .map((s) => structuredClone(s));
  }
  async claimPoll(id: string, expected: string | undefined, next: string) {
    const s = this.sources.get(id);
    if (!s || s.deletedAt || s.nextPollAt !== expected) return false;
    s.nextPollAt = next;
    return true;
  }
  async recordPoll(id: string, record: PollRecord) {
    const s = this.sources.get(id);
    if (!s) return;
    if (!('lastError' in record)) delete s.lastError;
    for (const [field, value] of Object.entries(record)) {
      if (value === undefined) delete (s as unknown as Record<string, unknown>)[field];
      else (s as unknown as Record<string, unknown>)[field] = value;
    }
  }
  async listItems(sourceId: string) {
    return [...this.items.values()].filter((i) => i.sourceId === sourceId).map((i) => structuredClone(i));
  }
  async getItem(sourceId: string, releaseId: string) {
    const item = this.items.get(`${sourceId}#${releaseId}`);
    return item && structuredClone(item);
  }
  async putItem(item: SourceItem, options: { countNew?: boolean } = {}) {
    const key = `${item.sourceId}#${item.releaseId}`;
    const isNew = !this.items.has(key);
    this.items.set(key, structuredClone(item));
    const source = this.sources.get(item.sourceId);
    if (options.countNew && isNew && source) source.itemsSeen += 1;
  }
}
