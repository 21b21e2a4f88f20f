// Runs one function's bundle as Lambda's Node.js runtime would: a fresh process whose working
// directory is the bundle's folder (/var/task on AWS), the module imported once, the handler called
// with the event read from stdin and a Lambda context. Prints one line: RESULT <json>.
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

const [functionName, timeoutSeconds] = process.argv.slice(2);
const started = performance.now();
const module = await import(pathToFileURL(join(process.cwd(), 'index.mjs')).href);
const importMs = performance.now() - started;
const event = JSON.parse(readFileSync(0, 'utf8'));
const deadline = Date.now() + Number(timeoutSeconds) * 1000;
const context = {
  callbackWaitsForEmptyEventLoop: true,
  functionName,
  functionVersion: '$LATEST',
  invokedFunctionArn: `arn:aws:lambda:${process.env.AWS_REGION}:123456789012:function:${functionName}`,
  memoryLimitInMB: process.env.AWS_LAMBDA_FUNCTION_MEMORY_SIZE,
  awsRequestId: randomUUID(),
  logGroupName: `/aws/lambda/${functionName}`,
  logStreamName: 'artifact-test',
  getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
  done() { throw new Error('callback-style handlers are not supported'); },
  fail() { throw new Error('callback-style handlers are not supported'); },
  succeed() { throw new Error('callback-style handlers are not supported'); },
};
let outcome;
try {
  outcome = { result: await module.handler(event, context) };
} catch (error) {
  outcome = { error: { name: error?.name, message: error?.message } };
}
process.stdout.write(`\nRESULT ${JSON.stringify({ ...outcome, importMs })}\n`);
// Lambda freezes the process here; end it so open sockets (SDK keep-alive) do not hold it.
process.exit(0);
