import { beforeEach, describe, expect, it } from 'vitest';
import { publishRelease } from '../../functions/domain/release/publish-release';
import { RecipientPlaceholder } from '../../functions/domain/release/rendered-email';
import { SendStatus } from '../../functions/domain/release/send-status';
import { NotFoundError, ValidationError } from '../../functions/domain/errors';
import type { FanOutJob } from '../../functions/domain/delivery/ports';
import type { EmailRenderer } from '../../functions/domain/release/ports';
import { newDraftId, publishBodyOf, type DraftFields } from '../../functions/domain/draft/draft';
import { saveDraft } from '../../functions/domain/draft/save-draft';
import { publishDraft } from '../../functions/domain/draft/publish-draft';
import { socialCounts } from '../../functions/domain/draft/social-counts';
import { DraftChangedError } from '../../functions/domain/draft/errors';
import type { Release } from '../../functions/domain/release/release';
import { FakeChannel, FakeClock, MemoryDraftStore, MemoryQueue, MemoryReleaseStore, MemorySocialPostStore } from '../helpers/fakes';

const PUBLIC_URL = 'https://news.example.org';

const fields = (overrides: Partial<DraftFields> = {}): DraftFields => ({
  title: 'Spring update',
  format: 'markdown',
  body: 'We shipped **faster sends**.',
  summary: 'Faster sends for everyone.',
  lists: ['blog'],
  tags: ['product'],
  language: 'en',
  social: [
    { channel: 'local', enabled: true },
    { channel: 'mastodon', enabled: false },
  ],
  ...overrides,
});

const renderer: EmailRenderer = {
  async render(release) {
    const link = `<a href="${RecipientPlaceholder.UnsubscribeUrl}">Unsubscribe</a>`;
    return { subject: release.title, html: `<html><body><p>${release.title}</p>${link}</body></html>`, text: `${release.title}\n${RecipientPlaceholder.UnsubscribeUrl}` };
  },
};

describe('drafts', () => {
  let drafts: MemoryDraftStore;
  let clock: FakeClock;
  let releases: MemoryReleaseStore;
  let socialPosts: MemorySocialPostStore;
  let fanOutQueue: MemoryQueue<FanOutJob>;
  const channels = new Map([
    ['local', new FakeChannel('local')],
    ['mastodon', new FakeChannel('mastodon', true, 20)],
  ]);
  // The webhook's own use case, over the same fakes its unit tests use.
  const publish = (body: unknown, publishedBy: string) =>
    publishRelease({ body, publishedBy }, { releases, socialPosts, fanOutQueue, renderer, clock, listIds: new Set(['blog']), channels });

  beforeEach(() => {
    drafts = new MemoryDraftStore();
    clock = new FakeClock();
    releases = new MemoryReleaseStore();
    socialPosts = new MemorySocialPostStore();
    fanOutQueue = new MemoryQueue<FanOutJob>();
  });

  it('given a contributor composing, when saved, then a draft is stored with who wrote it and nothing is published', async () => {
    const draft = await saveDraft({ fields: fields(), by: 'writer@example.org' }, { drafts, clock, newId: () => 'spring-update-1' });
    expect(await drafts.get('spring-update-1')).toEqual(draft);
    expect(draft).toMatchObject({ createdBy: 'writer@example.org', updatedBy: 'writer@example.org' });
    expect(releases.releases.size).toBe(0);
    expect(fanOutQueue.jobs).toEqual([]);
  });

  it('given a saved draft, when an editor saves it again, then it is changed in place; a draft that is gone is not brought back', async () => {
    await saveDraft({ fields: fields(), by: 'writer@example.org' }, { drafts, clock, newId: () => 'd1' });
    const edited = await saveDraft({ id: 'd1', fields: fields({ title: 'Spring update, edited' }), by: 'editor@example.org' }, { drafts, clock });
    expect(edited).toMatchObject({ id: 'd1', createdBy: 'writer@example.org', updatedBy: 'editor@example.org', fields: { title: 'Spring update, edited' } });
    await drafts.remove('d1');
    await expect(saveDraft({ id: 'd1', fields: fields(), by: 'editor@example.org' }, { drafts, clock })).rejects.toBeInstanceOf(NotFoundError);
    expect(await drafts.get('d1')).toBeUndefined();
  });

  it('given a draft a feed source held, when staff edit it in the form, then it keeps the post\'s page, author and date, and publishes with them', async () => {
    await drafts.create({ id: 'held-1', fields: fields({ url: 'https://example.org/post/', author: 'Ana', publishedAt: '2026-11-28T09:00:00.000Z' }), createdBy: 'feed source', createdAt: '2026-11-28T09:00:00.000Z', updatedBy: 'feed source', updatedAt: '2026-11-28T09:00:00.000Z' });
    const edited = await saveDraft({ id: 'held-1', fields: fields({ title: 'Edited in the console' }), by: 'editor@example.org' }, { drafts, clock });
    expect(edited.fields).toMatchObject({ title: 'Edited in the console', url: 'https://example.org/post/', author: 'Ana', publishedAt: '2026-11-28T09:00:00.000Z' });
    await publishDraft('held-1', 'editor@example.org', { drafts, publicUrl: 'https://news.example.org', publish });
    expect(releases.releases.get('held-1')).toMatchObject({ url: 'https://example.org/post/', author: 'Ana', publishedAt: '2026-11-28T09:00:00.000Z' });
  });

  it('given two people editing the same draft, when the one who opened it earlier saves, then DraftChangedError names who saved since and their save is kept', async () => {
    const opened = await saveDraft({ fields: fields(), by: 'writer@example.org' }, { drafts, clock, newId: () => 'd1' });
    clock.advance(60_000);
    await saveDraft({ id: 'd1', fields: fields({ title: 'Editor’s title' }), by: 'editor@example.org', expectedUpdatedAt: opened.updatedAt }, { drafts, clock });
    clock.advance(60_000);
    const error = await saveDraft({ id: 'd1', fields: fields({ title: 'Writer’s title' }), by: 'writer@example.org', expectedUpdatedAt: opened.updatedAt }, { drafts, clock }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DraftChangedError);
    expect(error).toMatchObject({ updatedBy: 'editor@example.org' });
    expect((await drafts.get('d1'))?.fields.title).toBe('Editor’s title');
  });

  it('given a draft without a title or with too large a body, then it is refused naming the field', async () => {
    const error = await saveDraft({ fields: fields({ title: ' ', body: 'x'.repeat(300_001) }), by: 'w@example.org' }, { drafts, clock }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).issues.map((i) => i.field)).toEqual(['title', 'body']);
    expect(drafts.drafts.size).toBe(0);
  });

  it('given a draft, when published, then the webhook use case stores it once with who published it, schedules only the channels left on, and the draft is gone', async () => {
    await saveDraft({ fields: fields(), by: 'writer@example.org' }, { drafts, clock, newId: () => 'd1' });
    const result = await publishDraft('d1', 'editor@example.org', { drafts, publicUrl: PUBLIC_URL, publish });
    expect(result).toEqual({ releaseId: 'd1', created: true, updated: false, revision: 1, status: SendStatus.Queued, warnings: [] });
    expect(releases.releases.get('d1')).toMatchObject({ title: 'Spring update', url: `${PUBLIC_URL}/releases/d1`, publishedBy: 'editor@example.org', lists: ['blog'] });
    expect(fanOutQueue.jobs).toEqual([{ releaseId: 'd1' }]);
    expect([...socialPosts.posts.values()].map((p) => p.channel)).toEqual(['local']);
    expect(await drafts.get('d1')).toBeUndefined();
  });

  it('given a publish that crashed before the draft was removed, when published again, then nothing new is stored or sent twice and the draft is removed', async () => {
    await saveDraft({ fields: fields(), by: 'writer@example.org' }, { drafts, clock, newId: () => 'd1' });
    await publish(publishBodyOf((await drafts.get('d1'))!, PUBLIC_URL), 'editor@example.org');
    const again = await publishDraft('d1', 'other@example.org', { drafts, publicUrl: PUBLIC_URL, publish });
    expect(again.created).toBe(false);
    expect(releases.releases.get('d1')?.publishedBy).toBe('editor@example.org');
    expect(await drafts.get('d1')).toBeUndefined();
  });

  it('given a draft the publish use case refuses (an unknown list), then the error is the webhook’s and the draft stays', async () => {
    await saveDraft({ fields: fields({ lists: ['nope'] }), by: 'writer@example.org' }, { drafts, clock, newId: () => 'd1' });
    const error = await publishDraft('d1', 'editor@example.org', { drafts, publicUrl: PUBLIC_URL, publish }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).issues).toEqual([{ field: 'lists.0', message: 'unknown list "nope"' }]);
    expect(await drafts.get('d1')).toBeDefined();
    expect(releases.releases.size).toBe(0);
  });

  it('given no such draft, when published, then NotFoundError', async () => {
    await expect(publishDraft('missing', 'editor@example.org', { drafts, publicUrl: PUBLIC_URL, publish })).rejects.toBeInstanceOf(NotFoundError);
  });

  it('counts each channel’s post by its own format and check, with own text counted as it would be posted', async () => {
    const release = { id: 'd1', title: 'Spring update', url: `${PUBLIC_URL}/releases/d1`, markdown: 'Body.', tags: [], language: 'en' } as unknown as Release;
    const measure = (_: string, text: string) => ({ length: text.length, limit: 20 });
    const counts = await socialCounts(release, [{ channel: 'local', enabled: true }, { channel: 'mastodon', enabled: false, text: 'Far too long for twenty' }], channels, measure);
    expect(counts).toEqual([
      { channel: 'local', enabled: true, own: false, text: `Spring update ${PUBLIC_URL}/releases/d1`, length: 50, limit: 20 },
      { channel: 'mastodon', enabled: false, own: true, text: 'Far too long for twenty', length: 23, limit: 20, problem: 'over 20' },
    ]);
  });

  it('makes draft ids from the title that fit the release id pattern', () => {
    expect(newDraftId('Spring update: 2.0!', 'abcd1234')).toBe('spring-update-2-0-abcd1234');
    expect(newDraftId('日本語', 'abcd1234')).toBe('release-abcd1234');
    expect(newDraftId('Café', 'ab')).toBe('cafe-ab');
  });
});
