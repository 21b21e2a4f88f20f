import { describe, expect, it } from 'vitest';
import { composeServices, ServiceNotComposedError, type ServiceFactories } from '../../functions/runtime/compose';
import { checkComposedServices, servicesOf } from '../../functions/runtime/function-specs';
import type { Adapters } from '../../functions/runtime/adapters';
import { readConfig } from '../../functions/runtime/config';

const settings = { config: readConfig({ PRESSROOM_PUBLIC_URL: 'https://news.example.org', PRESSROOM_TABLE_NAME: 'pressroom' }), secrets: { adminToken: 'admin-token', webhookSecrets: ['whsec_c2VjcmV0'] } };
const adapters = { clock: { now: () => new Date('2026-12-01T00:00:00Z') } } as unknown as Adapters;

describe('the composition root', () => {
  it('builds a service on first use, once, from the factory it was given', () => {
    const built: string[] = [];
    const factories = { social: (a: Adapters) => (built.push('social'), { postDue: async () => [], clockOf: a.clock }) } as unknown as Partial<ServiceFactories>;
    const services = composeServices(factories, adapters, settings);
    expect(built).toEqual([]);
    const first = services.social;
    expect(services.social).toBe(first);
    expect(built).toEqual(['social']);
  });

  it('refuses a service that was not passed, naming it and where to declare it', () => {
    const services = composeServices({}, adapters, settings);
    expect(() => services.delivery).toThrow(ServiceNotComposedError);
    expect(() => services.lists).toThrow(/no lists service.*function-specs\.ts/);
  });

  it('always has staff access and the brand, which every edge needs', async () => {
    const services = composeServices({}, adapters, settings);
    expect(services.brand.organisationName).toBe(settings.config.brand.organisationName);
    expect(await services.staff.authorizeApi('Bearer admin-token', 'POST /admin/imports')).toMatchObject({ role: 'admin', actor: { actor: 'admin token' } });
    await expect(services.staff.authorizeApi('Bearer wrong', 'GET /admin/lists')).rejects.toThrow();
  });
});

describe('an entry file against its declaration', () => {
  it('passes when it hands over exactly the declared services', () => {
    const passed = Object.fromEntries(servicesOf('fan-out').map((s) => [s, () => ({})]));
    expect(() => checkComposedServices('fan-out', passed)).not.toThrow();
  });

  it('is refused when it passes one more or one fewer, naming both lists', () => {
    const declared = servicesOf('subscribe');
    const more = Object.fromEntries([...declared, 'delivery'].map((s) => [s, () => ({})]));
    expect(() => checkComposedServices('subscribe', more)).toThrow(/"subscribe" declares services \[.*\] but its entry file passes \[.*delivery/);
    expect(() => checkComposedServices('subscribe', {})).toThrow(/passes \[\]/);
  });
});
