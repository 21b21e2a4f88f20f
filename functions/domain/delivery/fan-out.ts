import type { Clock, JobQueue } from '../ports';
import type { EmailRenderer, ReleaseStore } from '../release/ports';
import type { FanOutJob, FanOutPlan, FanOutPlanStore, ReleaseStatsStore, SendJob } from './ports';
import type { SubscriberStore } from '../subscriber/ports';
import { NotFoundError } from '../errors';
import { FINAL_SEND_STATUSES, SendStatus } from '../release/send-status';
import { isPublic, type Release } from '../release/release';
import { releaseIn, versionLanguages } from '../release/translations';
import { PlanningConflictError } from './errors';
import { completeSendIfDone } from './control-send';

/**
 * The part of the subscriber store the planner reads: a page of a list's confirmed members, and
 * which of them were already on an earlier targeted list.
 */
export type FanOutSubscribers = Pick<SubscriberStore, 'pageConfirmedMembers' | 'confirmedOn'>;

export interface FanOutDeps {
  releases: ReleaseStore;
  subscribers: FanOutSubscribers;
  renderer: EmailRenderer;
  sendQueue: JobQueue<SendJob>;
  /** Checkpoints of the planner's cursor. */
  plans: FanOutPlanStore;
  /** Counts `targeted` as each page is planned. */
  releaseStats: ReleaseStatsStore;
  clock: Clock;
  /** Members read per page; also the size of each enqueue call. */
  pageSize?: number;
  /**
   * How long one run may plan before it hands the rest to a fresh fan-out job on `fanOutQueue`
   * (the function's timeout caps a run; a timed-out run would only resume after the visibility
   * timeout, and each timeout counts towards the DLQ). Unlimited when unset.
   */
  timeBudgetMs?: number;
  fanOutQueue?: JobQueue<FanOutJob>;
  /** How long a planner holds the plan before another may take over (default 2 minutes). */
  leaseMs?: number;
}

export const PlanningOutcome = {
  /** This run planned the last page (or found it planned) and marked planning finished. */
  Finished: 'finished',
  /** The time budget ran out; a continuation job carries on from the checkpoint. */
  Continued: 'continued',
  /** The release is no longer sending: nothing to plan. */
  NotSending: 'not-sending',
  /** The release is still under embargo: the `release-embargoed` schedule requests the fan-out later. */
  Embargoed: 'embargoed',
} as const;
export type PlanningOutcome = (typeof PlanningOutcome)[keyof typeof PlanningOutcome];

export interface FanOutResult {
  releaseId: string;
  outcome: PlanningOutcome;
  /** Send jobs this run enqueued and checkpointed. */
  planned: number;
  /** Pages this run checkpointed. */
  pages: number;
  /** Recipients of the whole release so far, each counted once. */
  targeted: number;
}

/** Planning goes on until the send is final: a paused send keeps planning, only sending waits. */
const planningAllowed = (status: SendStatus) => !FINAL_SEND_STATUSES.includes(status);

/** Longer than one fan-out run can last (the function's 60 s timeout), shorter than SQS's 6-minute redelivery. */
const DEFAULT_LEASE_MS = 120_000;

/**
 * The members of this page who were not planned through an earlier targeted list. A membership
 * that already held when planning began was certainly paged on its (earlier) list, so that list's
 * job exists; one that changed since is not trusted, and both jobs go out (the delivery claim makes
 * that one email). Erring this way can count a recipient twice in `targeted`, never lose one.
 */
async function notPlannedEarlier(subscriberIds: string[], earlierLists: string[], plan: FanOutPlan, subscribers: FanOutSubscribers) {
  if (subscriberIds.length === 0 || earlierLists.length === 0) return subscriberIds;
  const memberships = await subscribers.confirmedOn(subscriberIds, earlierLists);
  const planned = new Set(memberships.filter((m) => m.changedAt <= plan.startedAt).map((m) => m.subscriberId));
  return subscriberIds.filter((id) => !planned.has(id));
}

/**
 * Renders a release once and enqueues one send job per recipient: every confirmed, mailable member
 * of each targeted list, a member of several lists only through the first of them.
 *
 * Planning pages through each list (memory stays one page whatever the list size) and, after each
 * page is enqueued, checkpoints where it stands — listmonk's "resume from the last id of the last
 * batch": the cursor is the last subscriber id of the page. A redelivered fan-out job resumes from
 * the checkpoint. The one window left: a crash between enqueueing a page and checkpointing it
 * enqueues that page again on resume (at most one page), which the per-delivery claims make
 * harmless. A planner holds the plan under a lease, so a duplicated fan-out job backs off
 * ({@link PlanningConflictError}) without enqueueing anything; one that takes over an expired lease
 * fences the old holder, whose next checkpoint fails.
 *
 * @throws NotFoundError when the release does not exist (the job can never succeed).
 * @throws PlanningConflictError when another planner of this release checkpointed first.
 * @example
 * const result = await fanOutRelease({ releaseId }, { releases, subscribers, renderer, sendQueue, plans, releaseStats, clock });
 */
export async function fanOutRelease(job: FanOutJob, deps: FanOutDeps): Promise<FanOutResult> {
  const release = await deps.releases.get(job.releaseId);
  if (!release) throw new NotFoundError(`Release ${job.releaseId} not found`);
  if (!planningAllowed(release.sendStatus)) {
    return { releaseId: release.id, outcome: PlanningOutcome.NotSending, planned: 0, pages: 0, targeted: 0 };
  }
  // However the job got here (a staff resume, a replayed message), nobody is mailed before the embargo ends.
  if (!isPublic(release, deps.clock.now())) {
    return { releaseId: release.id, outcome: PlanningOutcome.Embargoed, planned: 0, pages: 0, targeted: 0 };
  }
  // Render before any job exists, so that every worker reads the same stored rendering (of each
  // language: publishing stores them all, this repairs one a crash left out).
  for (const language of versionLanguages(release)) {
    if (!(await deps.releases.getRendered(release.id, language))) {
      const rendered = await deps.renderer.render(releaseIn(release, language));
      await deps.releases.saveRendered(release.id, { ...rendered, ...(release.revision ? { revision: release.revision } : {}) }, language);
    }
  }
  await deps.releases.transition(release.id, [SendStatus.Queued], SendStatus.Sending, deps.clock.now());

  const started = deps.clock.now().getTime();
  const claimed = await deps.plans.claim(release.id, deps.clock.now(), deps.leaseMs ?? DEFAULT_LEASE_MS);
  if (!claimed) throw new PlanningConflictError(release.id);
  const held = { plan: claimed };
  try {
    return await planPages(release, held, started, deps);
  } catch (error) {
    // A planner that fails (rather than dies) hands the plan on at once; a dead one's lease expires.
    if (!(error instanceof PlanningConflictError)) await deps.plans.release(held.plan).catch(() => undefined);
    throw error;
  }
}

/** The paging loop of {@link fanOutRelease}, holding the plan's lease; `held.plan` is the last checkpoint. */
async function planPages(release: Release, held: { plan: FanOutPlan }, started: number, deps: FanOutDeps): Promise<FanOutResult> {
  const pageSize = deps.pageSize ?? 100;
  let plan = held.plan;
  let planned = 0;
  let pages = 0;
  while (plan.listIndex < release.lists.length) {
    if (deps.timeBudgetMs !== undefined && deps.fanOutQueue && deps.clock.now().getTime() - started >= deps.timeBudgetMs) {
      await deps.plans.release(plan);
      await deps.fanOutQueue.send([{ releaseId: release.id }]);
      return { releaseId: release.id, outcome: PlanningOutcome.Continued, planned, pages, targeted: plan.targeted };
    }
    // A cancel (or another final move) while planning stops it here rather than after the last page:
    // one read per page, against a page's worth of enqueued jobs that would each be skipped anyway.
    if (pages > 0 && !planningAllowed((await deps.releases.get(release.id))?.sendStatus ?? SendStatus.Cancelled)) {
      await deps.plans.release(plan);
      return { releaseId: release.id, outcome: PlanningOutcome.NotSending, planned, pages, targeted: plan.targeted };
    }
    // Before anything is counted for the release: its counter writes answer with the totals from
    // here on (see ReleaseStatsStore.begin), which spares each send batch a read of the counters.
    if (plan.listIndex === 0 && !plan.cursor && plan.targeted === 0) await deps.releaseStats.begin(release.id);
    const listId = release.lists[plan.listIndex];
    const page = await deps.subscribers.pageConfirmedMembers(listId, plan.cursor, pageSize);
    const recipients = await notPlannedEarlier(page.subscriberIds, release.lists.slice(0, plan.listIndex), plan, deps.subscribers);
    if (recipients.length > 0) {
      await deps.sendQueue.send(recipients.map((subscriberId) => ({ releaseId: release.id, subscriberId, listId })));
    }
    // A page that ends its list moves on to the next list; an empty list is one empty page.
    const next = page.cursor
      ? { listIndex: plan.listIndex, cursor: page.cursor, targeted: plan.targeted + recipients.length }
      : { listIndex: plan.listIndex + 1, cursor: undefined, targeted: plan.targeted + recipients.length };
    if (!(await deps.plans.checkpoint(plan, next))) throw new PlanningConflictError(release.id);
    // Counted after the checkpoint, so a page enqueued twice (crash or race) is counted once. A crash
    // right here leaves the live counter one page short; markPlanningFinished carries the exact total.
    if (recipients.length > 0) await deps.releaseStats.increment(release.id, { targeted: recipients.length });
    plan = held.plan = { ...plan, ...next, seq: plan.seq + 1 };
    planned += recipients.length;
    pages++;
  }
  // Completion is measured against this figure; the first finish wins, so a re-run changes nothing.
  await deps.releases.markPlanningFinished(release.id, plan.targeted, deps.clock.now());
  // Every job may have ended before planning was marked finished (small lists): check here too.
  await completeSendIfDone(release.id, deps);
  await deps.plans.release(plan);
  return { releaseId: release.id, outcome: PlanningOutcome.Finished, planned, pages, targeted: plan.targeted };
}
