import { describe, expect, it } from 'vitest';
import { NO_PARTS, PartNotWiredError } from '../../functions/runtime/adapters';

// A function whose entry file did not pass a part gets these stand-ins (functions/runtime/aws.ts).
describe('parts a function did not ask for', () => {
  const brand = { organisationName: 'Example', postalAddress: '1 Main St', accentColour: '#000' };

  it('refuse to render a release, naming the part', async () => {
    const render = NO_PARTS.renderer({ templatesDir: '', brand, publicUrl: '' }).render({} as never);
    await expect(render).rejects.toBeInstanceOf(PartNotWiredError);
    await expect(render).rejects.toMatchObject({ part: 'renderer' });
  });

  it('refuse to render a confirmation email', async () => {
    await expect(NO_PARTS.systemEmails(brand).renderConfirmation({ lists: [], confirmUrl: '' })).rejects.toMatchObject({ part: 'systemEmails' });
  });

  it('refuse every read of the channels, rather than look like a service with none configured', async () => {
    const channels = await NO_PARTS.channels({} as never, {} as never);
    expect(() => [...channels.keys()]).toThrow(PartNotWiredError);
    expect(() => channels.get('mastodon')).toThrow(PartNotWiredError);
    expect(() => channels.size).toThrow(PartNotWiredError);
    expect(() => [...channels]).toThrow(PartNotWiredError);
  });
});
