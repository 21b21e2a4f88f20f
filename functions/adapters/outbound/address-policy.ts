import ipaddr from 'ipaddr.js';

/**
 * Which addresses the guarded fetcher ({@link guardedFetcher}) may connect to, and over what. The
 * AWS wiring uses {@link PUBLIC_ONLY}; only the local runner and tests pass another one.
 */
export interface AddressPolicy {
  /** Whether a resolved address may be connected to at all. */
  allows(address: string): boolean;
  /** Whether plain http may carry a request to this (already allowed) address. */
  allowsPlainHttp(address: string): boolean;
}

/**
 * True for a public unicast address: not loopback, private (RFC 1918), link-local (169.254/16, where
 * the instance metadata service answers, and fe80::/10), carrier-grade NAT (100.64/10), unique-local
 * (fc00::/7), multicast, unspecified, broadcast, reserved, documentation or benchmarking space, nor a
 * 6to4, Teredo or NAT64 address (each can carry any IPv4 address inside). An IPv4-mapped IPv6 address
 * is judged as the IPv4 address it maps. Anything that does not parse is not public.
 *
 * ipaddr.js keeps the IANA special-purpose registries; its `range()` answers `unicast` for the rest.
 *
 * @example
 * isPublicAddress('93.184.216.34');       // true
 * isPublicAddress('169.254.169.254');     // false (link-local: instance metadata)
 * isPublicAddress('::ffff:10.0.0.1');     // false (IPv4-mapped private)
 */
export function isPublicAddress(address: string): boolean {
  const parsed = parse(address);
  return parsed !== undefined && parsed.range() === 'unicast';
}

/** True for 127.0.0.0/8, ::1 and IPv4-mapped loopback. */
export function isLoopbackAddress(address: string): boolean {
  return parse(address)?.range() === 'loopback';
}

function parse(address: string): ipaddr.IPv4 | ipaddr.IPv6 | undefined {
  // A zone index (fe80::1%eth0) names an interface: never a public address.
  if (address.includes('%') || !ipaddr.isValid(address)) return undefined;
  // process() turns an IPv4-mapped IPv6 address into the IPv4 address it carries.
  return ipaddr.process(address);
}

/** Production: public unicast addresses only, over https only. */
export const PUBLIC_ONLY: AddressPolicy = {
  allows: isPublicAddress,
  allowsPlainHttp: () => false,
};

/**
 * Local mode (npm start): public addresses as on AWS, and this machine too, over http or https, so a
 * test can serve an image or a feed from a local server. Never used by the AWS wiring.
 */
export const PUBLIC_OR_LOOPBACK: AddressPolicy = {
  allows: (address) => isPublicAddress(address) || isLoopbackAddress(address),
  allowsPlainHttp: isLoopbackAddress,
};
