import type { ReleaseInput } from '../release/release-input';

/** One channel's post in a release's social plan. */
export interface SocialPlanEntry {
  channel: string;
  /** When to post; never before the embargo ends. Absent: as soon as the release is public. */
  at?: string;
  /** Minutes after the release becomes public (or after `at` of the plan); for staggered posts. */
  delayMinutes?: number;
  /** Staff's own text for this channel, checked against the channel's rules at publish. */
  text?: string;
}

/**
 * The release's social plan: one entry per channel with the time it is due. Channels are taken in
 * the order given; `staggerMinutes` puts each one that many minutes after the one before, unless the
 * entry names its own `at` or `delayMinutes`. Nothing is due before the release is public.
 *
 * @example
 * resolveSocialPlan({ social: { staggerMinutes: 10, channels: ['mastodon', 'x'] } }, ['mastodon', 'x', 'local'], publicAt)
 * // [{ channel: 'mastodon', at: publicAt }, { channel: 'x', at: publicAt + 10 min }]
 */
export function resolveSocialPlan(input: Pick<ReleaseInput, 'social'>, configured: readonly string[], publicAt: Date): SocialPlanEntry[] {
  const entries = (input.social?.channels ?? configured).map((entry) => (typeof entry === 'string' ? { channel: entry } : entry));
  const start = Math.max(publicAt.getTime(), input.social?.at ? Date.parse(input.social.at) : 0);
  const stagger = (input.social?.staggerMinutes ?? 0) * 60_000;
  return entries.map((entry, i) => {
    const planned = entry.at ? Date.parse(entry.at) : start + (entry.delayMinutes !== undefined ? entry.delayMinutes * 60_000 : i * stagger);
    const at = new Date(Math.max(planned, publicAt.getTime())).toISOString();
    return { channel: entry.channel, at, ...(entry.text !== undefined ? { text: entry.text } : {}) };
  });
}
