import type { IncomingMessage } from 'node:http';
import { loadBffSettings, toBffConfig, type BffProfile } from '../config';
import { createClientAddress, parseTrustedProxies } from './client-address';

const request = (peer: string, forwardedFor?: string | string[]) => ({ socket: { remoteAddress: peer }, headers: forwardedFor === undefined ? {} : { 'x-forwarded-for': forwardedFor } }) as unknown as IncomingMessage;

describe('the client address the rate limits key on', () => {
  it('no trusted proxies → the socket peer; X-Forwarded-For is ignored (anyone can send it)', () => {
    const address = createClientAddress();
    expect(address(request('203.0.113.9', '198.51.100.1'))).toBe('203.0.113.9');
    expect(address(request('::ffff:203.0.113.9'))).toBe('::ffff:203.0.113.9');
  });

  it('one hop → the address the proxy appended, whatever the client put before it', () => {
    const address = createClientAddress({ hops: 1 });
    expect(address(request('10.0.0.2', '198.51.100.1'))).toBe('198.51.100.1');
    expect(address(request('10.0.0.2', 'forged, 1.2.3.4, 198.51.100.1'))).toBe('198.51.100.1');
    expect(address(request('10.0.0.2', ['1.2.3.4', '198.51.100.1']))).toBe('198.51.100.1');
    // two load balancers, two hops
    expect(createClientAddress({ hops: 2 })(request('10.0.0.2', '1.2.3.4, 198.51.100.1, 10.0.0.1'))).toBe('198.51.100.1');
    // no header: the peer
    expect(address(request('10.0.0.2'))).toBe('10.0.0.2');
  });

  it('CIDRs → X-Forwarded-For believed only from a trusted peer, walking left past trusted proxies', () => {
    const address = createClientAddress({ cidrs: ['10.0.0.0/8', 'fd00::/8'] });
    expect(address(request('10.1.2.3', '1.2.3.4, 198.51.100.1, 10.0.0.7'))).toBe('198.51.100.1');
    expect(address(request('::ffff:10.1.2.3', '198.51.100.1'))).toBe('198.51.100.1');
    expect(address(request('fd00::5', '2001:db8::1'))).toBe('2001:db8::1');
    // a peer outside the proxies is the client, whatever it claims
    expect(address(request('203.0.113.9', '198.51.100.1'))).toBe('203.0.113.9');
    // garbage in the header ends the walk at the last address read
    expect(address(request('10.1.2.3', 'not-an-address'))).toBe('10.1.2.3');
  });

  it('parses a hop count or a CIDR list; anything else is one problem per entry', () => {
    expect(parseTrustedProxies('1')).toEqual({ proxies: { hops: 1 }, problems: [] });
    expect(parseTrustedProxies('10.0.0.0/8, 192.168.1.7 ,fd00::/8')).toEqual({ proxies: { cidrs: ['10.0.0.0/8', '192.168.1.7', 'fd00::/8'] }, problems: [] });
    expect(parseTrustedProxies('0').problems).toHaveLength(1);
    expect(parseTrustedProxies('10.0.0.0/33,lb.internal').problems).toHaveLength(2);
  });

  it('<PREFIX>_TRUSTED_PROXIES reaches the config; a bad one is a config problem naming the variable', () => {
    const profile: BffProfile = { prefix: 'TP_BFF', port: 4900, subgraphTimeoutMs: 1_000, limits: { maxDepth: 5, maxAliases: 5, maxDirectives: 5, maxCost: 100, maxTokens: 100, maxFirst: 10, maxBodyBytes: 1_000 }, rateLimit: { points: 10, windowSeconds: 1 }, subscriptions: { maxPerConnection: 2, maxPerInstance: 4 } };
    const config = (env: Record<string, string>) => toBffConfig(loadBffSettings(profile, env), { name: 't', title: 'T', supergraphSdl: '' });
    expect(config({}).trustedProxies).toBeUndefined();
    expect(config({ TP_BFF_TRUSTED_PROXIES: '2' }).trustedProxies).toEqual({ hops: 2 });
    expect(config({ TP_BFF_TRUSTED_PROXIES: '10.0.0.0/8' }).trustedProxies).toEqual({ cidrs: ['10.0.0.0/8'] });
    expect(() => config({ TP_BFF_TRUSTED_PROXIES: 'everyone' })).toThrow(/TP_BFF_TRUSTED_PROXIES/);
  });
});
