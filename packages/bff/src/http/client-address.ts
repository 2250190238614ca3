import { BlockList, isIP } from 'node:net';
import type { IncomingMessage } from 'node:http';

/**
 * Which peers are proxies of this deployment, so that their `X-Forwarded-For` is believed: a number
 * of hops (every request passes exactly that many proxies, the socket's peer being the last), or
 * the proxies' networks (CIDRs). Absent: nobody's `X-Forwarded-For` is believed.
 */
export type TrustedProxies = { hops: number } | { cidrs: string[] };

/**
 * Parses `<PREFIX>_TRUSTED_PROXIES`: a hop count (`1`) or comma-separated CIDRs or addresses
 * (`10.0.0.0/8,192.168.1.7`). Returns the setting and one problem per bad entry.
 */
export function parseTrustedProxies(text: string): { proxies?: TrustedProxies; problems: string[] } {
  const trimmed = text.trim();
  if (/^\d+$/.test(trimmed)) {
    const hops = Number(trimmed);
    return hops >= 1 && hops <= 10 ? { proxies: { hops }, problems: [] } : { problems: [`"${trimmed}" hops: must be 1 to 10 (or a list of CIDRs)`] };
  }
  const cidrs = trimmed.split(',').map((s) => s.trim()).filter(Boolean);
  const problems = cidrs.filter((cidr) => subnetOf(cidr) === undefined).map((cidr) => `"${cidr}" is neither a hop count nor an address or CIDR (10.0.0.0/8, fd00::/8)`);
  if (cidrs.length === 0) problems.push('empty: a hop count or a list of CIDRs');
  return problems.length > 0 ? { problems } : { proxies: { cidrs }, problems };
}

function subnetOf(cidr: string): { address: string; prefix: number; type: 'ipv4' | 'ipv6' } | undefined {
  const [address, bits, extra] = cidr.split('/');
  const version = isIP(address);
  if (version === 0 || extra !== undefined) return undefined;
  const max = version === 4 ? 32 : 128;
  const prefix = bits === undefined ? max : /^\d+$/.test(bits) ? Number(bits) : NaN;
  if (!(prefix >= 0 && prefix <= max)) return undefined;
  return { address, prefix, type: version === 4 ? 'ipv4' : 'ipv6' };
}

/** `::ffff:10.0.0.1` (an IPv4 peer on a dual-stack socket) is 10.0.0.1. */
const plain = (address: string) => (address.startsWith('::ffff:') && isIP(address.slice(7)) === 4 ? address.slice(7) : address);

const forwardedFor = (req: IncomingMessage): string[] => {
  const header = req.headers['x-forwarded-for'];
  if (header === undefined) return [];
  return (Array.isArray(header) ? header.join(',') : header).split(',').map((s) => plain(s.trim()));
};

/**
 * The client address of a request, as the rate limits and the per-address caps key on it. Without
 * trusted proxies: the socket's peer (what a client cannot forge). With a hop count: the address
 * that many hops in front of the peer in `X-Forwarded-For` (the leftmost when the header is
 * shorter). With CIDRs: from the peer leftwards through `X-Forwarded-For`, the first address that
 * is not a trusted proxy — so a peer outside them is the client whatever its header says. An entry
 * that is not an address ends the walk at the last address read.
 */
export function createClientAddress(proxies?: TrustedProxies): (req: IncomingMessage) => string {
  // as the budgets were keyed before this setting existed (a dual-stack peer stays ::ffff:…)
  if (!proxies) return (req) => req.socket.remoteAddress ?? 'unknown';
  const peerOf = (req: IncomingMessage) => plain(req.socket.remoteAddress ?? 'unknown');
  if ('hops' in proxies) {
    return (req) => {
      const chain = [...forwardedFor(req), peerOf(req)];
      let at = chain.length - 1;
      for (let hop = 0; hop < proxies.hops && at > 0 && isIP(chain[at - 1]) !== 0; hop += 1) at -= 1;
      return chain[at];
    };
  }
  const trusted = new BlockList();
  for (const cidr of proxies.cidrs) {
    const subnet = subnetOf(cidr)!;
    trusted.addSubnet(subnet.address, subnet.prefix, subnet.type);
  }
  const isTrusted = (address: string) => {
    const version = isIP(address);
    return version !== 0 && trusted.check(address, version === 4 ? 'ipv4' : 'ipv6');
  };
  return (req) => {
    const chain = [...forwardedFor(req), peerOf(req)];
    let at = chain.length - 1;
    while (at > 0 && isTrusted(chain[at]) && isIP(chain[at - 1]) !== 0) at -= 1;
    return chain[at];
  };
}
