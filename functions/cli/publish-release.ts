import { randomUUID } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, extname, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { PUBLIC_ONLY, PUBLIC_OR_LOOPBACK, isLoopbackAddress } from '../adapters/outbound/address-policy';
import { guardedFetcher } from '../adapters/outbound/guarded-fetch';
import { parseMarkdownRelease } from '../domain/release/markdown-file';
import { signWebhook } from '../domain/security/standard-webhooks';
import { CliError } from './cli-error';
import { releaseFromUrl } from './release-from-url';

/**
 * Staff CLI: publishes a release to a Pressroom API, signed exactly like a CMS webhook. The release
 * is a file (webhook JSON, or Markdown with YAML front matter) or a published post's page:
 *
 *   npm run publish-release -- release.md --url https://news.example.org
 *   npm run publish-release -- --from-url https://example.org/2026/12/spring-update/ --lists "Press Releases,blog"
 *
 * The secret comes from PRESSROOM_WEBHOOK_SECRET, or locally from the development secrets file.
 * Every failure is one line on stderr and a non-zero exit code.
 */

const USAGE = [
  'Usage: npm run publish-release -- <release.json|release.md> [--url URL] [--webhook-id ID] [--dry-run]',
  '       npm run publish-release -- --from-url https://… --lists a,b [--tags x,y] [--id ID] [--url URL] [--dry-run]',
].join('\n');
// A Pressroom that has not answered in this long is down or unreachable for this purpose.
const SEND_TIMEOUT_MS = 30_000;

/**
 * The publish body in a release file: `.json` as it is, `.md`/`.markdown` as front matter plus body.
 *
 * @throws CliError for a missing or unreadable file, another kind of file, or one that does not parse.
 * @example
 * releaseBodyFromFile('examples/ice-retaliation.md'); // { id: 'ice-retaliation-and-intimidation', …, markdown: '…' }
 */
export function releaseBodyFromFile(path: string, asTranslation = false): Record<string, unknown> {
  const kind = extname(path).toLowerCase();
  if (kind !== '.json' && kind !== '.md' && kind !== '.markdown') {
    throw new CliError(`${path}: not a release file (give a .json webhook body or a .md file with YAML front matter)`, 2);
  }
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new CliError(code === 'ENOENT' ? `${path}: no such file` : `${path}: cannot be read (${code ?? (error as Error).message})`);
  }
  try {
    if (kind === '.json') {
      const body: unknown = JSON.parse(text);
      if (!body || typeof body !== 'object' || Array.isArray(body)) throw new Error('expected one JSON object');
      return body as Record<string, unknown>;
    }
    const { frontMatter, markdown } = parseMarkdownRelease(text);
    // A translation's own `translations` are not followed: two files naming each other would loop.
    return { ...frontMatter, ...(asTranslation ? {} : translationsFrom(frontMatter, path)), markdown };
  } catch (error) {
    if (error instanceof CliError) throw error;
    throw new CliError(`${path}: not valid ${kind === '.json' ? 'JSON' : 'Markdown with YAML front matter'} (${oneLine((error as Error).message)})`);
  }
}

/**
 * A Markdown release's `translations`: each entry a path (relative to the release file) of a Markdown
 * file whose front matter gives its `language`, `title` and maybe `summary`, or an object passed on
 * as it is (the API checks both alike).
 *
 *   translations:
 *     - spring-update.es.md
 */
function translationsFrom(frontMatter: Record<string, unknown>, releasePath: string): { translations?: unknown[] } {
  const entries = frontMatter.translations;
  if (!Array.isArray(entries)) return {};
  return {
    translations: entries.map((entry) => {
      if (typeof entry !== 'string') return entry;
      const file = resolve(dirname(releasePath), entry);
      const translation = releaseBodyFromFile(file, true);
      // Only what a translation carries: an `id` or `lists` in its front matter would be refused.
      const { language, title, summary, markdown } = translation;
      return { language, title, ...(summary !== undefined ? { summary } : {}), markdown };
    }),
  };
}

/**
 * POSTs a publish body to `{url}/webhooks/releases`, signed with Standard Webhooks.
 *
 * @throws CliError when Pressroom cannot be reached (refused, unknown host, timeout).
 * @example
 * const { status, body } = await sendRelease(body, { url: 'http://localhost:3000', secret });
 */
export async function sendRelease(release: Record<string, unknown>, options: { url: string; secret: string; webhookId?: string }) {
  const body = JSON.stringify(release);
  const id = options.webhookId ?? `msg_${randomUUID()}`;
  const timestamp = Math.floor(Date.now() / 1000);
  const endpoint = `${options.url.replace(/\/$/, '')}/webhooks/releases`;
  const headers = {
    'content-type': 'application/json',
    'webhook-id': id,
    'webhook-timestamp': String(timestamp),
    'webhook-signature': signWebhook(options.secret, id, timestamp, body),
  };
  let response: Response;
  try {
    response = await fetch(endpoint, {
      method: 'POST',
      headers,
      body,
      signal: AbortSignal.timeout(SEND_TIMEOUT_MS),
    });
  } catch (error) {
    throw new CliError(`Could not reach Pressroom at ${options.url}: ${whyUnreachable(error)}`);
  }
  return { status: response.status, body: (await response.json().catch(() => undefined)) as unknown };
}

/**
 * One line saying why Pressroom refused a release: its message, then each field issue (400) or
 * blocking finding (422).
 *
 * @example
 * refusalLine(400, { message: 'Invalid request', issues: [{ field: 'lists.0', message: 'unknown list "x"' }] });
 * // 'Pressroom answered 400: Invalid request: lists.0: unknown list "x"'
 */
export function refusalLine(status: number, body: unknown): string {
  const answer = (body && typeof body === 'object' ? body : {}) as {
    message?: unknown;
    issues?: { field?: unknown; message?: unknown }[];
    moreIssues?: unknown;
    findings?: { severity?: unknown; message?: unknown }[];
  };
  const details = [
    ...(Array.isArray(answer.issues) ? answer.issues.map((i) => `${String(i.field)}: ${String(i.message)}`) : []),
    ...(typeof answer.moreIssues === 'number' ? [`and ${answer.moreIssues} more`] : []),
    ...(Array.isArray(answer.findings) ? answer.findings.filter((f) => f.severity === 'blocking').map((f) => String(f.message)) : []),
  ];
  const message = typeof answer.message === 'string' ? answer.message : 'no explanation given';
  return oneLine(`Pressroom answered ${status}: ${message}${details.length ? `: ${details.join('; ')}` : ''}`);
}

function whyUnreachable(error: unknown): string {
  if (error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError')) return `no answer within ${SEND_TIMEOUT_MS / 1000} s`;
  // undici wraps the socket's error: `fetch failed`, caused by ECONNREFUSED, ENOTFOUND…
  const cause = (error as { cause?: { code?: string; message?: string } }).cause;
  const reasons: Record<string, string> = {
    ECONNREFUSED: 'connection refused (is it running?)',
    ENOTFOUND: 'unknown host',
    EAI_AGAIN: 'the host name could not be resolved',
    ECONNRESET: 'the connection was reset',
  };
  if (cause?.code) return `${reasons[cause.code] ?? cause.message ?? 'network error'} (${cause.code})`;
  return oneLine(cause?.message ?? (error instanceof Error ? error.message : String(error)));
}

function secretFromEnvOrDataDir(): string {
  if (process.env.PRESSROOM_WEBHOOK_SECRET) return process.env.PRESSROOM_WEBHOOK_SECRET;
  const file = resolve(process.env.PRESSROOM_DATA_DIR ?? '.data', 'dev-secrets.json');
  if (existsSync(file)) return JSON.parse(readFileSync(file, 'utf8')).webhookSecret;
  throw new CliError('Set PRESSROOM_WEBHOOK_SECRET (the whsec_… secret of the Pressroom you publish to)');
}

/**
 * Loopback Pressroom means local mode (`npm start`, tests): the post may then be served from this
 * machine over plain http too, as the local runner's own fetches allow. Otherwise public https only.
 */
function pagePolicyFor(pressroomUrl: string) {
  const host = new URL(pressroomUrl).hostname.replace(/^\[(.*)\]$/, '$1');
  return host === 'localhost' || isLoopbackAddress(host) ? PUBLIC_OR_LOOPBACK : PUBLIC_ONLY;
}

const commaList = (value: string | undefined) => (value ?? '').split(',').map((s) => s.trim()).filter(Boolean);

function oneLine(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}

/** Runs the CLI on its arguments; answers the exit code. Writes the answer to stdout, failures to stderr. */
export async function main(args: string[]): Promise<number> {
  try {
    const { values, positionals } = parseCommandLine(args);
    if (!URL.canParse(values.url)) throw new CliError(`--url: not a URL: ${values.url}`, 2);
    let release: Record<string, unknown>;
    if (values['from-url']) {
      if (positionals.length) throw new CliError(`give a file or --from-url, not both\n${USAGE}`, 2);
      const lists = commaList(values.lists);
      if (!lists.length) throw new CliError('--from-url needs --lists (the lists to send to, e.g. --lists "Press Releases,blog")', 2);
      const fetchPage = guardedFetcher({ policy: pagePolicyFor(values.url) });
      release = await releaseFromUrl(values['from-url'], { id: values.id, lists, tags: commaList(values.tags) }, fetchPage);
    } else {
      if (positionals.length !== 1) throw new CliError(USAGE, 2);
      release = releaseBodyFromFile(positionals[0]);
    }
    if (values['dry-run']) {
      console.log(JSON.stringify(release, null, 2));
      return 0;
    }
    const result = await sendRelease(release, { url: values.url, secret: secretFromEnvOrDataDir(), webhookId: values['webhook-id'] });
    if (result.status >= 300) throw new CliError(refusalLine(result.status, result.body));
    console.log(`HTTP ${result.status}`, JSON.stringify(result.body, null, 2));
    return 0;
  } catch (error) {
    // Staff read one line; a stack trace is for the code's authors, who can run it under a debugger.
    console.error(`publish-release: ${error instanceof CliError ? error.message : oneLine(error instanceof Error ? error.message : String(error))}`);
    return error instanceof CliError ? error.exitCode : 1;
  }
}

function parseCommandLine(args: string[]) {
  try {
    return parseArgs({
      args,
      allowPositionals: true,
      options: {
        url: { type: 'string', default: `http://localhost:${process.env.PORT ?? 3000}` },
        'webhook-id': { type: 'string' },
        'from-url': { type: 'string' },
        lists: { type: 'string' },
        tags: { type: 'string' },
        id: { type: 'string' },
        'dry-run': { type: 'boolean', default: false },
      },
    });
  } catch (error) {
    throw new CliError(`${(error as Error).message}\n${USAGE}`, 2);
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  process.exit(await main(process.argv.slice(2)));
}
