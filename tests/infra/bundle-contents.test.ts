import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build, type Metafile } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { projectRoot, RENDERS_MJML } from '../../infra/functions';
import { esbuildOptionsFor } from '../../infra/esbuild-options';
import { functionNames, partsOf } from '../../functions/runtime/function-specs';
import { MjmlRenderer } from '../../functions/adapters/render/mjml-renderer';
import { newRelease, ReleaseKind, type Release } from '../../functions/domain/release/release';
import { parseReleaseInput } from '../../functions/domain/release/release-input';
import { sampleRelease } from '../helpers/releases';

/**
 * What each Lambda bundle carries, from esbuild's metafile of every handler built with the stack's
 * bundling options (infra/esbuild-options.ts): the TypeScript compiler nowhere, and each heavy part
 * of the wiring exactly where its declaration's `parts` says the function uses it — the MJML toolchain with the
 * renderer, html-to-text with the renderer or system emails, twitter-text with the social channels.
 * So a listed part that the entry file does not pass fails here, as does a part passed but not listed.
 */
const handlers: string[] = [...functionNames].sort();
const MJML_TOOLCHAIN = /node_modules\/(mjml[^/]*|juice|cheerio|html-minifier[^/]*|htmlnano|web-resource-inliner)\//;
const COMPILER = /node_modules\/(typescript|cosmiconfig)\//;
const outdir = mkdtempSync(join(tmpdir(), 'pressroom-contents-'));
afterAll(() => rmSync(outdir, { recursive: true, force: true }));

const packagesIn = (metafile: Metafile, pattern: RegExp) =>
  [...new Set(Object.keys(metafile.inputs).flatMap((input) => input.match(pattern)?.[1] ?? []))].sort();

describe('what each Lambda bundle carries', () => {
  const metafiles = new Map<string, Metafile>();
  beforeAll(async () => {
    await Promise.all(
      handlers.map(async (name) => {
        const result = await build({ ...esbuildOptionsFor(name, join(outdir, name)), write: false, metafile: true, sourcemap: false });
        metafiles.set(name, result.metafile);
      }),
    );
  }, 120_000);

  it.each(handlers)('%s: no TypeScript compiler, and exactly the parts it lists', (name) => {
    const metafile = metafiles.get(name)!;
    const parts = partsOf(name);
    expect(packagesIn(metafile, COMPILER)).toEqual([]);
    if (RENDERS_MJML.has(name)) expect(packagesIn(metafile, MJML_TOOLCHAIN)).toContain('mjml-core');
    else expect(packagesIn(metafile, MJML_TOOLCHAIN)).toEqual([]);
    const makesText = parts.includes('renderer') || parts.includes('systemEmails');
    expect(packagesIn(metafile, /node_modules\/(html-to-text)\//).length > 0, 'html-to-text').toBe(makesText);
    expect(packagesIn(metafile, /node_modules\/(twitter-text)\//).length > 0, 'twitter-text').toBe(parts.includes('channels'));
    expect(packagesIn(metafile, /node_modules\/@aws-sdk\/(client-s3|s3-request-presigner|lib-storage)\//).length > 0, 'the S3 client').toBe(parts.includes('files'));
  });

  it('renders the sample release and a digest from a bundle exactly as from node_modules (stubbed modules never run)', async () => {
    const brand = { organisationName: "America's Voice", postalAddress: '1 Main St', accentColour: '#b3261e' };
    const release = newRelease({ publishedAt: '2026-03-20T15:00:00Z', ...parseReleaseInput(sampleRelease(), new Set(['blog', 'press-releases'])) }, new Date('2026-03-21T08:00:00Z'));
    const digest: Release = {
      ...release,
      id: 'digest-2026-12',
      kind: ReleaseKind.Digest,
      digest: { from: '2026-03-16T00:00:00Z', to: '2026-03-23T00:00:00Z', items: [{ id: release.id, title: release.title, url: release.url, summary: 'A summary & more', publishedAt: release.publishedAt }] },
    };
    const options = { templatesDir: join(projectRoot, 'templates'), brand, publicUrl: 'https://news.example.org' };
    const entry = join(outdir, 'render-entry.ts');
    const bundleDir = join(outdir, 'render');
    const source = `import { MjmlRenderer } from ${JSON.stringify(join(projectRoot, 'functions/adapters/render/mjml-renderer'))};
const renderer = new MjmlRenderer(${JSON.stringify(options)});
const emails = [await renderer.render(${JSON.stringify(release)}), await renderer.render(${JSON.stringify(digest)})];
process.stdout.write(JSON.stringify(emails));`;
    writeFileSync(entry, source);
    await build(esbuildOptionsFor('fan-out', bundleDir, entry));
    const run = spawnSync(process.execPath, [join(bundleDir, 'index.mjs')], { encoding: 'utf8', cwd: bundleDir });
    expect(run.stderr).not.toMatch(/Error/);
    const renderer = new MjmlRenderer(options);
    expect(JSON.parse(run.stdout)).toEqual([await renderer.render(release), await renderer.render(digest)]);
  }, 60_000);
});
