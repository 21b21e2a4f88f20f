import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkMessage, run } from '../../bench/per-recipient';
import { importOnce, run as runColdStart } from '../../bench/cold-start';
import { buildMessageTemplate, personaliseMessage } from '../../functions/domain/mail/mime';
import { RecipientPlaceholder } from '../../functions/domain/release/rendered-email';
import { parseKeyring, signToken, TokenPurpose } from '../../functions/domain/security/link-tokens';

// Only correctness: the benchmark's timings are printed by `npm run bench`, never asserted.
describe('per-recipient benchmark', () => {
  it('builds messages that parse with the right headers and links, for every recipient checked', async () => {
    const result = await run({ recipients: 20, warmup: 0, sampleEvery: 1 });

    expect(result.failures).toEqual([]);
    expect(result.values.checkedFast).toBe(20);
    // The baseline builds the same email, or the comparison means nothing.
    expect(result.values.checkedNaive).toBe(20);
    expect(result.values.naiveFailures).toBe(0);
  });

  it("notices a message that carries someone else's unsubscribe link", async () => {
    const keyring = parseKeyring(`k1:${Buffer.alloc(32, 7).toString('base64')}`);
    const link = (subscriberId: string) =>
      `https://news.example.org/unsubscribe/${signToken({ purpose: TokenPurpose.Unsubscribe, subscriberId, listId: 'blog' }, keyring)}`;
    const theirs = link('s2');
    const raw = personaliseMessage(
      buildMessageTemplate({
        from: { address: 'news@example.org' },
        subject: 'Hello',
        html: `<a href="${RecipientPlaceholder.UnsubscribeUrl}">Unsubscribe</a>`,
        text: `Unsubscribe: ${RecipientPlaceholder.UnsubscribeUrl}`,
        placeholders: [RecipientPlaceholder.UnsubscribeUrl],
      }),
      {
        to: 'ada@example.com',
        values: { [RecipientPlaceholder.UnsubscribeUrl]: theirs },
        messageId: 'r1.s1@example.org',
        date: new Date(),
        headers: { 'List-Id': 'Blog <blog.example.org>', 'List-Unsubscribe': `<${theirs}>`, 'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click' },
      },
    );

    const mine = link('s1');
    const problems = await checkMessage(raw, {
      subject: 'Hello',
      recipient: { id: 's1', email: 'ada@example.com', listId: 'blog' },
      parts: { unsubscribe: mine, preferences: 'https://news.example.org/preferences/x', listNames: 'Blog', messageId: '<r1.s1@example.org>', headers: { 'List-Id': 'Blog <blog.example.org>' } },
      keyring,
    });

    expect(problems).toEqual(
      expect.arrayContaining([
        `List-Unsubscribe ${JSON.stringify([`<${theirs}>`])}`,
        "text part lacks the recipient's unsubscribe URL",
        "html part lacks the recipient's unsubscribe URL",
        'unsubscribe token names someone else',
      ]),
    );
  });
});

describe('cold-start benchmark', () => {
  it('builds one function and the yardstick as the stack does, sizes them and imports each', async () => {
    const result = await runColdStart({ functions: ['subscribe'], runs: 1 });

    expect(result.failures).toEqual([]);
    for (const name of ['subscribe', 'dynamodb-client-only']) {
      expect(result.values[`${name}.importMs`]).toBeGreaterThan(0);
      expect(result.values[`${name}.zipBytes`]).toBeGreaterThan(0);
      // The folder holds the bundle and its source map, and zips smaller than it is.
      expect(result.values[`${name}.zipBytes`]).toBeLessThan(result.values[`${name}.folderBytes`]);
    }
  }, 180_000);

  it('reports a bundle that fails to load or exports no handler', () => {
    const dir = mkdtempSync(join(tmpdir(), 'pressroom-cold-'));
    try {
      writeFileSync(join(dir, 'index.mjs'), "throw new Error('boom');");
      expect(importOnce(dir)).toEqual({ error: expect.stringContaining('boom') });
      writeFileSync(join(dir, 'index.mjs'), 'export const notHandler = 1;');
      expect(importOnce(dir)).toEqual({ error: expect.stringContaining('no handler') });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
