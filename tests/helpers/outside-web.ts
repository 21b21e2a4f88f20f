import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { AddressPolicy } from '../../functions/adapters/outbound/address-policy';

/**
 * Tests cannot reach the internet, so one loopback address plays a public host: servers that stand
 * for a release's image host listen on it, and {@link STAND_IN_POLICY} lets the guarded fetcher reach
 * it (over plain http) and nothing else. Every other address keeps the production answer: 127.0.0.1
 * is then as forbidden as the instance metadata service, which is what the tests check.
 */
// Linux answers on all of 127.0.0.0/8; elsewhere (macOS) add the alias first: ifconfig lo0 alias 127.0.0.2.
export const PUBLIC_STAND_IN = '127.0.0.2';

export const STAND_IN_POLICY: AddressPolicy = {
  allows: (address) => address === PUBLIC_STAND_IN,
  allowsPlainHttp: (address) => address === PUBLIC_STAND_IN,
};

/** A 1×1 PNG. */
export const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==', 'base64');

/** Listens on an ephemeral port of `host` and answers the server's base URL. */
export async function listenOn(server: Server, host: string, scheme: 'http' | 'https' = 'http'): Promise<string> {
  await new Promise<void>((resolve) => server.listen(0, host, resolve));
  return `${scheme}://${host}:${(server.address() as AddressInfo).port}`;
}

export async function closeServer(server: Server): Promise<void> {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
}
