import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestPressroom } from '../helpers/local-pressroom';
import { releaseBody } from '../helpers/releases';

/**
 * The staff CLI (`npm run publish-release`) run as staff run it, a child process under tsx, against
 * the local Pressroom: a post published from its page's URL arrives whole, and every failure is one
 * line on stderr with a non-zero exit code.
 */
const root = join(import.meta.dirname, '../..');
// A real WordPress article page (mozilla/readability's test page; see its NOTICE).
const wordpressPage = readFileSync(join(root, 'tests/fixtures/feeds/readability/source.html'));
const POST_PATH = '/stack-overflow-jobs-data-shows-reactjs-skills-in-high-demand-wordpress-market-oversaturated-with-developers';
const POST_ID = 'stack-overflow-jobs-data-shows-reactjs-skills-in-high-demand-wordpress-market-oversaturated-with-developers';
const POST_TITLE = 'Stack Overflow Jobs Data Shows ReactJS Skills in High Demand, WordPress Market Oversaturated with Developers';

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

describe('publish-release CLI (local stand-ins)', () => {
  let pressroom: Awaited<ReturnType<typeof startTestPressroom>>;
  let site: Server;
  let siteUrl: string;
  let dir: string;

  const cli = (args: string[], env: Record<string, string> = {}) =>
    new Promise<Run>((resolve) => {
      execFile(
        process.execPath,
        ['--import', 'tsx', 'functions/cli/publish-release.ts', ...args],
        { cwd: root, env: { ...process.env, PRESSROOM_WEBHOOK_SECRET: pressroom.secrets.webhookSecrets[0], ...env }, timeout: 60_000 },
        (error, stdout, stderr) => resolve({ code: error ? ((error as { code?: number }).code ?? null) : 0, stdout, stderr }),
      );
    });
  const expectOneLineFailure = (run: Run) => {
    expect(run.code).not.toBe(0);
    expect(run.code).not.toBeNull();
    expect(run.stderr.trimEnd().split('\n')).toHaveLength(1);
    expect(run.stderr).toMatch(/^publish-release: /);
    expect(run.stderr).not.toContain('    at ');
  };

  beforeAll(async () => {
    pressroom = await startTestPressroom();
    dir = mkdtempSync(join(tmpdir(), 'pressroom-cli-'));
    site = createServer((request, response) => {
      if (request.url === POST_PATH) response.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(wordpressPage);
      else response.writeHead(404).end();
    });
    await new Promise<void>((resolve) => site.listen(0, '127.0.0.1', resolve));
    siteUrl = `http://127.0.0.1:${(site.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await new Promise((resolve) => site?.close(resolve));
    await pressroom?.stop();
    pressroom?.cleanup();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('given a WordPress post served on this machine, when published --from-url, then the release arrives with its title, canonical URL and content', async () => {
    const run = await cli(['--from-url', `${siteUrl}${POST_PATH}`, '--lists', 'Press Releases', '--tags', 'jobs,WordPress', '--url', pressroom.url]);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('HTTP 202');

    const page = await (await fetch(`${pressroom.url}/releases/${POST_ID}`)).text();
    expect(page).toContain(POST_TITLE);
    // A sentence from the middle of the post's body: Readability's content, not the excerpt.
    expect(page).toContain('ranked WordPress among the most dreaded technologies');
    const stored = (await (
      await fetch(`${pressroom.url}/admin/releases/${POST_ID}`, { headers: { authorization: `Bearer ${pressroom.secrets.adminToken}` } })
    ).json()) as Record<string, unknown>;
    expect(JSON.stringify(stored)).toContain(`https://wptavern.com${POST_PATH}`);
    // --lists took the list's display name; the release names it by id.
    expect(JSON.stringify(stored)).toContain('"lists":["press-releases"]');
  });

  it('given --dry-run, then the release JSON built from the page is printed and nothing is sent', async () => {
    const run = await cli(['--from-url', `${siteUrl}${POST_PATH}`, '--lists', 'blog', '--id', 'wp-tavern', '--dry-run', '--url', pressroom.url]);
    expect(run.code).toBe(0);
    const release = JSON.parse(run.stdout);
    expect(release).toMatchObject({
      id: 'wp-tavern',
      title: POST_TITLE,
      url: `https://wptavern.com${POST_PATH}`,
      lists: ['blog'],
      language: 'en-US',
      publishedAt: '2017-03-09T23:16:02.000Z',
      summary: expect.stringMatching(/^Stack Overflow published its analysis of 2017 hiring trends/),
    });
    expect(release.html).toContain('ranked WordPress among the most dreaded technologies');
    expect((await fetch(`${pressroom.url}/releases/wp-tavern`)).status).toBe(404);
  });

  it('given --from-url without --lists, then it says lists are needed', async () => {
    const run = await cli(['--from-url', `${siteUrl}${POST_PATH}`, '--url', pressroom.url]);
    expectOneLineFailure(run);
    expect(run.stderr).toContain('--lists');
  });

  it('given a page that is not there, then the fetch failure is one line', async () => {
    const run = await cli(['--from-url', `${siteUrl}/no-such-post`, '--lists', 'blog', '--url', pressroom.url]);
    expectOneLineFailure(run);
    expect(run.stderr).toContain('answered 404');
  });

  it('given a file that does not exist, then one line names it', async () => {
    const run = await cli([join(dir, 'missing.json'), '--url', pressroom.url]);
    expectOneLineFailure(run);
    expect(run.stderr).toContain('missing.json: no such file');
  });

  it('given a file that is neither JSON nor Markdown, then one line says so', async () => {
    const notes = join(dir, 'notes.txt');
    writeFileSync(notes, 'hello');
    const broken = join(dir, 'broken.json');
    writeFileSync(broken, '{"id": ');
    for (const run of [await cli([notes, '--url', pressroom.url]), await cli([broken, '--url', pressroom.url])]) {
      expectOneLineFailure(run);
      expect(run.stderr).toMatch(/not a release file|not valid JSON/);
    }
  });

  it('given a Pressroom that is not running, then one line says it cannot be reached', async () => {
    // A port that was just free: nothing listens there.
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));
    const run = await cli(['examples/ice-retaliation.json', '--url', `http://127.0.0.1:${port}`]);
    expectOneLineFailure(run);
    expect(run.stderr).toContain('ECONNREFUSED');
  });

  it('given a release Pressroom refuses (400), then one line carries its message and each field issue', async () => {
    const file = join(dir, 'bad.json');
    writeFileSync(file, JSON.stringify(releaseBody({ id: 'bad-lists', lists: ['blog', 'no-such-list', 'nor-this'] })));
    const run = await cli([file, '--url', pressroom.url]);
    expectOneLineFailure(run);
    expect(run.stderr).toContain('Pressroom answered 400: Invalid request');
    expect(run.stderr).toContain('lists.1: unknown list "no-such-list"');
    expect(run.stderr).toContain('lists.2: unknown list "nor-this"');
  });
});
