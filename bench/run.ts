/**
 * `npm run bench [-- --only <name>[,<name>…]]`: runs the issue 4 benchmarks in one process and prints a
 * machine header and one table per figure. Exits non-zero when a benchmark's correctness checks
 * fail, never because of a timing.
 */
import { describeMachine } from './machine';
import type { BenchResult } from './result';

interface Benchmark {
  name: string;
  figure: number | string;
  title: string;
  /** Loaded lazily so `--only` does not pay for the others' imports (mjml alone is ~300 ms). */
  load?: () => Promise<{ run(): Promise<BenchResult> }>;
  /** Why a figure is not measured yet. */
  pending?: string;
}

// Figures 2–4 are hooks: add `bench/<name>.ts` exporting `run(): Promise<BenchResult>` and replace
// `pending` with `load`. See bench/README.md.
const BENCHMARKS: Benchmark[] = [
  { name: 'per-recipient', figure: 1, title: 'Per-recipient preparation vs a general MIME builder', load: () => import('./per-recipient') },
  { name: 'local-send', figure: 2, title: 'End-to-end local send of 10,000 at 200 msg/s', load: () => import('./local-send') },
  { name: 'engine-send', figure: '2b', title: 'The delivery engine at 200 msg/s with in-memory stores', load: () => import('./engine-send') },
  { name: 'fan-out-planning', figure: 3, title: 'Fan-out planning for 10,000 and 100,000: wall time, peak RSS', load: () => import('./fan-out-planning') },
  // After local-send: it prices that run's counts rather than sending again.
  { name: 'cost-model', figure: 4, title: 'Cost model: $ per 1,000 emails beside SES', load: () => import('./cost-model') },
  { name: 'cold-start', figure: 5, title: 'Cold start: bundle size and import time per function', load: () => import('./cold-start') },
  { name: 'million', figure: 7, title: 'A million subscribers on two lists at 1,000 msg/s: planning, send time, pacer, concurrency, bill', load: () => import('./million') },
  { name: 'first-email', figure: 8, title: 'Webhook to first email on AWS, every function cold (modelled)', load: () => import('./first-email') },
];

/** `--only a` or `--only a,b`: those benchmarks, in the usual order (cost-model after local-send prices its run). */
function parseArgs(argv: string[]): { only?: Set<string> } {
  const at = argv.indexOf('--only');
  if (at === -1) return {};
  const names = (argv[at + 1] ?? '').split(',').filter(Boolean);
  if (!names.length || !names.every((name) => BENCHMARKS.some((b) => b.name === name))) {
    throw new Error(`--only needs one or more (comma-separated) of: ${BENCHMARKS.map((b) => b.name).join(', ')}`);
  }
  return { only: new Set(names) };
}

function printTable(result: BenchResult): void {
  const rows = result.rows.map((r) => [r.metric, r.value, r.target ?? '']);
  const widths = [0, 1, 2].map((c) => Math.max(...rows.map((r) => r[c].length), ['metric', 'value', 'target'][c].length));
  const line = (cells: string[]) => `  ${cells.map((cell, c) => cell.padEnd(widths[c])).join('  ').trimEnd()}`;
  console.log(`\n${result.title}`);
  console.log(line(['metric', 'value', 'target']));
  console.log(line(widths.map((w) => '-'.repeat(w))));
  for (const row of rows) console.log(line(row));
  for (const note of result.notes) console.log(`  note: ${note}`);
  if (result.failures.length) {
    console.log(`  FAILED checks (${result.failures.length}):`);
    for (const failure of result.failures) console.log(`    - ${failure}`);
  }
}

async function main(): Promise<void> {
  // The handlers log each job through Powertools; at 10,000 emails that is noise (and CPU) here.
  // Set before the benchmarks are imported, since the logger reads it when created.
  process.env.POWERTOOLS_LOG_LEVEL ??= 'ERROR';
  const { only } = parseArgs(process.argv.slice(2));
  const machine = describeMachine();
  console.log(`# machine: ${machine.cpu} | cores (availableParallelism): ${machine.cores} | ${machine.memoryGiB} GiB | load ${machine.load1} | node ${machine.node} ${machine.platform} | ${machine.date}`);

  let failed = 0;
  for (const bench of BENCHMARKS.filter((b) => !only || only.has(b.name))) {
    if (!bench.load) {
      console.log(`\nFigure ${bench.figure} (${bench.name}): ${bench.title}\n  not measured yet: ${bench.pending}`);
      continue;
    }
    const result = await (await bench.load()).run();
    printTable(result);
    failed += result.failures.length;
  }
  if (failed) {
    console.error(`\n${failed} correctness check(s) failed`);
    process.exitCode = 1;
  }
}

await main();
