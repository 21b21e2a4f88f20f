/**
 * `npm run docs:channels`: renders README.md's table of social channels from the registry
 * (functions/channels/), so the docs cannot drift from what the configuration reads.
 * tests/unit/channel-docs.test.ts fails while README.md holds anything else between the markers.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { LOCAL_RULES, type ChannelTextRules } from '../functions/domain/social/channel-rules';
import { CHANNELS, type ChannelDescriptor, type ChannelSetting } from '../functions/channels';

export const README = fileURLToPath(new URL('../README.md', import.meta.url));

export const TABLE_START = '<!-- channels table: generated from functions/channels/ by `npm run docs:channels` -->';
export const TABLE_END = '<!-- end of channels table -->';

const code = (text: string) => `\`${text}\``;

const UNITS: Record<ChannelTextRules['countBy'], string> = {
  graphemes: 'graphemes',
  codepoints: 'characters',
  utf16: 'UTF-16 units',
  twitter: "by X's weighted count (a URL 23, an emoji or CJK character 2)",
  threads: 'characters, an emoji counting its UTF-8 bytes',
};

/** A channel's text limit in words, e.g. `500 characters; a URL counts 23`. */
export function describeRules(rules: ChannelTextRules): string {
  const parts = [`${rules.maxLength} ${UNITS[rules.countBy]}`];
  if (rules.urlLength !== undefined) parts.push(`a URL counts ${rules.urlLength}`);
  if (rules.maxBytes !== undefined) parts.push(`at most ${rules.maxBytes} UTF-8 bytes`);
  if (rules.maxLinks !== undefined) parts.push(`at most ${rules.maxLinks} links`);
  return parts.join('; ');
}

function settingCell(settings: Record<string, ChannelSetting>): string {
  const cells = Object.entries(settings).map(([name, setting]) => {
    const notes = [setting.note, setting.default !== undefined ? `default ${code(setting.default)}` : undefined].filter(Boolean);
    return `${code(name)} / ${code(setting.env)}${notes.length ? ` (${notes.join(', ')})` : ''}`;
  });
  return cells.length ? cells.join('; ') : '–';
}

function secretCell(channel: ChannelDescriptor): string {
  const where = ({ key, env }: { key: string; env: string }) => `${code(key)} (${code(env)})`;
  const extras = channel.extraSecrets;
  if (!extras) return where(channel.secret);
  const set = [channel.secret, ...extras.keys].map(where).join(', ');
  return `${extras.setName}: ${set}; ${extras.aloneName}: ${code(channel.secret.key)} alone`;
}

/** The table: one row per channel in registry order, then the local runner's own channel. */
export function renderChannelTable(channels: readonly ChannelDescriptor[] = CHANNELS): string {
  const rows = channels.map((channel) =>
    [code(channel.name), channel.setup, settingCell(channel.settings), secretCell(channel), describeRules(channel.rules)].join(' | '),
  );
  return [
    '| channel | create at the provider | settings (context / variable) | secret key (local variable) | text limit |',
    '| --- | --- | --- | --- | --- |',
    ...rows.map((row) => `| ${row} |`),
    `| \`local\` | – (local mode only: posts are kept in the data dir and listed at \`/local/social\`) | – | – | ${describeRules(LOCAL_RULES)} |`,
  ].join('\n');
}

/**
 * `readme` with the table between its markers replaced by `table`.
 *
 * @throws Error when the markers are missing, so a moved table is noticed rather than appended.
 */
export function withChannelTable(readme: string, table: string): string {
  const start = readme.indexOf(TABLE_START);
  const end = readme.indexOf(TABLE_END);
  if (start < 0 || end < start) throw new Error(`README.md lacks the markers ${TABLE_START} … ${TABLE_END}`);
  return `${readme.slice(0, start + TABLE_START.length)}\n${table}\n${readme.slice(end)}`;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  await writeFile(README, withChannelTable(await readFile(README, 'utf8'), renderChannelTable()));
  console.log(`wrote the channels table of ${README}`);
}
