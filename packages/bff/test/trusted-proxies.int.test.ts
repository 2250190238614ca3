import { createInMemoryBus, type EventBus } from '@shop/events';
import { createLogger } from '@shop/service-kit';
import { startBff, type RunningBff } from '../src/server';
import { startTestSubgraphs, type TestSubgraphs } from '../src/testing';
import { post } from '../src/testing/graphql-post';
import { testConfig } from './support';

// Issue 26.6: behind a load balancer every anonymous shopper arrived from its address and shared one
// budget; with the proxy trusted, each is budgeted by the address it forwarded.

const logger = createLogger('bff-trusted-proxies-test', 'silent');
const QUERY = { query: '{ products(first: 1) { totalCount } }' };
const remainingFor = async (url: string, forwardedFor: string) => Number((await post(url, QUERY, { headers: { 'x-forwarded-for': forwardedFor } })).headers.get('ratelimit-remaining'));

describe('anonymous budgets behind a proxy', () => {
  let subgraphs: TestSubgraphs;
  let bus: EventBus;
  const bffs: RunningBff[] = [];
  const start = async (name: string, trustedProxies?: { hops: number } | { cidrs: string[] }) => {
    const bff = await startBff(testConfig(subgraphs.supergraphSdl, { name, rateLimit: { points: 100, windowSeconds: 60 }, trustedProxies }), { logger, bus });
    bffs.push(bff);
    return `${bff.url}/graphql`;
  };

  beforeAll(async () => {
    subgraphs = await startTestSubgraphs();
    bus = createInMemoryBus();
  });
  afterAll(async () => {
    await Promise.all(bffs.map((b) => b.stop()));
    await bus?.close();
    await subgraphs?.stop();
  });

  it('the proxy trusted (one hop) → two shoppers it forwards have a budget each', async () => {
    const url = await start('one-hop-bff', { hops: 1 });
    expect(await remainingFor(url, '198.51.100.1')).toBe(99);
    expect(await remainingFor(url, '198.51.100.2')).toBe(99);
    expect(await remainingFor(url, '198.51.100.1')).toBe(98);
  });

  it('the proxy trusted by CIDR (the loopback here) → the same', async () => {
    const url = await start('cidr-bff', { cidrs: ['127.0.0.0/8', '::1/128'] });
    expect(await remainingFor(url, '198.51.100.1')).toBe(99);
    expect(await remainingFor(url, '198.51.100.2')).toBe(99);
  });

  it('no trusted proxies → X-Forwarded-For is ignored: a client cannot pick a fresh budget by forging it', async () => {
    const url = await start('no-proxy-bff');
    expect(await remainingFor(url, '198.51.100.1')).toBe(99);
    expect(await remainingFor(url, '198.51.100.2')).toBe(98);
  });

  it('a CIDR list without the peer → its X-Forwarded-For is ignored', async () => {
    const url = await start('other-proxies-bff', { cidrs: ['10.0.0.0/8'] });
    expect(await remainingFor(url, '198.51.100.1')).toBe(99);
    expect(await remainingFor(url, '198.51.100.2')).toBe(98);
  });
});
