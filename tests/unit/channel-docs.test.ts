import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { CHANNEL_SECRET_LOCATIONS, CHANNEL_SETTINGS, CHANNELS } from '../../functions/channels';
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

/**
 * The other places that list channel settings and secrets in prose are written by hand: the main
 * README's table of local variables, and infra/README.md's context keys and secret keys. They are
 * not rendered, but they must at least name every one, so a new channel cannot go undocumented there.
 */
describe('the hand-written channel docs', () => {
  const infraReadme = new URL('../../infra/README.md', import.meta.url);

  it("name every channel's settings, secret keys and variables", async () => {
    const readme = await readFile(README, 'utf8');
    const infra = await readFile(infraReadme, 'utf8');
    const outsideTable = readme.slice(0, readme.indexOf(TABLE_START)) + readme.slice(readme.indexOf(TABLE_END));
    for (const [name, setting] of Object.entries(CHANNEL_SETTINGS)) {
      expect(infra, `infra/README.md: context key ${name}`).toContain(`| \`${name}\` |`);
      expect(infra, `infra/README.md: ${setting.env}`).toContain(setting.env);
      expect(outsideTable, `README.md's variables: ${setting.env}`).toContain(`\`${setting.env}\``);
    }
    for (const { key, env } of CHANNEL_SECRET_LOCATIONS) {
      expect(infra, `infra/README.md: secret key ${key}`).toContain(`\`${key}\``);
      expect(outsideTable, `README.md's variables: ${env}`).toContain(`\`${env}\``);
    }
    for (const { name } of CHANNELS) expect(infra, `infra/README.md: channel ${name}`).toContain(`| \`${name}\` |`);
  });
});
