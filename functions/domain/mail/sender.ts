/**
 * Who a Pressroom email is from and the links and headers that name it: shared by the send worker,
 * the confirmation email and test sends. Pure: values in, values out.
 */
import { listFormat, type ListNames } from '../lists/list-names';
import { buildMessageTemplate, type MessageTemplate } from './mime';

export interface SenderIdentity {
  from: { name?: string; address: string };
  replyTo?: string;
  /** Base of every link in the email, e.g. `https://news.example.org`. */
  publicUrl: string;
  /** The lists' current names, for the List-Id header (domain/lists/list-names.ts). */
  listNames: ListNames;
}

/** The From address's domain: Message-IDs, List-Ids and Feedback-IDs live under it. */
export function senderDomain(sender: Pick<SenderIdentity, 'from'>): string {
  return sender.from.address.split('@')[1];
}

/** Encodes an email from this sender once (From, Reply-To, subject, both parts) for personalising. */
export function senderTemplate(
  sender: Pick<SenderIdentity, 'from' | 'replyTo'>,
  email: { subject: string; html: string; text: string },
  placeholders: string[],
): MessageTemplate {
  return buildMessageTemplate({ from: sender.from, replyTo: sender.replyTo, ...email, placeholders });
}

/** The URL behind every unsubscribe link and the List-Unsubscribe header. */
export function unsubscribeUrl(publicUrl: string, token: string): string {
  return `${publicUrl.replace(/\/$/, '')}/unsubscribe/${token}`;
}

/**
 * The List-* headers of an email from one list (a release's, a welcome): its id with its current
 * name, its signed unsubscribe link, and RFC 8058's one-click, which tells mailbox providers a POST
 * to that link unsubscribes without further steps. Per recipient in the send worker.
 *
 * @example
 * listHeaders({ listId: 'blog', listName: 'Blog', unsubscribeUrl: url }, 'example.org');
 * // { 'List-Id': 'Blog <blog.example.org>', 'List-Unsubscribe': '<https://…>', 'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click' }
 */
export function listHeaders(list: { listId: string; listName: string; unsubscribeUrl: string }, senderDomain: string): Record<string, string> {
  return {
    // The name is the phrase before the angle-bracketed id: nothing in it may end or quote that.
    'List-Id': `${list.listName.replace(/[<>"\r\n]/g, '')} <${list.listId}.${senderDomain}>`,
    'List-Unsubscribe': `<${list.unsubscribeUrl}>`,
    'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click',
  };
}

/** The URL behind every "manage preferences" link. */
export function preferencesUrl(publicUrl: string, token: string): string {
  return `${publicUrl.replace(/\/$/, '')}/preferences/${token}`;
}

const FEEDBACK_FIELD = /^[A-Za-z0-9._-]+$/;

/**
 * Gmail's Feedback Loop identifier: up to four colon-separated fields, the last naming the sender.
 * Fields are cut to letters, digits, `.`, `_` and `-`, so an id can neither add a field nor break the header.
 *
 * @example
 * feedbackId('spring-update', 'blog', 'example.org'); // 'spring-update:blog:pressroom:example.org'
 */
export function feedbackId(releaseId: string, listId: string, senderDomain: string): string {
  return `${feedbackField(releaseId)}:${feedbackField(listId)}:pressroom:${feedbackField(senderDomain)}`;
}

function feedbackField(value: string): string {
  // Per recipient in the send worker: most ids need no cutting, and a test is cheaper than a replace.
  return FEEDBACK_FIELD.test(value) ? value : value.replace(/[^A-Za-z0-9._-]/g, '') || 'none';
}

/**
 * The footer's "a member of …" for these lists: their current names joined in the email's language.
 * Per recipient in the send worker, so the names come from a memoised {@link ListNames}.
 *
 * @example
 * await memberOf(['blog', 'press-releases'], 'en', listNames); // 'Blog and Press Releases'
 */
export async function memberOf(lists: readonly string[], language: string | undefined, listNames: ListNames): Promise<string> {
  return joinListNames(await Promise.all(lists.map((id) => listNames.nameOf(id))), language);
}

/**
 * {@link memberOf} for names already looked up.
 *
 * @example
 * joinListNames(['Blog', 'Press Releases'], 'es'); // 'Blog y Press Releases'
 */
export function joinListNames(names: readonly string[], language: string | undefined): string {
  return listFormat(language).format(names);
}
