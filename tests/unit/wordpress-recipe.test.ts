import { createHmac, randomBytes, randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseReleaseInput } from '../../functions/domain/release/release-input';
import { verifyWebhook } from '../../functions/domain/security/standard-webhooks';

/**
 * The README's WordPress must-use plugin cannot be run here (no PHP on the test machines), so its
 * signing lines are read out of the README and evaluated with JavaScript equivalents of the PHP
 * functions they call; the result must pass Pressroom's own Standard Webhooks verifier. Changing the
 * recipe's signed string, key handling or header shape then fails this test.
 */
const readme = readFileSync(resolve(import.meta.dirname, '../../README.md'), 'utf8');
const wordpress = readme.slice(readme.indexOf('### WordPress'));
const plugin = [...wordpress.matchAll(/```php\n([\s\S]*?)```/g)].map((m) => m[1]).find((block) => block.startsWith('<?php'));

/** The PHP functions the signing lines use, with PHP's semantics for the arguments they get. */
const php: Record<string, (...args: never[]) => unknown> = {
  substr: (s: string, start: number) => s.slice(start),
  strlen: (s: string) => Buffer.byteLength(s),
  base64_decode: (s: string) => Buffer.from(s, 'base64'),
  base64_encode: (b: Buffer | string) => Buffer.from(b).toString('base64'),
  hash_hmac: (algo: string, data: string, key: Buffer | string, raw: boolean) => {
    const mac = createHmac(algo, key).update(data);
    return raw ? mac.digest() : mac.digest('hex');
  },
};

/**
 * Translates one PHP expression of the kind the recipe uses (calls, variables, constants, '…'
 * strings, integers and the `.` concatenation operator) into a JavaScript function of its
 * variables and constants. Anything else is refused, so the recipe cannot outgrow the check.
 */
function phpExpression(source: string): (vars: Record<string, unknown>, consts: Record<string, unknown>) => unknown {
  const token = /\s*(?:('(?:[^'\\]|\\.)*')|\$([A-Za-z_]\w*)|([A-Za-z_]\w*)(\s*\()?|(\.)|([(),])|(\d+))/y;
  let js = '';
  let at = 0;
  while (at < source.trim().length) {
    token.lastIndex = at;
    const m = token.exec(source);
    if (!m) throw new Error(`cannot read PHP at: ${source.slice(at)}`);
    const [, str, variable, name, call, dot, punct, int] = m;
    if (str !== undefined) js += JSON.stringify(str.slice(1, -1).replace(/\\(['\\])/g, '$1'));
    else if (variable) js += `v[${JSON.stringify(variable)}]`;
    else if (name && call) js += `f[${JSON.stringify(name)}](`;
    else if (name === 'true' || name === 'false') js += name;
    else if (name) js += `c[${JSON.stringify(name)}]`;
    else if (dot) js += '+""+';
    else js += punct ?? int;
    at = token.lastIndex;
  }
  const fn = new Function('f', 'v', 'c', `return (${js});`);
  return (vars, consts) => fn(php, vars, consts);
}

const statement = (pattern: RegExp) => {
  const found = plugin?.match(pattern);
  if (!found) throw new Error(`the recipe has no ${pattern}`);
  return found[1];
};

describe('README WordPress recipe', () => {
  it('is in the README as a must-use plugin', () => {
    expect(plugin).toBeDefined();
    expect(wordpress).toContain('wp-content/mu-plugins/pressroom.php');
    expect(plugin).toContain("add_action( 'wp_after_insert_post', 'pressroom_send', 10, 4 );");
  });

  it('sends the Standard Webhooks headers, and the very body it signed', () => {
    const code = plugin!.replace(/\s+/g, ' ');
    expect(code).toContain("'webhook-id' => $id,");
    expect(code).toContain("'webhook-timestamp' => (string) $ts,");
    expect(code).toContain("'webhook-signature' => 'v1,' . $sig,");
    expect(code).toContain("'body' => $body,");
    expect(code).toContain('$body = wp_json_encode( $release );');
    expect(code).toContain('$id = wp_generate_uuid4();');
    expect(code).toContain('$ts = time();');
    expect(code).toContain("wp_remote_post( PRESSROOM_URL . '/webhooks/releases',");
  });

  it('signs "id.timestamp.body" with the whsec_ secret base64-decoded, as Pressroom verifies', () => {
    const secret = `whsec_${randomBytes(32).toString('base64')}`;
    const now = new Date('2026-11-29T12:00:00Z');
    const vars: Record<string, unknown> = {
      id: randomUUID(),
      ts: Math.floor(now.getTime() / 1000),
      body: JSON.stringify({ id: 'wp-42', title: 'Spring update', url: 'https://example.org/2026/11/spring-update/', html: '<p>Hello</p>', lists: ['blog'] }),
    };
    const consts = { PRESSROOM_WEBHOOK_SECRET: secret };
    vars.key = phpExpression(statement(/\$key\s*=\s*([^;]+);/))(vars, consts);
    vars.sig = phpExpression(statement(/\$sig\s*=\s*([^;]+);/))(vars, consts);
    const signature = phpExpression(statement(/'webhook-signature'\s*=>\s*([^\n]+?),\s*\n/))(vars, consts) as string;

    expect(verifyWebhook({ id: vars.id as string, timestamp: String(vars.ts), signature }, vars.body as string, [secret], now)).toBe(vars.id);
    // And not merely anything: another secret's deliveries are refused.
    expect(() => verifyWebhook({ id: vars.id as string, timestamp: String(vars.ts), signature }, vars.body as string, [`whsec_${randomBytes(32).toString('base64')}`], now)).toThrow();
  });

  it('builds a release body with only the fields Pressroom accepts', () => {
    const block = statement(/\$release = array\(([\s\S]*?)\n\t\);/);
    const keys = [...block.matchAll(/^\s*'(\w+)'\s*=>/gm)].map((m) => m[1]);
    keys.push(...[...plugin!.matchAll(/\$release\['(\w+)'\]\s*=/g)].map((m) => m[1]));
    expect(keys).toEqual(['id', 'title', 'url', 'html', 'lists', 'tags', 'author', 'publishedAt', 'summary']);
    // What WordPress would put in each (get_post_time( 'c', true ) is ISO 8601 with +00:00).
    const sample: Record<string, unknown> = {
      id: 'wp-42',
      title: 'Spring update',
      url: 'https://example.org/2026/11/spring-update/',
      html: '<p>Hello</p>',
      lists: ['blog'],
      tags: ['Blog', 'Press Releases'],
      author: 'Ada',
      publishedAt: '2026-11-29T12:00:00+00:00',
      summary: 'One line.',
    };
    const body = Object.fromEntries(keys.map((k) => [k, sample[k]]));
    // The release schema is strict: a misspelt or unknown key would be refused here.
    expect(parseReleaseInput(body, new Set(['blog'])).id).toBe('wp-42');
  });
});
