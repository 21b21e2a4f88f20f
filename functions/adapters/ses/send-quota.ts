import { GetSendQuotaCommand, type SESClient } from '@aws-sdk/client-ses';

const CACHE_MS = 5 * 60_000;

/**
 * The sending rate to pace at: SES's `MaxSendRate` from GetSendQuota, or the configured rate when
 * it is lower. Cached for five minutes (the quota changes rarely, and only upwards on request).
 * SES (and the local endpoint) answer -1 for "no limit".
 */
export function maxSendRate(client: SESClient, configured: number | undefined): () => Promise<number | undefined> {
  let cached: { rate: number | undefined; at: number } | undefined;
  return async () => {
    if (cached && Date.now() - cached.at < CACHE_MS) return cached.rate;
    const quota = await client.send(new GetSendQuotaCommand({}));
    const ses = quota.MaxSendRate !== undefined && quota.MaxSendRate > 0 ? quota.MaxSendRate : undefined;
    const rate = [ses, configured].filter((r): r is number => r !== undefined && r > 0).reduce<number | undefined>((a, b) => (a === undefined ? b : Math.min(a, b)), undefined);
    cached = { rate, at: Date.now() };
    return rate;
  };
}
