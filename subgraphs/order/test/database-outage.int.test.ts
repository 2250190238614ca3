/**
 * Issue #13: readiness follows the database. A replica whose database connections go through a
 * TCP proxy: cut → not ready (the database check fails within its bound, HTTP 503), restored →
 * ready again, with no restart. The other replica keeps the order service serving meanwhile.
 */
import { waitFor, type TcpProxy } from '@shop/service-kit/testing';
import type { RunningOrder } from '../src/server';
import { startReplicaBehindProxy, startTestOrder, type TestOrder } from './order-harness';

let t: TestOrder;
let proxy: TcpProxy;
let replica: RunningOrder;
let behindProxy: Awaited<ReturnType<typeof startReplicaBehindProxy>> | undefined;
beforeAll(async () => {
  t = await startTestOrder();
  behindProxy = await startReplicaBehindProxy(t);
  ({ replica, proxy } = behindProxy);
});
afterAll(async () => {
  await behindProxy?.stop();
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
