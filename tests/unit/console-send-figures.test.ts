import { describe, expect, it } from 'vitest';
import { sendFigures } from '../../functions/adapters/http/console/send-figures';
import { requireStaffRecipient } from '../../functions/domain/staff/test-recipient';
import { emptyCounts } from '../../functions/domain/delivery/release-stats';
import type { SendProgress } from '../../functions/domain/delivery/send-progress';
import { ValidationError } from '../../functions/domain/errors';

const progress = (overrides: Partial<SendProgress> = {}): SendProgress => ({
  releaseId: 'r',
  status: 'sending',
  counts: emptyCounts(),
  rates: { bounce: 0, complaint: 0 },
  targeted: 0,
  planningFinished: false,
  remaining: 0,
  ...overrides,
});

describe("the release page's send figures", () => {
  it('given a send under way, says sent of targeted with its share, and polls every second', () => {
    const figures = sendFigures(progress({ targeted: 40, planningFinished: true, counts: { ...emptyCounts(), sent: 10, delivered: 9, bounced: 1 }, rates: { bounce: 0.1, complaint: 0.0012 } }));
    expect(figures).toMatchObject({
      final: false,
      pollMs: 1000,
      counts: { targeted: 40, sent: 10, delivered: 9, bounced: 1 },
      bar: { value: 10, max: 40 },
      text: { progress: 'Sent 10 of 40 (25 %)', bounceRate: '10 %', complaintRate: '0.1 %', paused: '', error: '' },
    });
  });

  it('shows no delivered count on a stack without delivery events, and every count with them', () => {
    const under = progress({ targeted: 40, planningFinished: true, counts: { ...emptyCounts(), sent: 10, bounced: 1 } });
    expect(sendFigures(under).shown).toEqual(['targeted', 'sent', 'delivered', 'failed', 'skipped', 'bounced', 'complained']);
    const without = sendFigures(under, { deliveriesReported: false });
    expect(without.shown).toEqual(['targeted', 'sent', 'failed', 'skipped', 'bounced', 'complained']);
    expect(without.deliveriesReported).toBe(false);
  });

  it('keeps the bar valid before planning, and says planning is still going', () => {
    expect(sendFigures(progress()).bar).toEqual({ value: 0, max: 1 });
    expect(sendFigures(progress()).text.progress).toBe('Not planned yet: sent 0');
    expect(sendFigures(progress({ targeted: 5 })).text.progress).toBe('Sent 0 of 5 (0 %), still planning');
    expect(sendFigures(progress({ status: 'sent', planningFinished: true })).text.progress).toBe('No recipients');
  });

  it('says who paused a send and when a quota pause ends, polls a paused send less often, and stops once it has ended', () => {
    const quota = sendFigures(progress({ status: 'paused', pausedBy: 'quota', resumeAt: '2026-12-07T16:00:00.000Z' }));
    expect(quota).toMatchObject({ pollMs: 5000, text: { paused: 'Paused by the daily sending quota; resumes by itself at 2026-12-07 16:00 UTC.' } });
    expect(sendFigures(progress({ status: 'paused', pausedBy: 'staff', pausedReason: 'paused by editor@example.org' })).text.paused).toBe('Paused by editor@example.org.');
    expect(sendFigures(progress({ status: 'paused', pausedBy: 'threshold', pausedReason: 'bounce rate 6 % over 5 %' })).text.paused).toBe(
      'Paused by the bounce and complaint limits: bounce rate 6 % over 5 %. Resume once you have checked why.',
    );
    for (const status of ['sent', 'cancelled', 'failed'] as const) expect(sendFigures(progress({ status }))).toMatchObject({ final: true, pollMs: 0 });
    expect(sendFigures(progress({ status: 'failed', sendError: 'Planning the send failed 5 times' })).text.error).toBe('Planning the send failed 5 times');
  });
});

describe('a console test send', () => {
  const staff = [{ email: 'editor@example.org' }, { email: 'writer@example.org' }];

  it('goes to a staff address, however it is spelt', () => {
    expect(requireStaffRecipient(' Editor@Example.ORG ', staff)).toBe('editor@example.org');
  });

  it('refuses an empty address and anyone who is not staff', () => {
    expect(() => requireStaffRecipient('  ', staff)).toThrow(ValidationError);
    expect(() => requireStaffRecipient('reader@example.com', staff)).toThrow('Test sends go to staff addresses only');
  });
});
