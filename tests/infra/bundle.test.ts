import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { afterAll, describe, expect, it } from 'vitest';
import { pressroomFunction } from '../../infra/functions';

/**
 * Bundles two handlers exactly as the stack does (NodejsFunction + esbuild, ESM, node22) and loads
 * each bundle in a fresh Node process. Fan-out is the heaviest: it renders with mjml, which loads
 * CommonJS modules at run time and reads templates from beside the bundle. Subscribe sends only the
 * precompiled confirmation email, so it ships no templates.
 */
const outdir = mkdtempSync(join(tmpdir(), 'pressroom-bundle-'));
afterAll(() => rmSync(outdir, { recursive: true, force: true }));

describe('Lambda bundle', () => {
  it('bundles fan-out with its templates and subscribe without, and both bundles load', () => {
    const app = new App({ outdir });
    const stack = new Stack(app, 'BundleTest', { env: { region: 'us-east-1' } });
    pressroomFunction(stack, 'fan-out', { environment: {} });
    pressroomFunction(stack, 'subscribe', { environment: {} });
    app.synth();

    const functions = Template.fromStack(stack).findResources('AWS::Lambda::Function');
    const assetDir = (idPrefix: string) => {
      const [, fn] = Object.entries(functions).find(([id]) => id.startsWith(idPrefix))!;
      const hash = String((fn.Properties.Code as { S3Key: string }).S3Key).replace(/\.zip$/, '');
      return join(outdir, `asset.${hash}`);
    };
    const fanOut = assetDir('FanOutFunction');
    const subscribe = assetDir('SubscribeFunction');
    expect(existsSync(join(fanOut, 'templates', 'release.mjml'))).toBe(true);
    expect(existsSync(join(subscribe, 'templates'))).toBe(false);

    for (const dir of [fanOut, subscribe]) {
      expect(existsSync(join(dir, 'index.mjs')), `${dir}/index.mjs`).toBe(true);
      const loaded = spawnSync(
        process.execPath,
        ['--input-type=module', '-e', `const m = await import(${JSON.stringify(join(dir, 'index.mjs'))}); console.log(typeof m.handler);`],
        { encoding: 'utf8', cwd: dir },
      );
      expect(loaded.stderr).not.toMatch(/Error/);
      expect(loaded.stdout.trim()).toBe('function');
    }
  }, 180_000);
});
