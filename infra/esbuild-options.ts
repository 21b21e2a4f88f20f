import * as path from 'node:path';
import type { BuildOptions } from 'esbuild';
import type { BundlingOptions } from 'aws-cdk-lib/aws-lambda-nodejs';
import { bundlingFor, projectRoot } from './functions';

/**
 * The esbuild build that NodejsFunction runs for `bundlingFor(handlerName)`, as esbuild's own
 * options, for tests and benchmarks that inspect bundles without a CDK synth (a metafile of all
 * 22 functions in seconds). It maps only the bundling options Pressroom sets, the way
 * aws-cdk-lib's bundling.js turns them into CLI flags, and throws on any other: a new option must
 * be mapped here before a test can claim to see what the stack ships. Copying `templates/` (the
 * afterBundling hook) is a file copy, not part of the build.
 *
 * @example
 * const result = await esbuild.build({ ...esbuildOptionsFor('subscribe'), write: false, metafile: true });
 */
export function esbuildOptionsFor(handlerName: string, outdir: string, entry = path.join(projectRoot, 'functions', 'handlers', `${handlerName}.ts`)): BuildOptions {
  const bundling: BundlingOptions = bundlingFor(handlerName);
  const mapped = new Set(['format', 'target', 'minify', 'sourceMap', 'sourcesContent', 'mainFields', 'externalModules', 'esbuildArgs', 'logLevel', 'banner', 'commandHooks']);
  const unmapped = Object.keys(bundling).filter((key) => !mapped.has(key));
  if (unmapped.length) throw new Error(`esbuildOptionsFor does not map bundling option(s) ${unmapped.join(', ')} yet`);
  const args = { ...bundling.esbuildArgs };
  const aliases = args['--alias'];
  delete args['--alias'];
  if (Object.keys(args).length) throw new Error(`esbuildOptionsFor does not map esbuildArgs ${Object.keys(args).join(', ')} yet`);
  return {
    entryPoints: [entry],
    bundle: true,
    platform: 'node',
    absWorkingDir: projectRoot,
    format: bundling.format,
    target: bundling.target,
    outfile: path.join(outdir, bundling.format === 'esm' ? 'index.mjs' : 'index.js'),
    minify: bundling.minify,
    sourcemap: bundling.sourceMap,
    sourcesContent: bundling.sourcesContent,
    mainFields: bundling.mainFields,
    external: bundling.externalModules,
    alias: Object.fromEntries((Array.isArray(aliases) ? aliases : []).map((alias) => alias.split('=') as [string, string])),
    logLevel: bundling.logLevel,
    banner: bundling.banner ? { js: bundling.banner } : undefined,
  };
}
