import { fileURLToPath } from 'node:url';
import * as path from 'node:path';
import { Duration } from 'aws-cdk-lib';
import { Architecture, Runtime, Tracing } from 'aws-cdk-lib/aws-lambda';
import { LogLevel, NodejsFunction, OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';
import { memoryMbOf, timeoutSecondsOf } from '../functions/runtime/function-specs';

/** The repository root: entries, the lockfile and `templates/` are found from here. */
export const projectRoot = fileURLToPath(new URL('..', import.meta.url));

/**
 * The timeout of a handler's function, from its declaration (functions/runtime/function-specs.ts).
 * Queue settings derive from it (visibility timeout ≥ 6×), so it is looked up there rather than
 * read back from a built function.
 */
export function timeoutFor(handlerName: string): Duration {
  return Duration.seconds(timeoutSecondsOf(handlerName));
}

export interface PressroomFunctionProps {
  /** Variables the runtime config reads; every function gets the same set. */
  environment: Record<string, string>;
}

/** `publish-release` → `PublishRelease`, for construct ids. */
export function pascalCase(name: string): string {
  return name.replace(/(^|[-_\s]+)(\w)/g, (_, _sep: string, c: string) => c.toUpperCase());
}

/**
 * One Lambda function for the handler module `functions/handlers/<handlerName>.ts`, bundled by
 * the local esbuild as a single ESM file.
 *
 * mjml bundles and renders correctly from the single file. One caveat if the renderer ever passes
 * `minify: true`: htmlnano probes for `cssnano`/`postcss` with a dynamic `import(name)` that no
 * bundler follows, so CSS minification would be skipped with a console warning. Shipping mjml via
 * `nodeModules` avoids that, but runs `npm ci` against the registry on every synth.
 *
 * @example
 * const fn = pressroomFunction(this, 'send-email', { environment });
 */
export function pressroomFunction(scope: Construct, handlerName: string, props: PressroomFunctionProps): NodejsFunction {
  const id = pascalCase(handlerName);
  const logGroup = new LogGroup(scope, `${id}Logs`, { retention: RetentionDays.ONE_MONTH });
  return new NodejsFunction(scope, `${id}Function`, {
    entry: path.join(projectRoot, 'functions', 'handlers', `${handlerName}.ts`),
    handler: 'handler',
    projectRoot,
    depsLockFilePath: path.join(projectRoot, 'package-lock.json'),
    runtime: Runtime.NODEJS_22_X,
    architecture: Architecture.ARM_64,
    memorySize: memoryMbOf(handlerName),
    timeout: timeoutFor(handlerName),
    tracing: Tracing.ACTIVE,
    logGroup,
    environment: {
      ...props.environment,
      // The wiring reads its own declaration by this name (e.g. a read-only function seeds nothing).
      PRESSROOM_FUNCTION: handlerName,
      POWERTOOLS_SERVICE_NAME: 'pressroom',
      NODE_OPTIONS: '--enable-source-maps',
    },
    bundling: {
      format: OutputFormat.ESM,
      target: 'node22',
      minify: true,
      sourceMap: true,
      // Stack traces need the mappings only; embedding every dependency's source would triple the map.
      sourcesContent: false,
      mainFields: ['module', 'main'],
      // Bundle the AWS SDK too rather than use the copy in the Lambda runtime: the functions then run
      // the exact versions package-lock.json pins and the tests exercise.
      externalModules: [],
      logLevel: LogLevel.WARNING,
      // CommonJS dependencies (mjml, middy's helpers) call `require`, which an ES module lacks.
      banner: "import { createRequire } from 'module';const require = createRequire(import.meta.url);",
      // The renderer reads MJML templates and partials from disk: ship them next to the bundle, so
      // `templates/` relative to the working directory (/var/task on Lambda, the repo root locally)
      // resolves in both places.
      commandHooks: {
        beforeBundling: () => [],
        beforeInstall: () => [],
        afterBundling: (inputDir: string, outputDir: string) => [
          `if [ -d "${inputDir}/templates" ]; then cp -R "${inputDir}/templates" "${outputDir}/templates"; fi`,
        ],
      },
    },
  });
}
