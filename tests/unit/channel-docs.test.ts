import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { README, renderChannelTable, TABLE_END, TABLE_START, withChannelTable } from '../../scripts/channel-docs';

/**
 * README.md's channel table is rendered from the registry (scripts/channel-docs.ts). A channel,
 * setting, secret or text limit changed in functions/channels/ without `npm run docs:channels`
 * fails here.
 */
describe("README.md's social channels table", () => {
  it('is what the channel registry renders', async () => {
    // Given the README as committed.
    const readme = await readFile(README, 'utf8');

    // When the table is rendered into it again.
    const rendered = withChannelTable(readme, renderChannelTable());

    // Then nothing changes.
    expect(readme).toBe(rendered);
  });

  it('refuses a README without the markers rather than append a table somewhere', () => {
    expect(() => withChannelTable(`${TABLE_START}\nno end`, '| x |')).toThrow(TABLE_END);
  });
});
