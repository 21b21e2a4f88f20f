import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseSesEvent } from '../../functions/adapters/ses/ses-events';
import { decodeTagValue, encodeTagValue, toMessageTags } from '../../functions/adapters/ses/ses-mailer';
import { MalformedMailEventError } from '../../functions/domain/delivery/mail-events';
import { simulatedEvents } from '../../functions/local/ses-server';

/** SES event records shaped as the SES developer guide documents them (SNS, raw delivery to SQS). */
const fixture = (name: string) => JSON.parse(readFileSync(new URL(`../fixtures/ses-events/${name}.json`, import.meta.url), 'utf8'));

describe('parseSesEvent', () => {
  it('reads a permanent bounce: recipients, sub-type, and the tags decoded', () => {
    expect(parseSesEvent(fixture('bounce-permanent'))).toEqual({
      type: 'bounce',
      bounceType: 'permanent',
      bounceSubType: 'General',
      messageId: 'EXAMPLE7c191be45-e9aedb9a-02f9-4d12-a87d-dd0099a07f8a-000000',
      recipients: ['recipient@example.com'],
      releaseId: 'spring.update',
      subscriberId: 'sub-1',
      listId: 'blog',
      occurredAt: '2026-11-29T12:01:02.669Z',
    });
  });

  it('reads transient and undetermined bounces; an undetermined one without recipients falls back to the destination', () => {
    expect(parseSesEvent(fixture('bounce-transient'))).toMatchObject({ type: 'bounce', bounceType: 'transient', bounceSubType: 'MailboxFull', recipients: ['full@example.com'] });
    // Feedback notifications (no configuration set) say notificationType and carry no tags.
    const undetermined = parseSesEvent(fixture('bounce-undetermined'));
    expect(undetermined).toMatchObject({ type: 'bounce', bounceType: 'undetermined', recipients: ['away@example.com'] });
    expect(undetermined?.releaseId).toBeUndefined();
  });

  it('reads complaints, deliveries and rejects', () => {
    expect(parseSesEvent(fixture('complaint'))).toMatchObject({ type: 'complaint', recipients: ['recipient@example.com'], releaseId: 'spring-update', listId: 'press-releases' });
    expect(parseSesEvent(fixture('delivery'))).toMatchObject({ type: 'delivery', recipients: ['recipient@example.com'], occurredAt: '2026-11-29T12:00:03.126Z' });
    expect(parseSesEvent(fixture('reject'))).toMatchObject({ type: 'reject', recipients: ['recipient@example.com'], releaseId: 'spring-update' });
  });

  it('accepts the JSON as a string and inside an SNS envelope (raw delivery off)', () => {
    const text = JSON.stringify(fixture('complaint'));
    expect(parseSesEvent(text)).toMatchObject({ type: 'complaint' });
    expect(parseSesEvent({ Type: 'Notification', MessageId: 'm', TopicArn: 'arn:aws:sns:us-east-1:1:t', Message: text })).toMatchObject({ type: 'complaint' });
  });

  it('reads opens and clicks (tracking on): the link clicked, never the reader\'s address or agent', () => {
    const mail = fixture('delivery').mail;
    const open = parseSesEvent({ eventType: 'Open', mail, open: { timestamp: '2026-11-29T13:00:00Z', ipAddress: '192.0.2.1', userAgent: 'Mail' } });
    expect(open).toEqual({ type: 'open', messageId: mail.messageId, recipients: ['recipient@example.com'], releaseId: 'spring-update', subscriberId: expect.any(String), listId: expect.any(String), occurredAt: '2026-11-29T13:00:00Z' });
    const click = parseSesEvent({ eventType: 'Click', mail, click: { timestamp: '2026-11-29T13:00:01Z', link: 'https://example.org/post', linkTags: {}, ipAddress: '192.0.2.1', userAgent: 'Mail' } });
    expect(click).toMatchObject({ type: 'click', link: 'https://example.org/post' });
    expect(JSON.stringify([open, click])).not.toMatch(/192\.0\.2\.1|Mail"/);
    expect(() => parseSesEvent({ eventType: 'Click', mail, click: { timestamp: '2026-11-29T13:00:01Z' } })).toThrow(MalformedMailEventError);
  });

  it('ignores event types Pressroom does not act on', () => {
    expect(parseSesEvent(fixture('send'))).toBeUndefined();
    expect(parseSesEvent({ ...fixture('delivery'), eventType: 'DeliveryDelay', deliveryDelay: {} })).toBeUndefined();
    expect(parseSesEvent({ notificationType: 'AMAZON_SES_SETUP_NOTIFICATION', mail: {} })).toBeUndefined();
  });

  it.each([
    ['not JSON', '{oops'],
    ['not an object', [1, 2]],
    ['no event type', { mail: { messageId: 'm', destination: ['a@example.com'] } }],
    ['no mail object', { eventType: 'Delivery', delivery: { recipients: ['a@example.com'] } }],
    ['no message id', { ...fixture('delivery'), mail: { ...fixture('delivery').mail, messageId: undefined } }],
    ['no bounce object', { eventType: 'Bounce', mail: fixture('bounce-permanent').mail }],
    ['an unknown bounce type', { ...fixture('bounce-permanent'), bounce: { ...fixture('bounce-permanent').bounce, bounceType: 'Soft' } }],
    ['no recipient anywhere', { ...fixture('delivery'), mail: { ...fixture('delivery').mail, destination: [] }, delivery: { recipients: [] } }],
  ])('rejects %s with a MalformedMailEventError', (_, body) => {
    expect(() => parseSesEvent(body)).toThrow(MalformedMailEventError);
  });
});

describe('SES message tags', () => {
  it('keeps values that already fit and escapes the rest reversibly', () => {
    expect(encodeTagValue('ice-retaliation-2026')).toBe('ice-retaliation-2026');
    expect(encodeTagValue('v1.2_final')).toBe('v1_2E2_5Ffinal');
    for (const value of ['v1.2_final', 'a_2E', 'Grüße & more', '0b7c4c1e-8b5e-4a55-9a53-2f0f4f1b9a11']) {
      const encoded = encodeTagValue(value);
      expect(encoded).toMatch(/^[A-Za-z0-9_-]+$/);
      expect(decodeTagValue(encoded)).toBe(value);
    }
  });

  it('turns OutgoingEmail tags into MessageTags and drops one too long to send', () => {
    expect(toMessageTags({ release: 'r.1', subscriber: 's1', list: 'blog', huge: '.'.repeat(100) })).toEqual([
      { Name: 'release', Value: 'r_2E1' },
      { Name: 'subscriber', Value: 's1' },
      { Name: 'list', Value: 'blog' },
    ]);
  });
});

describe('the local SES stand-in', () => {
  const simulate = (to: string) =>
    simulatedEvents({
      messageId: 'local-1',
      source: 'Pressroom <news@example.org>',
      destinations: [to],
      tags: { release: 'r_2E1', subscriber: 's1', list: 'blog' },
      timestamp: new Date('2026-11-29T12:00:00Z'),
    }).map((event) => parseSesEvent(JSON.parse(JSON.stringify(event))));

  it.each([
    ['bounce@simulator.amazonses.com', [['bounce', 'permanent', 'General']]],
    ['bounce+label@simulator.amazonses.com', [['bounce', 'permanent', 'General']]],
    ['suppressionlist@simulator.amazonses.com', [['bounce', 'permanent', 'OnAccountSuppressionList']]],
    ['complaint@simulator.amazonses.com', [['delivery'], ['complaint']]],
    ['ooto@simulator.amazonses.com', [['delivery']]],
    ['someone@transient.pressroom.test', [['bounce', 'transient', 'MailboxFull']]],
    ['reader@example.com', [['delivery']]],
  ])('emits what SES would for %s, in the shape the parser reads', (to, expected) => {
    const events = simulate(to);
    expect(events.map((e) => [e!.type, e!.bounceType, e!.bounceSubType].filter(Boolean))).toEqual(expected);
    for (const event of events) {
      expect(event).toMatchObject({ messageId: 'local-1', recipients: [to], releaseId: 'r.1', subscriberId: 's1', listId: 'blog' });
    }
  });
});
