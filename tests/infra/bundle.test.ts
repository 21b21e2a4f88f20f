import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App, Stack } from 'aws-cdk-lib';
import { afterAll, describe, expect, it } from 'vitest';
import { pressroomFunction } from '../../infra/functions';

/**
 * Bundles one handler exactly as the stack does (NodejsFunction + esbuild, ESM, node22) and loads the
 * bundle in a fresh Node process. The fan-out handler is the heaviest: it pulls in mjml, which loads
 * CommonJS modules at run time and reads templates from disk.
 */
const outdir = mkdtempSync(join(tmpdir(), 'pressroom-bundle-'));
afterAll(() => rmSync(outdir, { recursive: true, force: true }));

describe('Lambda bundle', () => {
  it('bundles the fan-out handler with its templates, and the bundle loads', () => {
    const app = new App({ outdir });
    const stack = new Stack(app, 'BundleTest', { env: { region: 'us-east-1' } });
    pressroomFunction(stack, 'fan-out', { environment: {} });
    app.synth();

    const assetDir = readdirSync(outdir)
      .map((name) => join(outdir, name))
      .find((dir) => existsSync(join(dir, 'index.mjs')));
    expect(assetDir, 'an asset folder with index.mjs').toBeDefined();
    expect(existsSync(join(assetDir!, 'templates', 'release.mjml'))).toBe(true);

    const loaded = spawnSync(
      process.execPath,
      ['--input-type=module', '-e', `const m = await import(${JSON.stringify(join(assetDir!, 'index.mjs'))}); console.log(typeof m.handler);`],
      { encoding: 'utf8', cwd: assetDir },
    );
    expect(loaded.stderr).not.toMatch(/Error/);
    expect(loaded.stdout.trim()).toBe('function');
  }, 180_000);
});
