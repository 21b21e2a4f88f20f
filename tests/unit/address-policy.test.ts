import { describe, expect, it } from 'vitest';
import { isLoopbackAddress, isPublicAddress, PUBLIC_ONLY, PUBLIC_OR_LOOPBACK } from '../../functions/adapters/outbound/address-policy';
import { imageTypeOf } from '../../functions/adapters/outbound/image-type';

describe('isPublicAddress', () => {
  it.each([
    ['8.8.8.8', 'IPv4 public'],
    ['93.184.216.34', 'IPv4 public'],
    ['2606:4700:4700::1111', 'IPv6 global unicast'],
    ['::ffff:8.8.8.8', 'IPv4-mapped public'],
  ])('takes %s (%s)', (address) => {
    expect(isPublicAddress(address)).toBe(true);
  });

  it.each([
    ['127.0.0.1', 'loopback'],
    ['127.255.0.9', 'loopback /8'],
    ['10.0.0.5', 'private 10/8'],
    ['172.16.0.1', 'private 172.16/12'],
    ['172.31.255.254', 'private 172.16/12'],
    ['192.168.1.1', 'private 192.168/16'],
    ['169.254.169.254', 'link-local: the instance metadata service'],
    ['169.254.0.1', 'link-local'],
    ['100.64.0.1', 'carrier-grade NAT'],
    ['0.0.0.0', 'unspecified'],
    ['0.1.2.3', 'this network'],
    ['255.255.255.255', 'broadcast'],
    ['224.0.0.1', 'multicast'],
    ['192.0.2.10', 'documentation (TEST-NET-1)'],
    ['198.51.100.10', 'documentation (TEST-NET-2)'],
    ['203.0.113.10', 'documentation (TEST-NET-3)'],
    ['198.18.0.1', 'benchmarking'],
    ['240.0.0.1', 'reserved'],
    ['::1', 'IPv6 loopback'],
    ['::', 'IPv6 unspecified'],
    ['fe80::1', 'IPv6 link-local'],
    ['fe80::1%eth0', 'IPv6 link-local with a zone'],
    ['fc00::1', 'unique-local'],
    ['fd12:3456::1', 'unique-local'],
    ['fec0::1', 'deprecated site-local'],
    ['ff02::1', 'IPv6 multicast'],
    ['2001:db8::1', 'IPv6 documentation'],
    ['::ffff:127.0.0.1', 'IPv4-mapped loopback'],
    ['::ffff:7f00:1', 'IPv4-mapped loopback, hex'],
    ['::ffff:169.254.169.254', 'IPv4-mapped metadata service'],
    ['::ffff:10.0.0.1', 'IPv4-mapped private'],
    ['64:ff9b::a9fe:a9fe', 'NAT64 of the metadata service'],
    ['2002:a9fe:a9fe::', '6to4 of the metadata service'],
    ['2001::1', 'Teredo'],
    ['not an address', 'not an address'],
    ['', 'empty'],
  ])('refuses %s (%s)', (address) => {
    expect(isPublicAddress(address)).toBe(false);
    expect(PUBLIC_ONLY.allows(address)).toBe(false);
  });
});

describe('the policies', () => {
  it('never allows plain http in production, and only to loopback in local mode', () => {
    expect(PUBLIC_ONLY.allowsPlainHttp('127.0.0.1')).toBe(false);
    expect(PUBLIC_ONLY.allowsPlainHttp('8.8.8.8')).toBe(false);
    expect(PUBLIC_OR_LOOPBACK.allowsPlainHttp('127.0.0.1')).toBe(true);
    expect(PUBLIC_OR_LOOPBACK.allowsPlainHttp('::1')).toBe(true);
    expect(PUBLIC_OR_LOOPBACK.allowsPlainHttp('8.8.8.8')).toBe(false);
  });

  it('lets local mode reach loopback but still no other private address', () => {
    expect(isLoopbackAddress('::ffff:127.0.0.1')).toBe(true);
    expect(PUBLIC_OR_LOOPBACK.allows('127.0.0.1')).toBe(true);
    expect(PUBLIC_OR_LOOPBACK.allows('8.8.8.8')).toBe(true);
    for (const address of ['169.254.169.254', '10.0.0.5', 'fd00::1', '::ffff:169.254.169.254']) expect(PUBLIC_OR_LOOPBACK.allows(address)).toBe(false);
  });
});

describe('imageTypeOf', () => {
  const bytes = (...parts: Array<string | number[]>) =>
    Uint8Array.from(parts.flatMap((part) => (typeof part === 'string' ? [...part].map((c) => c.charCodeAt(0)) : part)));

  it.each([
    ['image/png', bytes([0x89], 'PNG', [0x0d, 0x0a, 0x1a, 0x0a], 'rest')],
    ['image/jpeg', bytes([0xff, 0xd8, 0xff, 0xe0], 'JFIF')],
    ['image/gif', bytes('GIF89a', [1, 0, 1, 0])],
    ['image/gif', bytes('GIF87a', [1, 0, 1, 0])],
    ['image/webp', bytes('RIFF', [0x24, 0, 0, 0], 'WEBPVP8 ')],
  ])('tells %s by its bytes', (type, image) => {
    expect(imageTypeOf(image)).toBe(type);
  });

  it.each([
    ['an SVG', bytes('<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>')],
    ['an SVG with an XML declaration', bytes('<?xml version="1.0"?><svg/>')],
    ['an HTML page', bytes('<!doctype html><p>hi</p>')],
    ['a RIFF that is not WebP (WAV)', bytes('RIFF', [0x24, 0, 0, 0], 'WAVEfmt ')],
    ['a truncated PNG signature', bytes([0x89], 'PNG')],
    ['nothing', bytes()],
  ])('refuses %s', (_, content) => {
    expect(imageTypeOf(content)).toBeUndefined();
  });
});
