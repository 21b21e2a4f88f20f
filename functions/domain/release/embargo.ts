import type { Clock, JobQueue } from '../ports';
import type { FanOutJob } from '../delivery/ports';
import type { ReleaseStore } from './ports';
import { SendStatus } from './send-status';

export interface StartEmbargoedDeps {
  releases: ReleaseStore;
  fanOutQueue: JobQueue<FanOutJob>;
  clock: Clock;
  /** Releases handled per run; the next run takes the rest. */
  batchSize?: number;
}

export interface StartEmbargoedResult {
  /** Releases whose fan-out was requested by this run. */
  started: string[];
  /** Releases taken off the embargoed list without a fan-out (paused, cancelled). */
  released: string[];
}

/**
 * Starts the email send of every release whose embargo has ended (run every minute).
 *
 * The fan-out job is enqueued before the release leaves the embargoed list, so a crash in between
 * only enqueues it again next minute, which the fan-out's own checks (a conditional `queued →
 * sending`, the plan's lease and checkpoints) make harmless. A send staff paused during the embargo
 * stays paused: its resume requests the fan-out. Social posts need nothing here: they were
 * scheduled at publish with a due time after the embargo.
 *
 * @example
 * await startEmbargoedReleases({ releases, fanOutQueue, clock }); // { started: ['spring-update'], released: [] }
 */
export async function startEmbargoedReleases(deps: StartEmbargoedDeps): Promise<StartEmbargoedResult> {
  const result: StartEmbargoedResult = { started: [], released: [] };
  for (const release of await deps.releases.listEmbargoEnded(deps.clock.now(), deps.batchSize ?? 25)) {
    if (release.sendStatus === SendStatus.Queued) {
      await deps.fanOutQueue.send([{ releaseId: release.id }]);
      result.started.push(release.id);
    } else {
      result.released.push(release.id);
    }
    await deps.releases.embargoEnded(release.id);
  }
  return result;
}
