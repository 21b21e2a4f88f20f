import type { SocialSummary } from './social-post';
import { lastFitting, MAY_JOIN } from './format-summary';
import { DISCORD_LIMITS, SLACK_LIMITS } from './channel-rules';

/*
 * Slack and Discord show a release as a card rather than as one post text. Their limits are counted
 * here in UTF-16 code units (`string.length`), which is never fewer than the code points or graphemes
 * a provider may count, so a card that fits here is never refused there for its length.
 */

// The limits and text rules live with every other channel's rules, which the channel registry reads.
export { DISCORD_LIMITS, DISCORD_TEXT_RULES, SLACK_LIMITS, SLACK_TEXT_RULES } from './channel-rules';

export type SlackTextObject = { type: 'plain_text'; text: string; emoji: true } | { type: 'mrkdwn'; text: string };
export type SlackBlock =
  | { type: 'header'; text: SlackTextObject & { type: 'plain_text' } }
  | { type: 'section'; text: SlackTextObject }
  | { type: 'context'; elements: SlackTextObject[] };

/** The JSON body of a Slack incoming-webhook message. */
export interface SlackMessage {
  /** Notification and accessibility fallback; mrkdwn, so escaped like the blocks. */
  text: string;
  blocks: SlackBlock[];
}

export interface DiscordEmbed {
  title: string;
  url: string;
  description?: string;
  footer?: { text: string };
  image?: { url: string };
}

/** The JSON body of a Discord execute-webhook call. */
export interface DiscordMessage {
  content?: string;
  embeds: [DiscordEmbed];
  /** Nothing in a release card may ping `@everyone` or a role. */
  allowed_mentions: { parse: [] };
}

const ELLIPSIS = '…';
const TAG_SEPARATOR = ' · ';
// What may dangle before the ellipsis: spaces and list punctuation.
const DANGLING = /[\s,;:]+$/u;
const graphemes = new Intl.Segmenter(undefined, { granularity: 'grapheme' });
const words = new Intl.Segmenter(undefined, { granularity: 'word' });
const units = (text: string) => text.length;

/**
 * A Slack message for a release: a header with the title, the summary as plain text (so `*` or `_`
 * in it are not read as formatting), the link, and the tags in a context line. Staff's own text,
 * when given, leads as a mrkdwn section and the card follows, as a shared link would unfurl.
 *
 * @example
 * slackMessage({ title: 'Pressroom 2.0', summary: 'Faster sends.', url: 'https://example.com/r/2', tags: ['Releases'], language: 'en' });
 * // { text: 'Pressroom 2.0\n\nFaster sends.\n\nhttps://example.com/r/2', blocks: [header, section, section(<url>), context] }
 */
export function slackMessage(summary: SocialSummary, ownText?: string): SlackMessage {
  const title = oneLine(summary.title);
  const body = (summary.summary ?? '').trim();
  const tagLine = joinFitting(cleanTags(summary.tags), TAG_SEPARATOR, SLACK_LIMITS.text);
  const blocks: SlackBlock[] = [];
  if (ownText) blocks.push({ type: 'section', text: { type: 'mrkdwn', text: escapeSlack(ownText) } });
  blocks.push({ type: 'header', text: plain(shorten(title, SLACK_LIMITS.header)) });
  if (body) blocks.push({ type: 'section', text: plain(shorten(body, SLACK_LIMITS.text)) });
  blocks.push({ type: 'section', text: { type: 'mrkdwn', text: `<${slackUrl(summary.url)}>` } });
  if (tagLine) blocks.push({ type: 'context', elements: [plain(tagLine)] });
  const fallback = ownText ?? [title, body, summary.url].filter(Boolean).join('\n\n');
  return { text: escapeSlack(shorten(fallback, SLACK_LIMITS.text, (t) => escapeSlack(t).length)), blocks };
}

/**
 * A Discord message for a release: one embed titled and linked to the release, the summary as its
 * description, the tags in the footer and the release image, all within the per-field limits and
 * the 6000-character total. Staff's own text, when given, is the message content above the embed.
 *
 * @example
 * discordMessage({ title: 'Pressroom 2.0', url: 'https://example.com/r/2', tags: [], language: 'en' });
 * // { embeds: [{ title: 'Pressroom 2.0', url: 'https://example.com/r/2' }], allowed_mentions: { parse: [] } }
 */
export function discordMessage(summary: SocialSummary, ownText?: string): DiscordMessage {
  const measure = (text: string) => escapeDiscord(text).length;
  const title = escapeDiscord(shorten(oneLine(summary.title), DISCORD_LIMITS.title, measure));
  const footer = escapeDiscord(joinFitting(cleanTags(summary.tags), TAG_SEPARATOR, DISCORD_LIMITS.footer, measure));
  const room = Math.min(DISCORD_LIMITS.description, DISCORD_LIMITS.embedTotal - title.length - footer.length);
  const description = escapeDiscord(shorten((summary.summary ?? '').trim(), room, measure));
  const embed: DiscordEmbed = {
    title,
    url: summary.url,
    ...(description ? { description } : {}),
    ...(footer ? { footer: { text: footer } } : {}),
    ...(summary.imageUrl ? { image: { url: summary.imageUrl } } : {}),
  };
  return { ...(ownText ? { content: ownText } : {}), embeds: [embed], allowed_mentions: { parse: [] } };
}

/** Why staff's own Slack text would be refused: it goes into one section, escaped. */
export function checkSlackText(text: string): string | undefined {
  return checkLength(text, escapeSlack(text).length, SLACK_LIMITS.text);
}

/** Why staff's own Discord text would be refused as message content. */
export function checkDiscordText(text: string): string | undefined {
  return checkLength(text, text.length, DISCORD_LIMITS.content);
}

function checkLength(text: string, length: number, max: number): string | undefined {
  if (!text.trim()) return 'Text is empty';
  return length > max ? `Text is ${length} characters, over ${max}` : undefined;
}

/** Slack's mrkdwn reserves `&`, `<` and `>` for entities and links; nothing else can be escaped. */
export function escapeSlack(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/**
 * Discord reads markdown in embeds and a backslash before punctuation shows it as is. Inline marks are
 * escaped everywhere; `#`, `-` and `>` only where they start a line (a heading, a list, a quote).
 */
export function escapeDiscord(text: string): string {
  return text.replace(/[\\*_~`|[\]<]/g, '\\$&').replace(/^(\s*)([#>-])/gm, '$1\\$2');
}

/**
 * `text` if `measure(text) <= max`, else the longest cut of it at a word boundary that fits with `…`,
 * or at a grapheme boundary when not even one word fits. Never cuts inside a grapheme; '' when not
 * even one grapheme fits with the ellipsis. `measure` must never count fewer than `string.length`
 * (escaping only adds), which lets a long text be segmented only as far as a cut could reach.
 */
export function shorten(text: string, max: number, measure: (text: string) => number = units): string {
  if (measure(text) <= max) return text;
  // Segmenting is slow; no cut much past `max` units can fit. A boundary at the very end of the window
  // may be an artefact of slicing, one before it is not (a boundary depends only on its neighbours).
  const window = text.slice(0, max + 64);
  const inside = (at: number) => at > 0 && (at < window.length || window.length === text.length);
  const graphemeStarts = new Set(graphemeStartsOf(window).filter(inside));
  const wordStarts = [...words.segment(window)].map((s) => s.index).filter((at) => graphemeStarts.has(at));
  for (const cuts of [wordStarts, [...graphemeStarts]]) {
    const at = lastFitting(cuts, (cut) => measure(cutAt(text, cut)) <= max);
    if (at !== undefined) return cutAt(text, at);
  }
  return '';
}


function graphemeStartsOf(text: string): number[] {
  if (MAY_JOIN.test(text)) return [...graphemes.segment(text)].map((s) => s.index);
  const starts: number[] = [];
  for (let at = 0; at < text.length; at += text.codePointAt(at)! > 0xffff ? 2 : 1) starts.push(at);
  return starts;
}

function cutAt(text: string, at: number): string {
  const head = text.slice(0, at).replace(DANGLING, '');
  return head ? `${head}${ELLIPSIS}` : ELLIPSIS;
}

/** The tags that fit in `max` when joined, dropped from the end; a tag is never cut. */
function joinFitting(tags: string[], separator: string, max: number, measure: (text: string) => number = units): string {
  const counts = Array.from({ length: tags.length }, (_, i) => i + 1);
  const count = lastFitting(counts, (n) => measure(tags.slice(0, n).join(separator)) <= max) ?? 0;
  return tags.slice(0, count).join(separator);
}

function cleanTags(tags: readonly string[]): string[] {
  const seen = new Set<string>();
  return tags.map(oneLine).filter((tag) => {
    const key = tag.toLocaleLowerCase();
    if (!tag || seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}


function oneLine(text: string): string {
  return text.replace(/\s+/gu, ' ').trim();
}

function plain(text: string): SlackTextObject & { type: 'plain_text' } {
  return { type: 'plain_text', text, emoji: true };
}

/** Inside `<…>` a `|` would start the label and `<`/`>` end the link: percent-encode them. */
function slackUrl(url: string): string {
  return url.trim().replace(/&/g, '&amp;').replace(/\|/g, '%7C').replace(/</g, '%3C').replace(/>/g, '%3E');
}
