import { randomUUID } from 'node:crypto';
import { appendFileSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { SocialChannel } from '../../domain/social/ports';
import type { SocialMessage, SocialPostResult, SocialSummary } from '../../domain/social/social-post';
import { checkText, firstUrl, formatSummary, LOCAL_RULES } from '../../domain/social/format-summary';
import { SocialPostRejectedError } from '../../domain/social/errors';

/** One post the local channel has published. */
export interface LocalSocialPost {
  /** The remote id handed back from `post()`. */
  id: string;
  idempotencyKey: string;
  releaseId: string;
  channel: string;
  text: string;
  /** The first URL in the text: the release the post links to. */
  url?: string;
  postedAt: string;
}

export interface LocalChannelOptions {
  /** Posts are kept in `<dataDir>/social-posts.jsonl`. */
  dataDir: string;
  clock?: () => Date;
}

const FILE_NAME = 'social-posts.jsonl';

/**
 * A stand-in social channel for local runs and tests: posts are kept in memory and appended to
 * `<dataDir>/social-posts.jsonl`, which is read back on construction so they survive a restart.
 *
 * The release id and channel come from the idempotency key, built as `${releaseId}:${channel}` (see
 * `postIdempotencyKey`) and split at the last colon. Like Mastodon's `Idempotency-Key`, posting a key again returns the first post and stores
 * nothing. Texts longer than {@link LOCAL_RULES} allow are refused, as a real provider would.
 *
 * @example
 * const local = new LocalChannel({ dataDir: '.data' });
 * await local.post({ text: local.format(summary), summary, idempotencyKey: 'rel_1:local' }); // { remoteId: '…', url: 'local://social/…' }
 * local.list(); // [{ id, releaseId: 'rel_1', channel: 'local', text, url: summary.url, postedAt }]
 */
export class LocalChannel implements SocialChannel {
  readonly name = 'local';
  readonly idempotent = true;
  private readonly file: string;
  private readonly dataDir: string;
  private readonly clock: () => Date;
  private readonly posts: LocalSocialPost[] = [];
  private readonly byKey = new Map<string, LocalSocialPost>();

  constructor({ dataDir, clock = () => new Date() }: LocalChannelOptions) {
    this.dataDir = dataDir;
    this.file = join(dataDir, FILE_NAME);
    this.clock = clock;
    for (const post of readPosts(this.file)) this.remember(post);
  }

  format(summary: SocialSummary): string {
    return formatSummary(summary, LOCAL_RULES);
  }

  check(text: string): string | undefined {
    return checkText(text, LOCAL_RULES);
  }

  async post({ text, idempotencyKey }: SocialMessage): Promise<SocialPostResult> {
    const existing = this.byKey.get(idempotencyKey);
    if (existing) return resultOf(existing);

    const reason = this.check(text);
    if (reason) throw new SocialPostRejectedError(this.name, reason, { providerMessage: reason });

    const split = idempotencyKey.lastIndexOf(':');
    const post: LocalSocialPost = {
      id: randomUUID(),
      idempotencyKey,
      releaseId: split > 0 ? idempotencyKey.slice(0, split) : idempotencyKey,
      channel: split > 0 ? idempotencyKey.slice(split + 1) : this.name,
      text,
      url: firstUrl(text),
      postedAt: this.clock().toISOString(),
    };
    // Written synchronously, before anything else can run, so two concurrent posts with one key
    // cannot both pass the check above and a crash right after leaves the post on disk.
    mkdirSync(this.dataDir, { recursive: true });
    appendFileSync(this.file, `${JSON.stringify(post)}\n`);
    this.remember(post);
    return resultOf(post);
  }

  /** Every post, oldest first. */
  list(): LocalSocialPost[] {
    return this.posts.map((post) => ({ ...post }));
  }

  private remember(post: LocalSocialPost): void {
    if (this.byKey.has(post.idempotencyKey)) return;
    this.posts.push(post);
    this.byKey.set(post.idempotencyKey, post);
  }
}

function resultOf(post: LocalSocialPost): SocialPostResult {
  return { remoteId: post.id, url: `local://social/${post.id}` };
}

function readPosts(file: string): LocalSocialPost[] {
  let content: string;
  try {
    content = readFileSync(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
  return content.split('\n').flatMap((line) => {
    // A crash mid-append can leave a torn last line; it never held a confirmed post.
    try {
      const post = JSON.parse(line) as LocalSocialPost;
      return typeof post?.id === 'string' && typeof post.idempotencyKey === 'string' ? [post] : [];
    } catch {
      return [];
    }
  });
}
