/**
 * Figure 5: cold start. Builds every function's bundle exactly as the stack does — a CDK synth
 * through `pressroomFunction`, the code path of infra/pressroom-stack.ts, NodejsFunction running the
 * local esbuild — plus a yardstick bundle of the DynamoDB client alone (bench/cold-start-baseline.ts)
 * with the same bundling options. For each it prints the minified bundle size, the asset folder
 * zipped as CDK uploads it (the `zip` tool at -9 over the folder; CDK's own archiver may differ by
 * a little), and the time to `await import()` the bundle in a fresh `node` process with the asset
 * folder as working directory: median of `runs`, taken round-robin over all bundles so a burst of
 * load on the machine hits every bundle alike.
 *
 * Targets (the issue's): functions that do not render MJML import within 2× the yardstick's median;
 * those that do within 250 ms. Timings are printed, never asserted; a bundle that fails to load, or
 * a non-rendering function shipping templates, is a failed check.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { Runtime } from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import { bundlingFor, pascalCase, pressroomFunction, projectRoot, RENDERS_MJML } from '../infra/functions';
import { queueConsumers, routes, schedules } from '../functions/runtime/routes';
import { summarise, type BenchResult, type BenchRow } from './result';

export interface ColdStartOptions {
  /** Handlers to build; default every handler the stack deploys. */
  functions: string[];
  /** Fresh-process imports per bundle; the median is reported. */
  runs: number;
}

const BASELINE = 'dynamodb-client-only';
const NON_MJML_FACTOR = 2;
const MJML_TARGET_MS = 250;

export const stackHandlers = () => [...new Set([...routes, ...queueConsumers, ...schedules].map((entry) => entry.handler))].sort();

const DEFAULTS: ColdStartOptions = { functions: stackHandlers(), runs: 5 };

export interface Bundle {
  name: string;
  dir: string;
}

/** Synthesises one stack with the functions and the yardstick; returns each asset folder. */
export function buildBundles(functions: string[], outdir: string): Bundle[] {
  const app = new App({ outdir });
  const stack = new Stack(app, 'ColdStart', { env: { region: 'us-east-1' } });
  for (const name of functions) pressroomFunction(stack, name, { environment: {} });
  new NodejsFunction(stack, `${pascalCase(BASELINE)}Function`, {
    entry: join(projectRoot, 'bench', 'cold-start-baseline.ts'),
    handler: 'handler',
    projectRoot,
    depsLockFilePath: join(projectRoot, 'package-lock.json'),
    runtime: Runtime.NODEJS_22_X,
    bundling: bundlingFor(BASELINE),
  });
  app.synth();
  const resources = Template.fromStack(stack).findResources('AWS::Lambda::Function');
  return [...functions, BASELINE].map((name) => {
    const [, fn] = Object.entries(resources).find(([id]) => id.startsWith(`${pascalCase(name)}Function`))!;
    const key = String((fn.Properties.Code as { S3Key: string }).S3Key);
    return { name, dir: join(outdir, `asset.${key.replace(/\.zip$/, '')}`) };
  });
}

const CHILD = `const started = performance.now();
const module = await import(process.argv[1]);
const ms = performance.now() - started;
console.log(JSON.stringify({ ms, handler: typeof module.handler }));`;

/** One import of the bundle in a fresh process; a failed import is an error string. */
export function importOnce(dir: string): { ms: number } | { error: string } {
  const child = spawnSync(process.execPath, ['--input-type=module', '-e', CHILD, pathToFileURL(join(dir, 'index.mjs')).href], {
    cwd: dir,
    encoding: 'utf8',
    env: { PATH: process.env.PATH, AWS_REGION: 'us-east-1' },
  });
  const line = child.stdout.trim().split('\n').pop() ?? '';
  try {
    const { ms, handler } = JSON.parse(line) as { ms: number; handler: string };
    if (handler !== 'function') return { error: `exports no handler function (${handler})` };
    return { ms };
  } catch {
    return { error: `import failed: ${(child.stderr || line).trim().split('\n').slice(0, 3).join(' | ')}` };
  }
}

function folderBytes(dir: string): number {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .reduce((sum, entry) => sum + statSync(join(entry.parentPath, entry.name)).size, 0);
}

function zippedBytes(dir: string, scratch: string): number {
  const zip = join(scratch, `${Math.random().toString(36).slice(2)}.zip`);
  execFileSync('zip', ['-q', '-r', '-9', '-X', zip, '.'], { cwd: dir });
  const bytes = statSync(zip).size;
  rmSync(zip);
  return bytes;
}

const mb = (bytes: number) => `${(bytes / 1e6).toFixed(2)} MB`;
const load = () => loadavg().map((x) => x.toFixed(2)).join(' ');

export async function run(options: Partial<ColdStartOptions> = {}): Promise<BenchResult> {
  const { functions, runs } = { ...DEFAULTS, ...options };
  const outdir = mkdtempSync(join(tmpdir(), 'pressroom-cold-start-'));
  const failures: string[] = [];
  const values: Record<string, number> = {};
  const rows: BenchRow[] = [];
  try {
    const started = performance.now();
    const bundles = buildBundles(functions, outdir);
    const buildSeconds = (performance.now() - started) / 1000;

    const loadBefore = load();
    const samples = new Map(bundles.map((b) => [b.name, [] as number[]]));
    for (let i = 0; i < runs; i++) {
      for (const bundle of bundles) {
        const result = importOnce(bundle.dir);
        if ('error' in result) {
          if (i === 0) failures.push(`${bundle.name}: ${result.error}`);
        } else samples.get(bundle.name)!.push(result.ms);
      }
    }
    const loadAfter = load();

    const median = (name: string) => (samples.get(name)!.length ? summarise(samples.get(name)!).median : Number.NaN);
    const baselineMs = median(BASELINE);
    // The yardstick's own median drifts with the machine (42–58 ms here over an afternoon); a bundle
    // against the yardstick imported in the same round cancels most of that drift. The 2× verdict
    // reads the median of these per-round ratios.
    const ratio = (name: string) => {
      const own = samples.get(name)!;
      const yardstick = samples.get(BASELINE)!;
      const perRound = own.map((ms, i) => ms / yardstick[i]).filter(Number.isFinite);
      return perRound.length ? summarise(perRound).median : Number.NaN;
    };
    for (const bundle of bundles) {
      const renders = RENDERS_MJML.has(bundle.name);
      const isBaseline = bundle.name === BASELINE;
      if (!isBaseline && !renders && existsSync(join(bundle.dir, 'templates'))) failures.push(`${bundle.name} does not render but ships templates/`);
      const bundleBytes = statSync(join(bundle.dir, 'index.mjs')).size;
      const zipBytes = zippedBytes(bundle.dir, outdir);
      const ms = median(bundle.name);
      Object.assign(values, { [`${bundle.name}.bundleBytes`]: bundleBytes, [`${bundle.name}.folderBytes`]: folderBytes(bundle.dir), [`${bundle.name}.zipBytes`]: zipBytes, [`${bundle.name}.importMs`]: ms });
      const limit = isBaseline ? undefined : renders ? MJML_TARGET_MS : NON_MJML_FACTOR * baselineMs;
      const within = renders ? ms <= MJML_TARGET_MS : ratio(bundle.name) <= NON_MJML_FACTOR;
      const verdict = limit === undefined ? '' : within ? 'ok' : 'OVER';
      values[`${bundle.name}.ratio`] = ratio(bundle.name);
      rows.push({
        metric: `${bundle.name}${renders ? ' (MJML)' : ''}`,
        value: `${mb(bundleBytes)} min · ${mb(zipBytes)} zip · import ${ms.toFixed(0)} ms`,
        target: isBaseline
          ? 'yardstick'
          : renders
            ? `≤ ${MJML_TARGET_MS} ms: ${verdict}, ${ratio(bundle.name).toFixed(1)}× yardstick`
            : `≤ ${NON_MJML_FACTOR}× yardstick: ${verdict}, ${ratio(bundle.name).toFixed(2)}× (median of per-round ratios)`,
      });
    }
    const nonMjml = functions.filter((name) => !RENDERS_MJML.has(name));
    const mjml = functions.filter((name) => RENDERS_MJML.has(name));
    values.baselineMs = baselineMs;
    values.nonMjmlWithin = nonMjml.filter((name) => ratio(name) <= NON_MJML_FACTOR).length;
    values.mjmlWithin = mjml.filter((name) => median(name) <= MJML_TARGET_MS).length;
    rows.push(
      { metric: 'non-MJML functions within target', value: `${values.nonMjmlWithin} of ${nonMjml.length}`, target: `≤ ${NON_MJML_FACTOR}× the yardstick of the same round (its median: ${baselineMs.toFixed(0)} ms)` },
      { metric: 'MJML functions within target', value: `${values.mjmlWithin} of ${mjml.length}`, target: `≤ ${MJML_TARGET_MS} ms` },
      { metric: 'machine load (1/5/15 min)', value: `${loadBefore} before imports, ${loadAfter} after` },
    );
    return {
      name: 'cold-start',
      title: `Figure 5: cold start — ${bundles.length} bundles built by CDK synth (${buildSeconds.toFixed(0)} s), import median of ${runs} fresh processes`,
      rows,
      values,
      failures,
      notes: [
        'import = `await import(index.mjs)` in a fresh node with cwd the asset folder, without --enable-source-maps (Lambda sets it; see docs/benchmarks.md)',
        'zip = `zip -9` of the whole asset folder (bundle, source map, templates where shipped)',
      ],
    };
  } finally {
    rmSync(outdir, { recursive: true, force: true });
  }
}
