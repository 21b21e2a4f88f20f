import type { Clock, EmailRenderer, FanOutJob, JobQueue, ReleaseStore, SendJob, SubscriberStore } from '../ports';
import { NotFoundError } from '../errors';
import { SendStatus } from '../release/release';

export interface FanOutDeps {
  releases: ReleaseStore;
  subscribers: SubscriberStore;
  renderer: EmailRenderer;
  sendQueue: JobQueue<SendJob>;
  clock: Clock;
  /** Members read per page; also the size of each enqueue call. */
  pageSize?: number;
}

export interface FanOutResult {
  releaseId: string;
  /** Send jobs enqueued by this run (a subscriber on two targeted lists is planned twice, sent once). */
  planned: number;
  skipped?: 'already-finished';
}

/**
 * Renders a release once and enqueues one send job per confirmed member of each targeted list.
 *
 * Paging keeps memory flat whatever the list size. A redelivered fan-out job plans again from the
 * start; that is safe because each (release, subscriber) delivery is claimed before it is sent, so a
 * repeated job or a subscriber on two lists still gets one email.
 *
 * @throws NotFoundError when the release does not exist (the job can never succeed).
 */
export async function fanOutRelease(job: FanOutJob, deps: FanOutDeps): Promise<FanOutResult> {
  const release = await deps.releases.get(job.releaseId);
  if (!release) throw new NotFoundError(`Release ${job.releaseId} not found`);
  if (release.sendStatus !== SendStatus.Queued && release.sendStatus !== SendStatus.Sending) {
    return { releaseId: release.id, planned: 0, skipped: 'already-finished' };
  }
  // Render before any job exists, so that every worker reads the same stored rendering.
  if (!(await deps.releases.getRendered(release.id))) {
    await deps.releases.saveRendered(release.id, await deps.renderer.render(release));
  }
  await deps.releases.transition(release.id, [SendStatus.Queued], SendStatus.Sending, deps.clock.now());

  const pageSize = deps.pageSize ?? 100;
  let planned = 0;
  for (const listId of release.lists) {
    let cursor: string | undefined;
    do {
      const page = await deps.subscribers.pageConfirmedMembers(listId, cursor, pageSize);
      if (page.subscriberIds.length) {
        await deps.sendQueue.send(page.subscriberIds.map((subscriberId) => ({ releaseId: release.id, subscriberId, listId })));
        planned += page.subscriberIds.length;
      }
      cursor = page.cursor;
    } while (cursor);
  }
  return { releaseId: release.id, planned };
}
