import type { Release } from '../release/release';
import type { SocialChannel } from '../social/ports';
import { summaryOf } from '../social/schedule-posts';
import type { DraftSocialEntry } from './draft';

/** One channel's post as it would go out, measured the way the channel measures it. */
export interface ChannelCount {
  channel: string;
  enabled: boolean;
  /** Staff's own text, rather than the formatted summary. */
  own: boolean;
  text: string;
  length: number;
  /** The channel's limit, when it has one in characters. */
  limit?: number;
  /** Why the channel would refuse the text (the same check publishing runs), if it would. */
  problem?: string;
}

/** How a channel counts a text and its limit, from the channel registry's rules. */
export type MeasureText = (channel: string, text: string) => { length: number; limit: number } | undefined;

/**
 * Each configured channel's post for a release: the text the channel's own `format` makes of the
 * release's summary (the one posting uses, schedule-posts.ts), or staff's own text, with its length
 * and the channel's `check`. Channels the plan leaves out are listed too, switched off.
 *
 * @example
 * const counts = await socialCounts(release, [{ channel: 'x', enabled: true }], channels, measure);
 * counts[0]; // { channel: 'x', enabled: true, own: false, text: 'Spring update\n\nhttps://…', length: 41, limit: 280 }
 */
export async function socialCounts(
  release: Release,
  plan: readonly DraftSocialEntry[],
  channels: ReadonlyMap<string, Pick<SocialChannel, 'format' | 'check'>>,
  measure: MeasureText,
): Promise<ChannelCount[]> {
  const summary = await summaryOf(release);
  return [...channels].map(([name, channel]) => {
    const entry = plan.find((e) => e.channel === name);
    const own = entry?.text?.trim();
    const text = own || channel.format(summary);
    const measured = measure(name, text) ?? { length: [...text].length, limit: undefined };
    const problem = channel.check(text);
    return {
      channel: name,
      enabled: entry ? entry.enabled : true,
      own: Boolean(own),
      text,
      length: measured.length,
      ...(measured.limit !== undefined ? { limit: measured.limit } : {}),
      ...(problem ? { problem } : {}),
    };
  });
}
