/**
 * Issue #13: readiness follows the database. A replica whose database connections go through a
 * TCP proxy: cut → not ready (the database check fails within its bound, HTTP 503), restored →
 * ready again, with no restart. The other replica keeps the order service serving meanwhile.
 */
import { startTcpProxy, targetOf, waitFor, type TcpProxy } from '@shop/service-kit/testing';
import { start, type RunningOrder } from '../src/server';
import { startTestOrder, testConfig, type TestOrder } from './order-harness';

let t: TestOrder;
let proxy: TcpProxy;
let replica: RunningOrder;
beforeAll(async () => {
  t = await startTestOrder();
  proxy = await startTcpProxy(targetOf(t.databaseUrl!));
  replica = await start(testConfig({ ORDER_DATABASE_URL: proxy.proxiedUrl(t.databaseUrl!) }), { bus: t.bus });
});
afterAll(async () => {
  await replica?.stop();
  await proxy?.close();
  await t?.stop();
});

const readiness = async (url: string) => {
  const res = await fetch(`${url}/health/ready`);
  return { code: res.status, body: (await res.json()) as { status: string; checks: Record<string, { status: string; error?: string }> } };
};

test('database unreachable → the replica is not ready (database unavailable); reachable again → ready, no restart', async () => {
  expect(await readiness(replica.url)).toMatchObject({ code: 200, body: { status: 'ok' } });
  proxy.cut();
  const down = await waitFor(async () => {
    const r = await readiness(replica.url);
    return r.code === 503 && r;
  }, { what: 'the replica not ready', timeoutMs: 20_000, intervalMs: 100 });
  expect(down.body).toMatchObject({ status: 'unavailable', checks: { database: { status: 'unavailable' } } });
  // the other replica, on its own connections, is unaffected
  expect((await readiness(t.order.url)).code).toBe(200);
  proxy.restore();
  const up = await waitFor(async () => {
    const r = await readiness(replica.url);
    return r.code === 200 && r;
  }, { what: 'the replica ready again', timeoutMs: 30_000, intervalMs: 100 });
  expect(up.body).toMatchObject({ status: 'ok', checks: { database: { status: 'ok' } } });
});
