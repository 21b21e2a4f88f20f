import type { EventPublisher } from '../webhooks/ports';
import { WebhookEventType, webhookEvent } from '../webhooks/event';
/**
 * The moves of a release's send after the fan-out started it: pause, resume, cancel (staff, the
 * bounce/complaint thresholds, or SES's daily quota with its resume time) and completion. Each is a conditional write from the status just
 * read; when a concurrent move wins, the status is read again and the move re-judged.
 */
import type { Clock, JobQueue } from '../ports';
import type { FanOutJob, ReleaseStatsStore } from './ports';
import type { ReleaseStore } from '../release/ports';
import { NotFoundError } from '../errors';
import { PausedBy, SendStatus } from '../release/send-status';
import type { Release } from '../release/release';
import type { ReleaseCounts } from './release-stats';
import { SendTransitionError } from './errors';
import {
  buildSendProgress, isAllowed, isSendComplete, quotaPauseOver, resumeTarget, SendCommand, thresholdBreach, thresholdsApply,
  type PauseThresholds, type SendProgress,
} from './send-progress';

export interface ControlSendDeps {
  releases: ReleaseStore;
  releaseStats: ReleaseStatsStore;
  clock: Clock;
  /** Told `release.sent` when a send completes (outgoing webhooks); none, nothing is told. */
  events?: EventPublisher;
  /** A resumed send whose planning had not finished gets a fresh fan-out job (the planner resumes from its checkpoint). */
  fanOutQueue: JobQueue<FanOutJob>;
}

/** Concurrent moves are rare (a click racing completion); a few re-reads settle any of them. */
const ATTEMPTS = 3;

async function load(releaseId: string, releases: ReleaseStore): Promise<Release> {
  const release = await releases.get(releaseId);
  if (!release) throw new NotFoundError(`Release ${releaseId} not found`);
  return release;
}

/**
 * Reads the release, checks `command` is allowed from its status, and tries `move` as a
 * conditional write from that status; re-reads and re-judges when another move won.
 */
async function moveSend(
  releaseId: string,
  command: SendCommand,
  deps: Pick<ControlSendDeps, 'releases'>,
  move: (release: Release) => Promise<boolean>,
): Promise<Release> {
  for (let attempt = 1; ; attempt++) {
    const release = await load(releaseId, deps.releases);
    if (!isAllowed(command, release.sendStatus)) throw new SendTransitionError(releaseId, command, release.sendStatus);
    if (await move(release)) return load(releaseId, deps.releases);
    if (attempt >= ATTEMPTS) throw new SendTransitionError(releaseId, command, `changing (${release.sendStatus} moments ago)`);
  }
}

/** The send's progress now. @throws NotFoundError */
export async function getSendProgress(releaseId: string, deps: Pick<ControlSendDeps, 'releases' | 'releaseStats'>): Promise<SendProgress> {
  const release = await load(releaseId, deps.releases);
  return buildSendProgress(release, await deps.releaseStats.get(releaseId));
}

export interface PauseOptions {
  reason?: string;
  by?: PausedBy;
  /** When the send resumes by itself (a daily-quota pause); none: only staff resume it. */
  resumeAt?: Date;
}

/**
 * Pauses a queued or sending release. Workers then hold its jobs back (re-enqueued with a delay)
 * instead of sending them; a batch already at the provider finishes.
 *
 * @throws SendTransitionError when the send is not queued or sending; NotFoundError.
 * @example
 * await pauseSend('spring-update', deps, { reason: 'wrong link in the footer' });
 */
export async function pauseSend(
  releaseId: string,
  deps: Pick<ControlSendDeps, 'releases' | 'releaseStats' | 'clock'>,
  options: PauseOptions = {},
): Promise<SendProgress> {
  const by = options.by ?? PausedBy.Staff;
  const reason = options.reason ?? (by === PausedBy.Staff ? 'paused by staff' : 'paused');
  const release = await moveSend(releaseId, SendCommand.Pause, deps, (r) =>
    // From exactly the status read, so `pausedFrom` is true even if the fan-out starts the send now.
    deps.releases.transition(releaseId, [r.sendStatus], SendStatus.Paused, deps.clock.now(), {
      pausedFrom: r.sendStatus,
      pausedReason: reason,
      pausedBy: by,
      resumeAt: options.resumeAt?.toISOString() ?? null,
    }),
  );
  return buildSendProgress(release, await deps.releaseStats.get(releaseId));
}

/**
 * Resumes a paused release to the status it would be in, and checks completion (everything may
 * have ended before the pause took effect). A resume after the thresholds paused the send turns
 * them off for this release: staff looked and chose to go on.
 *
 * @throws SendTransitionError when the send is not paused; NotFoundError.
 */
export async function resumeSend(releaseId: string, deps: ControlSendDeps): Promise<SendProgress> {
  const now = deps.clock.now();
  const release = await moveSend(releaseId, SendCommand.Resume, deps, (r) =>
    deps.releases.transition(releaseId, [SendStatus.Paused], resumeTarget(r), now, {
      pausedFrom: null,
      pausedReason: null,
      pausedBy: null,
      resumeAt: null,
      ...(r.pausedBy === PausedBy.Threshold ? { thresholdsOverriddenAt: now.toISOString() } : {}),
    }),
  );
  // A planner that found the send paused may have stopped (or its job failed meanwhile); a second
  // job is harmless, it resumes from the checkpoint or finds planning done.
  if (!release.planningFinishedAt) await deps.fanOutQueue.send([{ releaseId }]);
  await completeSendIfDone(releaseId, deps, release);
  return getSendProgress(releaseId, deps);
}

/**
 * Cancels a queued, sending or paused release for good: jobs still queued end as skipped
 * ("cancelled") when a worker takes them.
 *
 * @throws SendTransitionError when the send already finished; NotFoundError.
 */
export async function cancelSend(releaseId: string, deps: ControlSendDeps): Promise<SendProgress> {
  const now = deps.clock.now();
  const release = await moveSend(releaseId, SendCommand.Cancel, deps, (r) =>
    deps.releases.transition(releaseId, [r.sendStatus], SendStatus.Cancelled, now, {
      finishedAt: now.toISOString(),
      pausedFrom: null,
      pausedBy: null,
      pausedReason: null,
      resumeAt: null,
    }),
  );
  return buildSendProgress(release, await deps.releaseStats.get(releaseId));
}

/**
 * Moves `sending → sent` once planning finished and every planned job ended. Safe from any worker
 * at any time: the move is conditional on `sending`, so only one caller wins and a paused or
 * cancelled send is left alone.
 *
 * @param known the release as the caller just read it, to skip a read when it cannot be complete.
 * @returns true when this call completed the send.
 */
export async function completeSendIfDone(
  releaseId: string,
  deps: Pick<ControlSendDeps, 'releases' | 'releaseStats' | 'clock' | 'events'>,
  known?: Release,
  totalsAfterOwnCount?: ReleaseCounts,
): Promise<boolean> {
  const release = known ?? (await deps.releases.get(releaseId));
  if (!release || release.sendStatus !== SendStatus.Sending || !release.planningFinishedAt) return false;
  // The totals the caller's own count write answered with (read after it, so they include every
  // count before it): short of complete, a later count will see more, and the counters need no read
  // here. The write that completes the send answers with totals that say so.
  if (totalsAfterOwnCount && !isSendComplete(release, totalsAfterOwnCount)) return false;
  if (!isSendComplete(release, await deps.releaseStats.get(releaseId))) return false;
  const now = deps.clock.now();
  const completed = await deps.releases.transition(releaseId, [SendStatus.Sending], SendStatus.Sent, now, { finishedAt: now.toISOString() });
  // Only the caller whose transition won tells, so the event goes out once; after the change, and
  // publishing never throws (a lost event must not undo or repeat a completed send).
  if (completed) {
    const data = { release: { id: release.id, title: release.title, url: release.url, lists: release.lists, finishedAt: now.toISOString() } };
    await deps.events?.publish(webhookEvent(WebhookEventType.ReleaseSent, data, now));
  }
  return completed;
}

/**
 * Pauses the send when its bounce or complaint rate crossed a threshold (after enough reports),
 * unless staff overrode the thresholds or it is not running. Call after counting a bounce or
 * complaint.
 *
 * @returns the reason when this call paused the send.
 */
export async function pauseOnThresholds(
  releaseId: string,
  thresholds: PauseThresholds,
  deps: Pick<ControlSendDeps, 'releases' | 'releaseStats' | 'clock'>,
): Promise<string | undefined> {
  const reason = thresholdBreach(await deps.releaseStats.get(releaseId), thresholds);
  if (!reason) return undefined;
  const release = await deps.releases.get(releaseId);
  if (!release || !thresholdsApply(release)) return undefined;
  // Conditional on the status just read: a staff pause or cancel in between wins and is kept.
  const paused = await deps.releases.transition(releaseId, [release.sendStatus], SendStatus.Paused, deps.clock.now(), {
    pausedFrom: release.sendStatus,
    pausedReason: reason,
    pausedBy: PausedBy.Threshold,
  });
  return paused ? reason : undefined;
}

/**
 * Ends a send that cannot go on (e.g. its fan-out job was dead-lettered, its rendering is gone) as
 * `failed`, keeping the error for staff. Jobs still queued then end as skipped.
 *
 * @returns false when the send had already finished (sent, cancelled or failed first).
 * @example
 * await failSend(releaseId, `fan-out gave up: ${error.message}`, deps);
 */
export async function failSend(releaseId: string, error: string, deps: Pick<ControlSendDeps, 'releases' | 'clock'>): Promise<boolean> {
  const now = deps.clock.now();
  // From any unfinished status: a failure must not overwrite a send that already ended.
  return deps.releases.transition(releaseId, [SendStatus.Queued, SendStatus.Sending, SendStatus.Paused], SendStatus.Failed, now, {
    sendError: error.slice(0, 1000),
    finishedAt: now.toISOString(),
    pausedFrom: null,
    pausedReason: null,
    pausedBy: null,
    resumeAt: null,
  });
}

/**
 * Resumes a send the daily quota paused, once its `resumeAt` has passed: the send worker calls it
 * when a job of the paused send comes back (see `sendBatch`). Unlike a staff resume it queues no
 * fan-out job: planning goes on while a send is paused, and the worker may not write to the fan-out
 * queue. A send that meets the quota again simply pauses again.
 *
 * @returns the release as it is now: resumed by this call or another worker's, or left as it was
 *   (not a quota pause, not due yet, or changed meanwhile).
 */
export async function resumeAfterQuota(release: Release, deps: Pick<ControlSendDeps, 'releases' | 'clock'>): Promise<Release | undefined> {
  const now = deps.clock.now();
  if (!quotaPauseOver(release, now)) return release;
  // Conditional on `paused`: staff cannot pause a paused send, so a `paused` read moments ago is still
  // this quota pause unless staff resumed and paused it again in between (then it resumes early and
  // the next send decides).
  await deps.releases.transition(release.id, [SendStatus.Paused], resumeTarget(release), now, {
    pausedFrom: null,
    pausedReason: null,
    pausedBy: null,
    resumeAt: null,
  });
  return deps.releases.get(release.id);
}
