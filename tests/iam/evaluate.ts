import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { runSimulation } from '@cloud-copilot/iam-simulate';
import { RECORDED_ARN_NAMING, type AwsCall } from '../../functions/local/aws-call-recorder';
import type { PolicyDocument } from './stack-policies';

/**
 * Asks a maintained IAM policy evaluator (@cloud-copilot/iam-simulate; AGPL-3.0, so a dev
 * dependency that only these tests load, never bundled) whether each call is allowed by its
 * function's identity policies.
 */
export interface Denial extends AwsCall {
  result: string;
}

export async function deniedCalls(calls: readonly AwsCall[], policies: ReadonlyMap<string, PolicyDocument[]>): Promise<Denial[]> {
  const denials: Denial[] = [];
  for (const call of calls) {
    const documents = policies.get(call.fn);
    if (!documents) {
      denials.push({ ...call, result: 'NoSuchFunction' });
      continue;
    }
    const answer = await runSimulation(
      {
        request: {
          principal: `arn:aws:iam::${RECORDED_ARN_NAMING.account}:role/${call.fn}`,
          action: call.action,
          resource: { resource: call.resource, accountId: RECORDED_ARN_NAMING.account },
          contextVariables: {},
        },
        identityPolicies: documents.map((policy, i) => ({ name: `${call.fn}-${i}`, policy })),
        serviceControlPolicies: [],
        resourceControlPolicies: [],
      },
      {},
    );
    const result = (answer as { overallResult?: string; errors?: unknown }).overallResult ?? `Error ${JSON.stringify((answer as { errors?: unknown }).errors)}`;
    if (result !== 'Allowed') denials.push({ ...call, result });
  }
  return denials;
}

/** Distinct calls, in a stable order. */
export function distinctCalls(calls: Iterable<AwsCall>): AwsCall[] {
  const byKey = new Map<string, AwsCall>();
  for (const call of calls) byKey.set(`${call.fn} ${call.action} ${call.resource}`, call);
  return [...byKey.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([, call]) => call);
}

/** Every call recorded into `dir` (one JSON line per call; see functions/local/aws-call-recorder.ts). */
export function readRecordedCalls(dir: string): AwsCall[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((name) => name.endsWith('.jsonl'))
    .flatMap((name) =>
      readFileSync(join(dir, name), 'utf8')
        .split('\n')
        .filter(Boolean)
        .map((line) => JSON.parse(line) as AwsCall),
    );
}

/** One line per call, for failure messages a person reads. */
export const describeCalls = (calls: readonly (AwsCall & { result?: string })[]) =>
  calls.map((c) => `  ${c.fn}: ${c.action} on ${c.resource}${c.result ? ` (${c.result})` : ''}`).join('\n');

/** Actions a function's policies name (wildcards as written). */
export function grantedActions(documents: readonly PolicyDocument[]): string[] {
  return [...new Set(documents.flatMap((d) => d.Statement.filter((s) => s.Effect === 'Allow').flatMap((s) => [s.Action ?? []].flat())))].sort();
}
