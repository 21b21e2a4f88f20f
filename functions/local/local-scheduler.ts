import { randomUUID } from 'node:crypto';
import type { Context, ScheduledEvent } from 'aws-lambda';
import { fakeLambdaContext, LOCAL_ACCOUNT, LOCAL_REGION } from './lambda-context';
import { consoleLogger, type LocalLogger } from './local-logger';

export type ScheduledLambdaHandler = (event: ScheduledEvent, context: Context) => Promise<unknown>;

export interface LocalSchedule {
  name: string;
  intervalMs: number;
  handler: ScheduledLambdaHandler;
}

interface ScheduleEntry extends LocalSchedule {
  timer?: NodeJS.Timeout;
  /** The run in progress, if any: at most one per schedule locally. */
  running?: Promise<void>;
}

/** The event EventBridge Scheduler hands a Lambda target for a `rate(...)` schedule. */
export function scheduledEvent(scheduleName: string, at: Date = new Date()): ScheduledEvent {
  return {
    version: '0',
    id: randomUUID(),
    'detail-type': 'Scheduled Event',
    source: 'aws.scheduler',
    account: LOCAL_ACCOUNT,
    time: at.toISOString().replace(/\.\d{3}Z$/, 'Z'),
    region: LOCAL_REGION,
    resources: [`arn:aws:scheduler:${LOCAL_REGION}:${LOCAL_ACCOUNT}:schedule/default/${scheduleName}`],
    detail: {},
  };
}

/**
 * An in-process stand-in for EventBridge Scheduler: runs each schedule's real Lambda handler every
 * `intervalMs`, first one interval after `start()`.
 *
 * Locally a schedule never overlaps itself: a tick that comes while the previous run is still going
 * is skipped and logged. On AWS overlapping runs can happen (and a run can be delivered twice), so
 * handlers must stay safe under both; this only keeps local logs readable. Handler errors are logged,
 * never thrown, as a failed scheduled invocation would only show up in the logs on AWS too.
 *
 * @example
 * const scheduler = new LocalScheduler();
 * scheduler.add({ name: 'post-social', intervalMs: 60_000, handler: postSocialHandler });
 * scheduler.start();
 * await scheduler.runNow('post-social');
 * await scheduler.stop();
 */
export class LocalScheduler {
  readonly #schedules = new Map<string, ScheduleEntry>();
  readonly #logger: LocalLogger;
  #started = false;

  constructor(options: { logger?: LocalLogger } = {}) {
    this.#logger = options.logger ?? consoleLogger('scheduler');
  }

  add(schedule: LocalSchedule): this {
    if (this.#schedules.has(schedule.name)) throw new Error(`schedule ${schedule.name} is already added`);
    if (!(schedule.intervalMs > 0)) throw new Error(`schedule ${schedule.name}: intervalMs must be positive`);
    const entry: ScheduleEntry = { ...schedule };
    this.#schedules.set(schedule.name, entry);
    if (this.#started) this.#arm(entry);
    return this;
  }

  start(): void {
    if (this.#started) return;
    this.#started = true;
    for (const entry of this.#schedules.values()) this.#arm(entry);
  }

  /** Stops ticking and waits for the runs in progress to finish. */
  async stop(): Promise<void> {
    this.#started = false;
    for (const entry of this.#schedules.values()) {
      clearInterval(entry.timer);
      entry.timer = undefined;
    }
    await Promise.all([...this.#schedules.values()].map((entry) => entry.running));
  }

  /**
   * Runs a schedule once, now, and resolves when that run has finished. If a run is in progress it
   * waits for it first, so runs still never overlap. Works whether or not the scheduler is started.
   */
  async runNow(name: string): Promise<void> {
    const entry = this.#schedules.get(name);
    if (!entry) throw new Error(`no schedule named ${name}; known: ${[...this.#schedules.keys()].join(', ') || 'none'}`);
    while (entry.running) await entry.running;
    await this.#run(entry);
  }

  #arm(entry: ScheduleEntry): void {
    entry.timer = setInterval(() => this.#tick(entry), entry.intervalMs);
    entry.timer.unref();
  }

  #tick(entry: ScheduleEntry): void {
    if (entry.running) {
      this.#logger.info('skipped tick: the previous run is still going', { schedule: entry.name });
      return;
    }
    void this.#run(entry);
  }

  /** Sets `entry.running` before its first await, so callers that check it right after never overlap. */
  #run(entry: ScheduleEntry): Promise<void> {
    const run = (async () => {
      try {
        await entry.handler(scheduledEvent(entry.name), fakeLambdaContext(entry.name));
      } catch (error) {
        this.#logger.error('scheduled run failed', {
          schedule: entry.name,
          error: error instanceof Error ? error.message : String(error),
        });
      }
    })().finally(() => {
      if (entry.running === run) entry.running = undefined;
    });
    entry.running = run;
    return run;
  }
}
