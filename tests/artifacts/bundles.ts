import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { App } from 'aws-cdk-lib';
import { LOCAL_ACCOUNT, LOCAL_REGION } from '../../functions/local/lambda-context';
import { functionNames, timeoutSecondsOf } from '../../functions/runtime/function-specs';
import { configFromContext, PressroomStack } from '../../infra/pressroom-stack';
import { exampleContext, logicalIdOf, queueNamesOf, resolveIntrinsics } from '../helpers/template';

/**
 * Every function as `cdk synth` builds it: the bundle folder NodejsFunction produced (what Lambda
 * unpacks into /var/task) and the environment the template gives the function.
 */
export interface FunctionArtifact {
  name: string;
  assetDir: string;
  /** The template's variables, intrinsics unresolved. */
  environment: Record<string, unknown>;
  timeoutSeconds: number;
  memoryMb: number;
}

export interface SynthesizedArtifacts {
  functions: Map<string, FunctionArtifact>;
  /** Resolves a function's environment to the local stand-ins' names (see {@link localEnvironment}). */
  resolve(value: unknown, local: LocalResources): any;
}

/** Where the local stack's resources are, for resolving a function's environment. */
export interface LocalResources {
  tableName: string;
  sqsEndpoint: string;
  secretArn: string;
  configurationSet: string;
  filesBucket: string;
  publicUrl: string;
}

/** Synthesizes the whole stack with bundling (every function, as `npm run synth` does) into `outdir`. */
export function synthArtifacts(outdir: string): SynthesizedArtifacts {
  const app = new App({ outdir, context: exampleContext() });
  const stack = new PressroomStack(app, 'PressroomArtifacts', { env: { region: 'us-east-1' }, config: configFromContext(app.node) });
  const assembly = app.synth();
  const template = assembly.getStackByName(stack.stackName).template as { Resources: Record<string, { Type: string; Properties: Record<string, any> }> };

  const functions = new Map<string, FunctionArtifact>();
  for (const name of functionNames) {
    const fn = stack.functions.get(name)!;
    const properties = template.Resources[logicalIdOf(stack, fn)].Properties;
    // NodejsFunction stages each bundle as `asset.<hash>`; the template names it by the same hash.
    const hash = String(properties.Code.S3Key).replace(/\.zip$/, '');
    const assetDir = join(outdir, `asset.${hash}`);
    if (!existsSync(join(assetDir, 'index.mjs'))) throw new Error(`No bundle for ${name} at ${assetDir}`);
    functions.set(name, {
      name,
      assetDir,
      environment: properties.Environment.Variables,
      timeoutSeconds: properties.Timeout,
      memoryMb: properties.MemorySize,
    });
  }
  if ([...functions.values()].some((f) => f.timeoutSeconds !== timeoutSecondsOf(f.name))) throw new Error('template timeouts differ from function-specs.ts');

  const queueNames = queueNamesOf(stack);

  const resolve = (value: unknown, local: LocalResources) =>
    resolveIntrinsics(value, {
      pseudo: { partition: 'aws', region: LOCAL_REGION, account: LOCAL_ACCOUNT },
      ref(id) {
        const type = template.Resources[id]?.Type;
        if (type === 'AWS::DynamoDB::Table') return local.tableName;
        if (type === 'AWS::SQS::Queue') return `${local.sqsEndpoint}/${LOCAL_ACCOUNT}/${queueNames.get(id)}`;
        if (type === 'AWS::SecretsManager::Secret') return local.secretArn;
        if (type === 'AWS::SES::ConfigurationSet') return local.configurationSet;
        if (type === 'AWS::S3::Bucket') return local.filesBucket;
        return id;
      },
      att(id, attribute) {
        const type = template.Resources[id]?.Type;
        if (type === 'AWS::SQS::Queue' && attribute === 'Arn') return `arn:aws:sqs:${LOCAL_REGION}:${LOCAL_ACCOUNT}:${queueNames.get(id)}`;
        return `${id}.${attribute}`;
      },
    });
  return { functions, resolve };
}

/**
 * The environment a function's process gets: the template's variables resolved to the local
 * stand-ins, Lambda's own variables, and the AWS SDK pointed at the local endpoints. Nothing else
 * from this process leaks in: no development secrets, no PRESSROOM_* from the test run.
 */
export function localEnvironment(artifact: FunctionArtifact, artifacts: SynthesizedArtifacts, local: LocalResources, endpoints: Record<'dynamodb' | 'ses' | 'sqs' | 'secretsManager' | 's3', string>): Record<string, string> {
  const resolved = artifacts.resolve(artifact.environment, local) as Record<string, string>;
  return {
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    ...resolved,
    // Links in pages and emails point at the local API, as the in-process handlers' do.
    PRESSROOM_PUBLIC_URL: local.publicUrl,
    AWS_REGION: 'us-east-1',
    AWS_DEFAULT_REGION: 'us-east-1',
    AWS_ACCESS_KEY_ID: 'local',
    AWS_SECRET_ACCESS_KEY: 'local',
    AWS_LAMBDA_FUNCTION_NAME: artifact.name,
    AWS_LAMBDA_FUNCTION_MEMORY_SIZE: String(artifact.memoryMb),
    AWS_EXECUTION_ENV: 'AWS_Lambda_nodejs22.x',
    LAMBDA_TASK_ROOT: artifact.assetDir,
    AWS_ENDPOINT_URL_DYNAMODB: endpoints.dynamodb,
    AWS_ENDPOINT_URL_SES: endpoints.ses,
    AWS_ENDPOINT_URL_SQS: endpoints.sqs,
    AWS_ENDPOINT_URL_SECRETS_MANAGER: endpoints.secretsManager,
    // An IP address as the endpoint makes the S3 client address buckets path-style, as the stand-in expects.
    AWS_ENDPOINT_URL_S3: endpoints.s3,
    POWERTOOLS_LOG_LEVEL: 'ERROR',
    // The SDK's notice that Node 20 is near its end: Lambda runs 22.
    AWS_SDK_JS_SUPPRESS_NODE_VERSION_WARNING: '1',
  };
}

export interface BundleAnswer {
  result?: any;
  error?: { name?: string; message?: string };
  importMs: number;
  stderr: string;
}

/** Imports the bundle in a fresh Node process (cwd = the bundle folder) and invokes its handler once. */
export function invokeBundle(artifact: FunctionArtifact, env: Record<string, string>, event: unknown): Promise<BundleAnswer> {
  const script = join(import.meta.dirname, 'invoke-bundle.mjs');
  return new Promise((resolvePromise, reject) => {
    const child = spawn(process.execPath, [script, artifact.name, String(artifact.timeoutSeconds)], { cwd: artifact.assetDir, env, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => (stdout += chunk));
    child.stderr.on('data', (chunk) => (stderr += chunk));
    child.on('error', reject);
    child.on('close', (code) => {
      const line = stdout.split('\n').find((l) => l.startsWith('RESULT '));
      if (!line) return reject(new Error(`${artifact.name}: the bundle printed no result (exit ${code})\n${stderr}\n${stdout}`));
      resolvePromise({ ...(JSON.parse(line.slice('RESULT '.length)) as Omit<BundleAnswer, 'stderr'>), stderr });
    });
    child.stdin.end(JSON.stringify(event));
  });
}
