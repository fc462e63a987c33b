/**
 * `WEBHOOK_BLOCK_PRIVATE_TARGETS` (webmeeting-v6 §11.2): refuse loopback, private and link-local targets.
 */
import { lookup as dnsLookup } from 'node:dns/promises';
import { BlockList, isIP } from 'node:net';

const blocked = new BlockList();
// IPv4: "this network", RFC 1918 private, RFC 6598 shared (CGNAT, private in practice), loopback, link-local.
blocked.addSubnet('0.0.0.0', 8, 'ipv4');
blocked.addSubnet('10.0.0.0', 8, 'ipv4');
blocked.addSubnet('100.64.0.0', 10, 'ipv4');
blocked.addSubnet('127.0.0.0', 8, 'ipv4');
blocked.addSubnet('169.254.0.0', 16, 'ipv4');
blocked.addSubnet('172.16.0.0', 12, 'ipv4');
blocked.addSubnet('192.168.0.0', 16, 'ipv4');
// IPv6: unspecified, loopback, unique-local (fc00::/7), link-local (fe80::/10).
blocked.addAddress('::', 'ipv6');
blocked.addAddress('::1', 'ipv6');
blocked.addSubnet('fc00::', 7, 'ipv6');
blocked.addSubnet('fe80::', 10, 'ipv6');

/**
 * True when `address` (an IP literal) is loopback, private, shared or link-local. IPv4-mapped IPv6
 * (`::ffff:10.0.0.1`) is judged by its IPv4 part, since that is where the connection goes.
 * Non-IP strings return false.
 */
export function isPrivateAddress(address: string): boolean {
  const bare = address.replace(/^\[|\]$/g, '');
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(bare);
  if (mapped?.[1]) return blocked.check(mapped[1], 'ipv4');
  const family = isIP(bare);
  if (family === 4) return blocked.check(bare, 'ipv4');
  if (family === 6) return blocked.check(bare, 'ipv6');
  return false;
}

/** A resolver returning every address of a host (injectable for tests). */
export type HostResolver = (hostname: string) => Promise<string[]>;

/** Resolves with the system resolver (`getaddrinfo`, as `fetch` itself would, so /etc/hosts counts). */
export const systemResolver: HostResolver = async (hostname) =>
  (await dnsLookup(hostname, { all: true, verbatim: true })).map((a) => a.address);

/**
 * True when the URL's host is, or resolves to, any blocked address. Checking every resolved address (not just
 * the first) stops a name with one public and one private record from slipping through.
 *
 * Known gap: `fetch` resolves the name again when it connects, so a hostile DNS server could answer
 * differently the second time (DNS rebinding). Pinning the address would need a custom dispatcher from
 * `undici`, which is not a dependency; operators who need a hard guarantee should also filter egress.
 *
 * @throws the resolver's error when the name does not resolve (reported as a connection failure).
 */
export async function isBlockedTarget(url: URL, resolve: HostResolver = systemResolver): Promise<boolean> {
  const host = url.hostname.replace(/^\[|\]$/g, '');
  if (isIP(host) !== 0) return isPrivateAddress(host);
  const addresses = await resolve(host);
  return addresses.some(isPrivateAddress);
}
