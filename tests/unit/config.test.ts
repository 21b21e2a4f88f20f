import { describe, expect, it } from 'vitest';
import { ConfigError, readConfig } from '../../functions/runtime/config';

const base = { PRESSROOM_TABLE_NAME: 't', PRESSROOM_PUBLIC_URL: 'https://news.example.org/' };

describe('readConfig: the sender and the brand', () => {
  it('reads From, Reply-To and the brand from the environment', () => {
    const config = readConfig({
      ...base,
      PRESSROOM_FROM: '"America’s Voice" <news@americasvoice.example>',
      PRESSROOM_REPLY_TO: 'Press Office <press@americasvoice.example>',
      PRESSROOM_POSTAL_ADDRESS: '1201 Example Ave NW, Washington, DC 20005',
      PRESSROOM_ACCENT_COLOUR: '#b3261e',
      PRESSROOM_LOGO_URL: 'https://americasvoice.example/logo.png',
    });
    expect(config.from).toEqual({ name: 'America’s Voice', address: 'news@americasvoice.example' });
    expect(config.replyTo).toBe('Press Office <press@americasvoice.example>');
    expect(config.publicUrl).toBe('https://news.example.org');
    expect(config.brand).toEqual({
      organisationName: 'America’s Voice',
      postalAddress: '1201 Example Ave NW, Washington, DC 20005',
      accentColour: '#b3261e',
      logoUrl: 'https://americasvoice.example/logo.png',
    });
  });

  it.each([
    ['PRESSROOM_FROM', 'not an address'],
    ['PRESSROOM_REPLY_TO', 'press at example'],
    ['PRESSROOM_REPLY_TO', 'a@example.org\r\nBcc: everyone@example.org'],
    ['PRESSROOM_LISTS', 'blog=Blog,all=Everything'],
    ['PRESSROOM_DIGEST_DAY', 'someday'],
    ['PRESSROOM_DIGEST_HOUR', '24'],
    ['PRESSROOM_TIME_ZONE', 'Mars/Olympus_Mons'],
  ])('refuses %s=%j with a message naming the variable', (name, value) => {
    expect(() => readConfig({ ...base, [name]: value })).toThrow(ConfigError);
    expect(() => readConfig({ ...base, [name]: value })).toThrow(name);
  });
});
