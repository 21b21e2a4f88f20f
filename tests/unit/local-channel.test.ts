import { mkdtempSync, readFileSync, rmSync, appendFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { LocalChannel } from '../../functions/adapters/social/local-channel';
import { SocialPostRejectedError } from '../../functions/domain/social/errors';
import { postIdempotencyKey } from '../../functions/domain/social/schedule-posts';

/** The port's message for `text`; these tests only look at the text and the key. */
const message = (text: string, idempotencyKey: string) => ({
  text,
  idempotencyKey,
  summary: { title: 'T', url: 'https://example.com/r', tags: [], language: 'en' },
});

let dataDir: string;
const clock = () => new Date('2030-01-01T09:00:00Z');

beforeEach(() => {
  dataDir = mkdtempSync(join(tmpdir(), 'pressroom-local-channel-'));
});

afterEach(() => {
  rmSync(dataDir, { recursive: true, force: true });
});

const text = 'Pressroom 2.0\n\nFaster sends.\n\nhttps://example.com/releases/2-0\n\n#PressReleases';

describe('LocalChannel', () => {
  it('records a post with the release and URL taken from the key and the text', async () => {
    // Given a fresh data directory (one level deeper than exists, to check it is created)
    const channel = new LocalChannel({ dataDir: join(dataDir, 'nested'), clock });

    // When a release is posted with the key the scheduler builds
    const result = await channel.post(message(text, postIdempotencyKey({ releaseId: 'rel:2024:001', channel: 'local' })));

    // Then it is listed with a local URL for the post
    expect(result).toEqual({ remoteId: expect.any(String), url: `local://social/${result.remoteId}` });
    expect(channel.list()).toEqual([
      {
        id: result.remoteId,
        idempotencyKey: 'rel:2024:001:local',
        releaseId: 'rel:2024:001',
        channel: 'local',
        text,
        url: 'https://example.com/releases/2-0',
        postedAt: '2030-01-01T09:00:00.000Z',
      },
    ]);
  });

  it('keeps posts across a restart', async () => {
    const first = new LocalChannel({ dataDir, clock });
    const a = await first.post(message(text, 'rel_a:local'));
    const b = await first.post(message('Second https://example.com/b', 'rel_b:local'));

    const restarted = new LocalChannel({ dataDir, clock });
    expect(restarted.list()).toEqual(first.list());
    expect(restarted.list().map((p) => p.id)).toEqual([a.remoteId, b.remoteId]);
    expect(readFileSync(join(dataDir, 'social-posts.jsonl'), 'utf8').trim().split('\n')).toHaveLength(2);
  });

  it('answers a repeated key with the first post and stores nothing new, even after a restart', async () => {
    const channel = new LocalChannel({ dataDir, clock });
    const first = await channel.post(message(text, 'rel_a:local'));
    const again = await channel.post(message('a different text', 'rel_a:local'));
    const concurrent = await Promise.all([channel.post(message(text, 'rel_c:local')), channel.post(message(text, 'rel_c:local'))]);
    const afterRestart = await new LocalChannel({ dataDir, clock }).post(message(text, 'rel_a:local'));

    expect(again).toEqual(first);
    expect(afterRestart).toEqual(first);
    expect(concurrent[0]).toEqual(concurrent[1]);
    expect(new LocalChannel({ dataDir, clock }).list().map((p) => p.releaseId)).toEqual(['rel_a', 'rel_c']);
  });

  it('skips a line torn by a crash mid-write', async () => {
    const channel = new LocalChannel({ dataDir, clock });
    await channel.post(message(text, 'rel_a:local'));
    appendFileSync(join(dataDir, 'social-posts.jsonl'), '{"id":"half-writ');

    expect(new LocalChannel({ dataDir, clock }).list()).toHaveLength(1);
  });

  it('refuses a text over the local limit, as a real provider would', async () => {
    const channel = new LocalChannel({ dataDir, clock });
    const error = await channel.post(message('x'.repeat(501), 'rel_long:local')).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SocialPostRejectedError);
    expect(channel.list()).toEqual([]);
  });

  it('formats within the local rules', () => {
    const channel = new LocalChannel({ dataDir, clock });
    const formatted = channel.format({
      title: 'Pressroom 2.0',
      summary: 'Faster sends.',
      url: 'https://example.com/releases/2-0',
      tags: ['Press Releases'],
      language: 'en',
    });
    expect(formatted).toBe(text);
  });
});
