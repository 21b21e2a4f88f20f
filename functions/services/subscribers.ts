import type { EventPublisher } from '../domain/webhooks/ports';
import type { AddressBlocklist, ExportJobStore, ImportJobStore, StaffFiles, SubscriberStore, SystemEmailRenderer, WelcomeEmailRenderer } from '../domain/subscriber/ports';
import type { Clock, JobQueue, RateLimiter } from '../domain/ports';
import type { ListReader } from '../domain/lists/ports';
import type { DeliveryStore, Mailer } from '../domain/delivery/ports';
import type { SigningKeyring } from '../domain/security/link-tokens';
import type { SenderIdentity } from '../domain/mail/sender';
import { acceptSubscription, processSubscription, type AcceptOutcome, type SignupJob, type SubscriptionOutcome, type SubscriptionRequest } from '../domain/subscriber/subscribe';
import { confirmSubscription, readConfirmation, type ConfirmationView } from '../domain/subscriber/confirm-subscription';
import { readUnsubscribeToken, unsubscribe, unsubscribeAll, type UnsubscribeLink } from '../domain/subscriber/unsubscribe';
import { readPreferences, updatePreferences, type PreferencesForm, type PreferencesUpdate, type PreferencesView } from '../domain/subscriber/preferences';
import type { CsvImportOptions } from '../domain/subscriber/csv-import';
import type { Subscriber } from '../domain/subscriber/subscriber';
import { importSubscribers, type ImportedSubscriber } from '../domain/subscriber/import-subscribers';
import {
  changeSubscriberLists, consentHistory, eraseConfirmedSubscriber, eraseSubscriber, lookupSubscriber, subscriberById, type ConsentHistoryPage, type EraseResult, type SubscriberView,
} from '../domain/subscriber/manage-subscribers';
import { subscriberData, type SubscriberData } from '../domain/subscriber/access-request';
import { exportListCsv } from '../domain/subscriber/csv-export';
import {
  exportJobView, importFile, importJobView, openImportUpload, requestExport, runBulkImport, runExport, startUploadedImport,
  type BulkJob, type ExportJobView, type ImportJobView,
} from '../domain/subscriber/bulk-jobs';
import { purgePendingSignups, type PurgePendingResult } from '../domain/subscriber/purge-pending';
import { sendConfirmationEmail } from '../domain/subscriber/confirmation';
import { allowedReturnUrl } from '../domain/subscriber/embedded-signup';
import type { ListDirectory } from './lists';
import type { MailingList } from '../domain/lists/mailing-list';
import { queueWelcome, sendWelcome, WelcomeVia, type SignupQueueJob, type WelcomeJob, type WelcomeOutcome } from '../domain/subscriber/welcome';

/** What the subscribers feature reads and writes. */
export interface SubscribersPorts {
  /** Outgoing webhooks: where state changes are told (never throws). */
  events?: EventPublisher;
  subscribers: SubscriberStore;
  blocklist: AddressBlocklist;
  /** Lists are read here, never changed: the lists feature owns them. */
  lists: ListReader;
  /** Which lists an import may target, and what a list is called on the unsubscribe page. */
  directory: Pick<ListDirectory, 'activeListResolver' | 'nameOf' | 'publicLists'>;
  rateLimiter: RateLimiter;
  /** The confirmation email (double opt-in). */
  mailer: Mailer;
  systemEmails: SystemEmailRenderer & WelcomeEmailRenderer;
  sender: SenderIdentity;
  clock: Clock;
  keyring: SigningKeyring;
  /** Accepted sign-ups and welcomes to send wait here to be acted on (process-signup). */
  signups: JobQueue<SignupQueueJob>;
  /** An unsubscribe from a release's email is noted on that delivery (staff's who got it). */
  deliveries: Pick<DeliveryStore, 'recordReport'>;
  /** Import and export jobs, their files, and the queue their work runs from (bulk-jobs). */
  imports: ImportJobStore;
  exports: ExportJobStore;
  files: StaffFiles;
  bulk: JobQueue<BulkJob>;
}

export interface SubscribersSettings {
  /** The public URL's origin and `PRESSROOM_SIGNUP_ORIGINS`: the pages that may post the sign-up form. */
  signupOrigins: readonly string[];
  /**
   * `PRESSROOM_SIGNUP_ORIGINS` alone: the organisation's sites that embed the form, where a thank-you
   * redirect may go; the first is the site the confirmation page links back to.
   */
  embedOrigins: readonly string[];
}

/** An unsubscribe link, with the names of the lists it leaves for the page (in the link's order). */
export interface NamedUnsubscribeLink extends UnsubscribeLink {
  listNames: string[];
}

/** What a JSON import of confirmed subscribers did. */
export interface ImportSummary {
  added: number;
  updated: number;
  skippedSuppressed: number;
  subscribers: ImportedSubscriber[];
}

/**
 * Subscribers: double opt-in, the links in every email (unsubscribe, preferences), staff's imports,
 * exports, look-ups and erasure, and the purge of sign-ups never confirmed.
 *
 * @example
 * await subscribers.acceptSubscription({ email: 'ada@example.org', lists: ['blog'], clientIp });
 */
export class SubscribersService {
  constructor(
    private readonly ports: SubscribersPorts,
    private readonly settings: SubscribersSettings,
  ) {}

  /** The lists the sign-up form offers. */
  publicLists(): Promise<MailingList[]> {
    return this.ports.directory.publicLists();
  }

  /**
   * Whether a sign-up posted with these request headers may be taken: from Pressroom's own pages,
   * from a page at a configured origin (an embedded form), or from a server. Browsers say where a
   * request comes from in `Sec-Fetch-Site` (all current ones) and `Origin`; Pressroom's own pages
   * send no referrer, so their form posts carry `Origin: null` but `Sec-Fetch-Site: same-origin`.
   * A browser too old for `Sec-Fetch-Site` that sends `Origin: null` is let through, as a server is.
   */
  acceptsSignupFrom(request: { origin?: string; fetchSite?: string }): boolean {
    const { origin, fetchSite } = request;
    if (fetchSite === 'same-origin' || fetchSite === 'none') return true;
    if (origin === undefined || origin === 'null') return fetchSite === undefined;
    return this.settings.signupOrigins.includes(origin);
  }

  /**
   * Where an embedded form's reader goes after a sign-up is accepted: its `return_to`, when that is
   * on a configured embedding site; undefined otherwise (Pressroom's own check-your-inbox page).
   */
  thankYouUrl(returnTo: unknown): string | undefined {
    return allowedReturnUrl(returnTo, this.settings.embedOrigins);
  }

  /** The organisation's site, which the confirmation page links back to; undefined when none is configured. */
  siteUrl(): string | undefined {
    return this.settings.embedOrigins[0];
  }

  /** A sign-up: counted, checked and queued, the same work for any address. @throws RateLimitedError, ValidationError */
  acceptSubscription(input: SubscriptionRequest): Promise<AcceptOutcome> {
    return acceptSubscription(input, this.ports);
  }

  /** An accepted sign-up, from the queue: stored pending, and the confirmation email sent. */
  processSubscription(job: SignupJob): Promise<SubscriptionOutcome> {
    return processSubscription(job, this.ports);
  }

  /** What a confirmation link would confirm, changing nothing. @throws InvalidTokenError */
  readConfirmation(token: string): Promise<ConfirmationView> {
    return readConfirmation(token, this.ports);
  }

  /**
   * Confirms the link's lists and queues their welcomes. Every confirmation queues them, a second
   * click too: the welcome's own claim sends each once, and a crash between confirming and queueing
   * is mended by clicking again.
   * @throws InvalidTokenError
   */
  async confirm(token: string): Promise<ConfirmationView> {
    const view = await confirmSubscription(token, this.ports);
    if (view.subscriberId) await this.queueWelcome(view.subscriberId, view.lists.map((l) => l.id), WelcomeVia.Confirmation);
    return view;
  }

  /** Sends a queued welcome, once per subscriber and list. */
  sendWelcome(job: WelcomeJob): Promise<Record<string, WelcomeOutcome>> {
    return sendWelcome(job, { ...this.ports, welcomeEmails: this.ports.systemEmails });
  }

  private queueWelcome(subscriberId: string, lists: string[], via: WelcomeVia): Promise<boolean> {
    return queueWelcome(subscriberId, lists, via, { lists: this.ports.lists, welcomes: this.ports.signups });
  }

  /** What an unsubscribe link would leave, changing nothing. @throws InvalidTokenError */
  async readUnsubscribe(token: string): Promise<NamedUnsubscribeLink> {
    return this.named(await readUnsubscribeToken(token, this.ports));
  }

  /** Leaves the link's lists, those that brought the email (also RFC 8058 one-click). @throws InvalidTokenError */
  async unsubscribe(token: string): Promise<NamedUnsubscribeLink & { left: string[] }> {
    return this.named(await unsubscribe(token, this.ports));
  }

  /** Leaves every list. @throws InvalidTokenError */
  unsubscribeAll(token: string): Promise<UnsubscribeLink & { left: string[] }> {
    return unsubscribeAll(token, this.ports);
  }

  /** @throws InvalidTokenError */
  readPreferences(token: string): Promise<PreferencesView> {
    return readPreferences(token, this.ports);
  }

  /** @throws InvalidTokenError */
  updatePreferences(token: string, form: PreferencesForm): Promise<PreferencesUpdate> {
    return updatePreferences(token, form, this.ports);
  }

  /** An import job waiting for its file, and the URL to PUT the file to. */
  openImportUpload(options: CsvImportOptions): ReturnType<typeof openImportUpload> {
    return openImportUpload(options, this.ports);
  }

  /** Queues an uploaded import. @throws NotFoundError, ConflictError (no file yet, already started), ValidationError (too large) */
  startImport(id: string): Promise<ImportJobView> {
    return startUploadedImport(id, this.ports);
  }

  /**
   * Imports a file sent with the request as a job: done within `timeBudgetMs` for a small file (the
   * view carries the report), else carried on by the bulk queue.
   */
  async importFile(body: Buffer, options: CsvImportOptions, timeBudgetMs: number): Promise<ImportJobView> {
    return importFile(body, options, await this.bulkDeps(), { timeBudgetMs });
  }

  /** An import job's progress, and its report once done. @throws NotFoundError */
  importJob(id: string): Promise<ImportJobView> {
    return importJobView(id, this.ports);
  }

  /** Queues an export of a list's members to a file. @throws NotFoundError */
  requestExport(listId: string): Promise<ExportJobView> {
    return requestExport(listId, this.ports);
  }

  /** An export job, with a download link once done. @throws NotFoundError */
  exportJob(id: string): Promise<ExportJobView> {
    return exportJobView(id, this.ports);
  }

  /** One bulk job from the queue, within `timeBudgetMs`: an import's next slice, or an export. */
  async runBulkJob(job: BulkJob, timeBudgetMs: number): Promise<string> {
    if (job.kind === 'export') return (await runExport(job.exportId, this.ports)).status;
    return (await runBulkImport(job.jobId, await this.bulkDeps(), timeBudgetMs)).outcome;
  }

  /** Puts a bulk job back on its queue untouched (an invocation with no time left for it). */
  requeueBulkJob(job: BulkJob): Promise<void> {
    return this.ports.bulk.send([job]);
  }

  private async bulkDeps() {
    return {
      ...this.ports,
      slice: {
        ...this.ports,
        listIds: await this.ports.directory.activeListResolver(),
        requestConfirmation: (subscriber: Subscriber, lists: string[]) => sendConfirmationEmail(subscriber, lists, this.ports),
        welcome: (subscriberId: string, lists: string[]) => this.queueWelcome(subscriberId, lists, WelcomeVia.Import),
      },
    };
  }

  /** Adds confirmed subscribers `{ email, lists }` (one or many). @throws ValidationError */
  async importConfirmed(body: unknown): Promise<ImportSummary> {
    const imported = await importSubscribers(body, {
      ...this.ports,
      listIds: await this.ports.directory.activeListResolver(),
      welcome: (subscriberId, lists) => this.queueWelcome(subscriberId, lists, WelcomeVia.Import),
    });
    return {
      added: imported.filter((s) => s.created).length,
      updated: imported.filter((s) => !s.created && !s.skipped).length,
      skippedSuppressed: imported.filter((s) => s.skipped).length,
      subscribers: imported,
    };
  }

  /** @throws ValidationError for a bad address; NotFoundError when nobody has it. */
  lookup(email: unknown): Promise<SubscriberView> {
    return lookupSubscriber(email, this.ports);
  }

  /** `{ lists: { add?, remove? } }`. @throws ValidationError, NotFoundError */
  changeLists(subscriberId: string, body: unknown): Promise<SubscriberView> {
    return changeSubscriberLists(subscriberId, body, this.ports);
  }

  /** A page of the subscriber's consent history, newest first. @throws NotFoundError, ValidationError (a foreign cursor) */
  consentHistory(subscriberId: string, cursor: string | undefined): Promise<ConsentHistoryPage> {
    return consentHistory(subscriberId, cursor, this.ports);
  }

  /** Everything held about the subscriber, for a right-of-access request. @throws NotFoundError */
  subscriberData(subscriberId: string): Promise<SubscriberData> {
    return subscriberData(subscriberId, this.ports);
  }

  /** Erases a subscriber's personal data and consent history, keeping a keyed hash when they were suppressed. @throws NotFoundError */
  erase(subscriberId: string): Promise<EraseResult> {
    return eraseSubscriber(subscriberId, this.ports);
  }

  /**
   * Erases a subscriber once staff typed their address (the console's confirmation step).
   * @throws ValidationError when the address does not match; NotFoundError
   */
  eraseConfirmed(subscriberId: string, typedAddress: string): Promise<EraseResult> {
    return eraseConfirmedSubscriber(subscriberId, typedAddress, this.ports);
  }

  /** A subscriber by id, as the look-up shows them. @throws NotFoundError */
  byId(subscriberId: string): Promise<SubscriberView> {
    return subscriberById(subscriberId, this.ports);
  }

  /** A list's members as CSV chunks. @throws NotFoundError */
  exportCsv(listId: string): Promise<AsyncGenerator<string>> {
    return exportListCsv(listId, this.ports);
  }

  /** Removes sign-ups whose confirmation link expired unused (hourly). */
  purgePending(): Promise<PurgePendingResult> {
    return purgePendingSignups(this.ports);
  }

  private async named<T extends UnsubscribeLink>(link: T): Promise<T & NamedUnsubscribeLink> {
    return { ...link, listNames: await Promise.all(link.listIds.map((id) => this.ports.directory.nameOf(id))) };
  }
}
