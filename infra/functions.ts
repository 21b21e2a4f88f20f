import { fileURLToPath } from 'node:url';
import * as path from 'node:path';
import { Duration } from 'aws-cdk-lib';
import { Architecture, Runtime, Tracing } from 'aws-cdk-lib/aws-lambda';
import { LogLevel, NodejsFunction, OutputFormat, type BundlingOptions } from 'aws-cdk-lib/aws-lambda-nodejs';
import { PolicyStatement, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';
import { functionNames, memoryMbOf, partsOf, timeoutSecondsOf } from '../functions/runtime/function-specs';

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
  /** Concurrency reserved for, and capping, the function; none when undefined (config `publicReservedConcurrency`). */
  reservedConcurrency?: number;
}

/** `publish-release` → `PublishRelease`, for construct ids. */
export function pascalCase(name: string): string {
  return name.replace(/(^|[-_\s]+)(\w)/g, (_, _sep: string, c: string) => c.toUpperCase());
}

/**
 * Handlers that render a release or digest with MJML (the `renderer` part of their declaration in
 * functions/runtime/function-specs.ts): the only bundles that may carry mjml and get templates/.
 */
export const RENDERS_MJML: ReadonlySet<string> = new Set(functionNames.filter((name) => partsOf(name).includes('renderer')));

/**
 * Modules mjml-core requires at load time but uses only for `minify: true`, which Pressroom never
 * passes: bundled, htmlnano brings cosmiconfig and through it the whole TypeScript compiler.
 */
const MJML_MINIFIER = ['htmlnano', 'cssnano-preset-lite'];

/**
 * Modules the MJML toolchain requires at load time for features Pressroom never calls, ~1.9 MB of
 * the rendering bundles: cheerio's URL, buffer and stream loaders (undici, encoding-sniffer and
 * through it iconv-lite, whatwg-mimetype, parse5-parser-stream; mjml and juice only call
 * `cheerio.load` on a string) and its parse5 HTML parser (both load with `xmlMode`/`xml` options,
 * which select htmlparser2), mjml's `beautify` option (js-beautify) and `juice.juiceResources`
 * (web-resource-inliner; mjml calls plain `juice()`). Both cheerio copies are covered, since juice
 * nests its own. tests/infra/bundle-contents.test.ts renders a release and a digest from a bundle
 * and compares them with node_modules' render.
 */
const UNUSED_AT_RUN_TIME = [
  'undici',
  'encoding-sniffer',
  'whatwg-mimetype',
  'parse5-parser-stream',
  'parse5',
  'parse5-htmlparser2-tree-adapter',
  'js-beautify',
  'web-resource-inliner',
];

/** esbuild resolves an alias's target from its working directory, the project root here. */
const BUNDLE_STUBS = [
  ...MJML_MINIFIER.map((name) => `${name}=./infra/bundle-stubs/mjml-minify.ts`),
  ...UNUSED_AT_RUN_TIME.map((name) => `${name}=./infra/bundle-stubs/unused.ts`),
];

/**
 * How every handler is bundled: the local esbuild, one ESM file. Exported so the bundle-contents test
 * and the cold-start benchmark build exactly what the stack builds.
 *
 * mjml bundles and renders correctly from the single file. One caveat if the renderer ever passes
 * `minify: true`: its minifier is stubbed out (see `MJML_MINIFIER`), so the render would throw;
 * shipping mjml via `nodeModules` instead would work, but runs `npm ci` on every synth.
 */
export function bundlingFor(handlerName: string): BundlingOptions {
  return {
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
    esbuildArgs: { '--alias': BUNDLE_STUBS },
    logLevel: LogLevel.WARNING,
    // CommonJS dependencies (mjml, middy's helpers) call `require`, which an ES module lacks.
    banner: "import { createRequire } from 'module';const require = createRequire(import.meta.url);",
    // The MJML renderer reads its templates and partials from `templates/` beside the bundle
    // (functions/runtime/aws.ts): ship them to the functions that render, and nowhere else. (The
    // confirmation email is compiled into the code: functions/adapters/render/confirmation-email.ts.)
    commandHooks: {
      beforeBundling: () => [],
      beforeInstall: () => [],
      afterBundling: (inputDir: string, outputDir: string) =>
        RENDERS_MJML.has(handlerName) ? [`cp -R "${inputDir}/templates" "${outputDir}/templates"`] : [],
    },
  };
}

/**
 * One Lambda function for the handler module `functions/handlers/<handlerName>.ts`, bundled as
 * {@link bundlingFor} says.
 *
 * @example
 * const fn = pressroomFunction(this, 'send-email', { environment });
 */
export function pressroomFunction(scope: Construct, handlerName: string, props: PressroomFunctionProps): NodejsFunction {
  const id = pascalCase(handlerName);
  const logGroup = new LogGroup(scope, `${id}Logs`, { retention: RetentionDays.ONE_MONTH });
  // A role of our own rather than CDK's default, which attaches AWSLambdaBasicExecutionRole: that
  // policy lets the function create log groups and write to any of the account's. The log group
  // exists already (above), so writing its own streams is all the function needs.
  const role = new Role(scope, `${id}FunctionRole`, { assumedBy: new ServicePrincipal('lambda.amazonaws.com'), description: `Pressroom ${handlerName}` });
  role.addToPrincipalPolicy(new PolicyStatement({ actions: ['logs:CreateLogStream', 'logs:PutLogEvents'], resources: [logGroup.logGroupArn] }));
  return new NodejsFunction(scope, `${id}Function`, {
    role,
    entry: path.join(projectRoot, 'functions', 'handlers', `${handlerName}.ts`),
    handler: 'handler',
    projectRoot,
    depsLockFilePath: path.join(projectRoot, 'package-lock.json'),
    runtime: Runtime.NODEJS_22_X,
    architecture: Architecture.ARM_64,
    memorySize: memoryMbOf(handlerName),
    timeout: timeoutFor(handlerName),
    reservedConcurrentExecutions: props.reservedConcurrency,
    tracing: Tracing.ACTIVE,
    logGroup,
    environment: {
      ...props.environment,
      // The wiring reads its own declaration by this name (e.g. a read-only function seeds nothing).
      PRESSROOM_FUNCTION: handlerName,
      POWERTOOLS_SERVICE_NAME: 'pressroom',
      NODE_OPTIONS: '--enable-source-maps',
    },
    bundling: bundlingFor(handlerName),
  });
}
