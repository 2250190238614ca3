/**
 * `npm run soak`: the platform's own fault soak (issue 13). Brings up a PostgreSQL cluster and a
 * RabbitMQ node of its own on spare ports, runs every service as its own process (two order
 * replicas, two web BFFs) through TCP proxies, drives N checkouts from many customers at bounded
 * concurrency while a fault timeline kills the broker, crashes the database and cuts connections,
 * then checks that nothing was lost, doubled or left half-done. Exits 1 when an invariant fails.
 * Payments (issue 24): most shoppers pay by card (test cards that approve, decline, fail to process
 * at first, or lose the answer), an admin ships (captures), refunds and cancels (voids) confirmed
 * orders meanwhile, the timeline also faults the simulated payment provider (5xx, lost answers,
 * doubled and reordered webhooks, 30 s down), and at the end the money is checked order by order
 * and payment's ledger against the provider's, to the cent.
 *
 *   npm run soak -- --checkouts 1000
 *   npm run soak -- --checkouts 200 --faults 5s:db-stop:40s
 *   npm run soak -- --help
 *
 * Needs root (pg_ctlcluster, runuser rabbitmq). Leaves the machine as it found it: processes
 * stopped, the soak cluster stopped (kept on disk, its databases dropped by the next run), the
 * node killed and its folder removed; the services' logs are kept only when something failed.
 */
import { createAuth } from '@shop/service-kit';
import { startTcpProxy, targetOf, type TcpProxy } from '@shop/service-kit/testing';
import { contractOperations } from '@shop/test-support';
import { randomBytes } from 'node:crypto';
import { rmSync } from 'node:fs';
import { toCents, formatCents } from '@shop/service-kit/domain';
import { administer, adminDocuments, type AdminOutcome } from './admin';
import { createShopClient, type OperationResult, type ShopClient } from './clients';
import { runFaultTimeline, type FaultRecord } from './faults';
import { startRabbitNode, type RabbitNode } from '../rabbitmq/node';
import { createRunFolder, query, startSoakPostgres, type SoakPostgres } from './infrastructure';
import { checkInvariants, ledgerOfPayment, moneyFigures, type MoneyEntry, type MoneyState, type OperationRow, type OrderRow, type PaymentRow, type SoakState } from './invariants';
import { parseSoakOptions, USAGE, type SoakOptions } from './options';
import { startPlatform, type PlatformPorts, type RunningPlatform } from '../service-processes';
import { shop, shopperDocuments, type AdminPlan, type CheckoutOutcome, type CheckoutPlan, type ShopperDocuments } from './shoppers';

const store = contractOperations('storefront');
const admin = contractOperations('admin');
const DOCUMENTS: ShopperDocuments = shopperDocuments();
const ADMIN_DOCUMENTS = adminDocuments();
const SERVICES = ['catalog', 'cart', 'discount', 'order', 'payment'] as const;
/** statuses an order rests in: decided, then maybe shipped or cancelled by the admin */
const RESTING = `('CONFIRMED', 'REJECTED', 'SHIPPED', 'CANCELLED')`;
/**
 * The test cards shoppers pay with, and how often: mostly approved; declines (generic,
 * insufficient funds, expired); processing errors (503 twice, then approved under the same key);
 * a few whose answer is lost (authorized, the call times out: settled by asking the provider).
 */
const CARDS: readonly { number: string; weight: number }[] = [
  { number: '4242424242424242', weight: 70 },
  { number: '4000000000000002', weight: 5 },
  { number: '4000000000009995', weight: 5 },
  { number: '4000000000000069', weight: 4 },
  { number: '4000000000000119', weight: 10 },
  { number: '4000000000005126', weight: 6 },
];
const PREFIX = 'soak';
/** The soak's processes listen on 4550-4599 only. */
const SOAK_PORTS: PlatformPorts = { subgraphs: { catalog: 4551, cart: 4552, discount: 4553, payment: 4556 }, orders: [4554, 4555], webBffs: [4560, 4561], paymentProvider: 4557 };

const log = (line: string) => console.log(`[soak ${new Date().toISOString().slice(11, 19)}] ${line}`);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

interface MyOrdersData {
  myOrders: { pageInfo: { hasNextPage: boolean; endCursor: string | null }; edges: { node: { id: string; status: string } }[] };
}

interface Catalog {
  products: { id: string; initialStock: number }[];
  coupons: { code: string; limit: number | null }[];
}

/** Creates the soak's products (a third of them scarce) and coupons, and waits until carts know them. */
async function prepareCatalog(bff: string, token: (sub: string, roles?: string[]) => Promise<string>, options: SoakOptions, runId: string): Promise<Catalog> {
  const boss = createShopClient(bff, await token('soak-admin', ['admin']));
  const probe = createShopClient(bff, await token(`soak-probe-${runId}`));
  try {
    const facets = await boss.run<{ brands: { id: string }[]; categories: { id: string }[] }>(store.Facets);
    if (!facets.data) throw new Error(`Facets failed: ${JSON.stringify(facets.errors)}`);
    // expected demand per product ≈ checkouts × 2 lines × 1.5 units / products
    const demand = Math.ceil((options.checkouts * 3) / options.products);
    const products: Catalog['products'] = [];
    for (let i = 0; i < options.products; i++) {
      const scarce = i % 3 === 0;
      const res = await boss.run<{ createProduct: { product: { id: string; availableQuantity: number } | null; userErrors: unknown[] } }>(admin.CreateProduct, {
        input: {
          sku: `SOAK-${runId}-${i}`,
          name: `Soak item ${i}`,
          brandId: facets.data.brands[i % facets.data.brands.length].id,
          categoryId: facets.data.categories[i % facets.data.categories.length].id,
          price: `${10 + i}.50`,
          initialStock: scarce ? Math.max(5, Math.ceil(demand / 8)) : Math.ceil(demand * 1.6),
        },
      });
      const product = res.data?.createProduct.product;
      if (!product) throw new Error(`CreateProduct failed: ${JSON.stringify(res.errors.length ? res.errors : res.data?.createProduct.userErrors)}`);
      products.push({ id: product.id, initialStock: product.availableQuantity });
    }
    const coupons: Catalog['coupons'] = [
      { code: `SOAKLIMITED${runId}`.toUpperCase(), limit: options.couponLimit },
      { code: `SOAKOPEN${runId}`.toUpperCase(), limit: null },
    ];
    for (const coupon of coupons) {
      const res = await boss.run<{ createCoupon: { coupon: unknown; userErrors: unknown[] } }>(admin.CreateCoupon, {
        input: { code: coupon.code, description: 'soak', kind: 'PERCENTAGE', value: '10', ...(coupon.limit === null ? {} : { maxRedemptions: coupon.limit }) },
      });
      if (!res.data?.createCoupon.coupon) throw new Error(`CreateCoupon failed: ${JSON.stringify(res.errors.length ? res.errors : res.data?.createCoupon.userErrors)}`);
    }
    // the cart learns products from catalog events: wait until each one can be added
    const deadline = Date.now() + 60_000;
    for (const { id } of products) {
      for (;;) {
        const res = await probe.run<{ addToCart: { userErrors: unknown[] } }>(store.AddToCart, { productId: id, quantity: 1 });
        if (res.data?.addToCart.userErrors.length === 0) break;
        if (Date.now() > deadline) throw new Error(`product ${id} never became addable: ${JSON.stringify(res)}`);
        await sleep(200);
      }
      await probe.run(store.RemoveFromCart, { productId: id });
    }
    return { products, coupons };
  } finally {
    await boss.close();
    await probe.close();
  }
}

function planCheckouts(options: SoakOptions, catalog: Catalog, runId: string): CheckoutPlan[] {
  const pick = <T>(items: readonly T[]) => items[Math.floor(Math.random() * items.length)];
  return Array.from({ length: options.checkouts }, (_, index) => {
    const count = 1 + Math.floor(Math.random() * 3);
    const chosen = new Set<string>();
    while (chosen.size < count) chosen.add(pick(catalog.products).id);
    const coupon = Math.random() < options.couponShare ? (Math.random() < 0.6 ? catalog.coupons[0].code : catalog.coupons[1].code) : undefined;
    let card: string | undefined;
    if (Math.random() < options.payShare) {
      let r = Math.random() * CARDS.reduce((n, c) => n + c.weight, 0);
      card = CARDS.find((c) => (r -= c.weight) < 0)?.number ?? CARDS[0].number;
    }
    const a = Math.random();
    const admin: AdminPlan =
      a < options.shipShare
        ? { kind: 'ship', ...(Math.random() < options.refundShare ? { refund: { twice: Math.random() < 0.4, beyond: Math.random() < 0.25 } } : {}) }
        : a < options.shipShare + options.cancelShare
          ? { kind: 'cancel' }
          : { kind: 'none' };
    return {
      index,
      customer: `soak-${runId}-customer-${index % options.customers}`,
      idempotencyKey: `soak-${runId}-${index}`,
      lines: [...chosen].map((productId) => ({ productId, quantity: 1 + Math.floor(Math.random() * 2) })),
      coupon,
      sendTwice: Math.random() < options.twiceShare,
      card,
      admin,
    };
  });
}

/**
 * Runs the plans: a customer's checkouts one after another, at most `concurrency` at once. Once a
 * shopper saw the order CONFIRMED, the admin does what the plan says with it (`administered`).
 */
async function drive(
  plans: CheckoutPlan[],
  clientFor: (customer: string) => Promise<ShopClient>,
  boss: ShopClient,
  providerUrl: string,
  options: SoakOptions,
): Promise<{ outcomes: CheckoutOutcome[]; following: Promise<void>[]; administered: Promise<AdminOutcome | undefined>[] }> {
  const outcomes: CheckoutOutcome[] = [];
  const following: Promise<void>[] = [];
  const administered: Promise<AdminOutcome | undefined>[] = [];
  const adminOptions = { documents: ADMIN_DOCUMENTS, requestDeadlineMs: 180_000, settleDeadlineMs: options.settleTimeoutMs };
  const byCustomer = new Map<string, CheckoutPlan[]>();
  for (const plan of plans) byCustomer.set(plan.customer, [...(byCustomer.get(plan.customer) ?? []), plan]);
  const queue = [...byCustomer.values()];
  let done = 0;
  const worker = async () => {
    for (let mine = queue.shift(); mine; mine = queue.shift()) {
      const client = await clientFor(mine[0].customer);
      for (const plan of mine) {
        const result = await shop(client, plan, { documents: DOCUMENTS, requestDeadlineMs: 180_000, settleDeadlineMs: options.settleTimeoutMs, providerUrl });
        outcomes.push(result.outcome);
        following.push(result.following);
        const { outcome } = result;
        administered.push(
          result.following.then(() =>
            outcome.orderId && outcome.subscription.final === 'CONFIRMED' && plan.admin && plan.admin.kind !== 'none'
              ? administer(boss, outcome.orderId, plan.admin, plan.idempotencyKey, adminOptions)
              : undefined,
          ),
        );
        // a storefront shows the order until it is confirmed or rejected before the next purchase
        if (!options.eagerCustomers) await result.following;
        if (++done % 100 === 0) log(`${done}/${plans.length} checkouts answered`);
      }
    }
  };
  // customers, not checkouts, are spread over the workers: one cart is never checked out twice at once
  await Promise.all(Array.from({ length: Math.min(options.concurrency, queue.length) }, worker));
  return { outcomes, following, administered };
}

/** What payment recorded and what the provider did (its ledger, read with this run's API key). */
async function readMoney(db: (service: string) => string, provider: { url: string; apiKey: string }, admin: AdminOutcome[]): Promise<MoneyState> {
  const totals = new Map((await query<{ order_id: string; total: string }>(db('order'), 'SELECT order_id, total::text AS total FROM order_history')).rows.map((r) => [r.order_id, toCents(r.total)]));
  const payments = new Map<string, PaymentRow>();
  for (const r of (
    await query<{ order_id: string; status: string; requested: boolean; amount: string; authorized: string; captured: string; refunded: string; authorization_id: string | null }>(
      db('payment'),
      `SELECT order_id, status::text AS status, requested_at IS NOT NULL AS requested, amount::text, authorized::text, captured::text, refunded::text, authorization_id FROM payments`,
    )
  ).rows) {
    payments.set(r.order_id, { orderId: r.order_id, status: r.status, requested: r.requested, amount: Number(r.amount), authorized: Number(r.authorized), captured: Number(r.captured), refunded: Number(r.refunded), authorizationId: r.authorization_id });
  }
  const operations = (
    await query<{ idempotency_key: string; order_id: string; kind: OperationRow['kind']; state: OperationRow['state']; result: OperationRow['result'] }>(
      db('payment'),
      'SELECT idempotency_key, order_id, kind::text AS kind, state::text AS state, result FROM payment_operations ORDER BY created_at',
    )
  ).rows.map((r): OperationRow => ({ idempotencyKey: r.idempotency_key, orderId: r.order_id, kind: r.kind, state: r.state, result: r.result }));
  const res = await fetch(`${provider.url}/v1/ledger`, { headers: { authorization: `Bearer ${provider.apiKey}` } });
  if (!res.ok) throw new Error(`GET /v1/ledger answered ${res.status}`);
  const { entries } = (await res.json()) as { entries: { kind: MoneyEntry['kind']; id: string; authorizationId: string; reference: string; amount: string; idempotencyKey: string }[] };
  const ledger = entries.map((e): MoneyEntry => ({ kind: e.kind, idempotencyKey: e.idempotencyKey, orderId: e.reference, amount: toCents(e.amount), id: e.id, authorizationId: e.authorizationId }));
  return { totals, payments, operations, provider: ledger, admin };
}

async function readState(
  postgres: SoakPostgres,
  rabbit: RabbitNode,
  catalog: Catalog,
  outcomes: CheckoutOutcome[],
  clientFor: (customer: string) => Promise<ShopClient>,
  money: () => Promise<MoneyState>,
): Promise<SoakState> {
  const db = (service: string) => postgres.databaseUrl(`${PREFIX}_${service}`);
  const ids = catalog.products.map((p) => p.id);
  const orders = (
    await query<{ order_id: string; customer_id: string; status: string; coupon_code: string | null; lines: { productId: string; quantity: number }[] }>(
      db('order'),
      'SELECT order_id, customer_id, status, coupon_code, lines FROM order_history',
    )
  ).rows.map((r): OrderRow => ({ orderId: r.order_id, customerId: r.customer_id, status: r.status, couponCode: r.coupon_code, lines: r.lines.map((l) => ({ productId: l.productId, quantity: l.quantity })) }));
  const streamEvents = new Map<string, Record<string, number>>();
  for (const r of (await query<{ stream_id: string; type: string; n: number }>(db('order'), `SELECT stream_id, type, count(*)::int AS n FROM order_events WHERE type IN ('OrderPlaced', 'OrderConfirmed', 'OrderRejected') GROUP BY 1, 2`)).rows) {
    streamEvents.set(r.stream_id, { ...(streamEvents.get(r.stream_id) ?? {}), [r.type]: r.n });
  }
  const available = (await query<{ id: string; available_quantity: number }>(db('catalog'), 'SELECT id, available_quantity FROM products WHERE id = ANY($1::uuid[])', [ids])).rows;
  const reserved = (
    await query<{ product_id: string; n: number }>(
      db('catalog'),
      `SELECT l.product_id, sum(l.quantity)::int AS n FROM stock_reservation_lines l JOIN stock_reservations r USING (order_id) WHERE r.status = 'RESERVED' AND l.product_id = ANY($1::uuid[]) GROUP BY 1`,
      [ids],
    )
  ).rows;
  const coupons = (await query<{ code: string; max_redemptions: number | null; redemptions: number }>(db('discount'), 'SELECT code, max_redemptions, redemptions FROM coupons WHERE code = ANY($1)', [catalog.coupons.map((c) => c.code)])).rows;
  const unpublished = new Map<string, number>();
  for (const service of SERVICES) unpublished.set(service, (await query<{ n: number }>(db(service), 'SELECT count(*)::int AS n FROM outbox WHERE published_at IS NULL')).rows[0].n);
  const deadLetters = new Map([...(await rabbit.queueDepths())].filter(([name]) => name.endsWith('.dlq')));
  const myOrders = new Map<string, Map<string, string>>();
  for (const customer of new Set(outcomes.map((o) => o.plan.customer))) {
    const client = await clientFor(customer);
    const listed = new Map<string, string>();
    for (let after: string | null = null, more = true; more; ) {
      const res: OperationResult<MyOrdersData> = await client.run<MyOrdersData>(store.MyOrders, { first: 50, after });
      if (!res.data) throw new Error(`myOrders of ${customer} failed: ${JSON.stringify(res.errors)}`);
      for (const { node } of res.data.myOrders.edges) listed.set(node.id, node.status);
      more = res.data.myOrders.pageInfo.hasNextPage;
      after = res.data.myOrders.pageInfo.endCursor;
    }
    myOrders.set(customer, listed);
  }
  return {
    outcomes,
    orders,
    streamEvents,
    initialStock: new Map(catalog.products.map((p) => [p.id, p.initialStock])),
    availableStock: new Map(available.map((r) => [r.id, r.available_quantity])),
    reservedStock: new Map(reserved.map((r) => [r.product_id, r.n])),
    coupons: new Map(coupons.map((c) => [c.code, { limit: c.max_redemptions, redemptions: c.redemptions }])),
    myOrders,
    deadLetters,
    unpublished,
    money: await money(),
  };
}

/** How long after `lastFaultAt` the last order answered before it was seen settled by its subscriber (0: none was open). */
function settleAfter(answered: readonly CheckoutOutcome[], lastFaultAt: number): number | undefined {
  const before = answered.filter((o) => (o.checkoutAnsweredAt ?? 0) <= lastFaultAt);
  if (before.some((o) => o.subscription.finalAt === undefined)) return undefined;
  return Math.max(0, ...before.map((o) => o.subscription.finalAt! - lastFaultAt));
}

function countCodes(codes: readonly string[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const code of codes) counts.set(code, (counts.get(code) ?? 0) + 1);
  return counts;
}

/** Resolves with the time everything had settled: orders decided (or shipped, cancelled), outboxes empty, no payment operation PENDING or UNKNOWN. */
async function waitSettled(postgres: SoakPostgres, expectedOrders: number, timeoutMs: number): Promise<number | undefined> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    try {
      const db = (service: string) => postgres.databaseUrl(`${PREFIX}_${service}`);
      const { rows } = await query<{ settled: number; total: number }>(db('order'), `SELECT count(*) FILTER (WHERE status IN ${RESTING})::int AS settled, count(*)::int AS total FROM order_history`);
      let backlog = (await query<{ n: number }>(db('payment'), `SELECT count(*)::int AS n FROM payment_operations WHERE state IN ('PENDING', 'UNKNOWN')`)).rows[0].n;
      for (const service of SERVICES) backlog += (await query<{ n: number }>(db(service), 'SELECT count(*)::int AS n FROM outbox WHERE published_at IS NULL')).rows[0].n;
      if (rows[0].settled === rows[0].total && rows[0].total >= expectedOrders && backlog === 0) return Date.now();
    } catch {
      // the database may be starting: ask again
    }
    await sleep(250);
  }
  return undefined;
}

async function main(): Promise<number> {
  let options: SoakOptions;
  try {
    options = parseSoakOptions(process.argv.slice(2));
  } catch (e) {
    console.error(`${(e as Error).message}\n${USAGE}`);
    return 2;
  }
  if (options.help) {
    console.log(USAGE);
    return 0;
  }
  if (process.getuid?.() !== 0) {
    console.error('npm run soak needs root: it runs pg_ctlcluster and starts a RabbitMQ node as user rabbitmq');
    return 2;
  }
  const runId = randomBytes(3).toString('hex');
  const logDir = createRunFolder();
  const cleanups: (() => Promise<void>)[] = [];
  const clients = new Map<string, ShopClient>();
  let failed = true;
  const cleanup = async () => {
    for (const client of clients.values()) await client.close().catch(() => undefined);
    for (const step of cleanups.splice(0).reverse()) await step().catch((e) => log(`cleanup: ${(e as Error).message}`));
    if (failed || options.keepLogs) log(`service logs kept in ${logDir}`);
    else rmSync(logDir, { recursive: true, force: true });
  };
  const interrupted = () => {
    log('interrupted: cleaning up');
    void cleanup().finally(() => process.exit(130));
  };
  process.once('SIGINT', interrupted).once('SIGTERM', interrupted);
  try {
    log(`run ${runId}: ${options.checkouts} checkouts, ${options.customers} customers, concurrency ${options.concurrency}, faults ${options.faults.map((f) => `${f.kind}@${f.atMs / 1000}s/${f.forMs / 1000}s`).join(' ') || 'none'}`);
    const postgres = await startSoakPostgres({ version: '15', cluster: 'soak', port: 5491, prefix: PREFIX });
    cleanups.push(() => postgres.stop());
    const rabbit = await startRabbitNode({ node: 'soak@localhost', port: 5691, distPort: 25691 });
    cleanups.push(() => rabbit.destroy());
    const proxies: TcpProxy[] = [await startTcpProxy(targetOf(postgres.url)), await startTcpProxy(targetOf(rabbit.url))];
    cleanups.push(async () => {
      for (const proxy of proxies) await proxy.close();
    });
    const jwtSecret = randomBytes(32).toString('hex');
    const env: Record<string, string> = {
      NODE_ENV: 'production',
      LOG_LEVEL: process.env.SOAK_LOG_LEVEL ?? 'warn',
      JWT_SECRET: jwtSecret,
      GATEWAY_SECRET: randomBytes(32).toString('hex'),
      DATABASE_URL: proxies[0].proxiedUrl(postgres.url),
      AMQP_URL: proxies[1].proxiedUrl(rabbit.url),
      EVENTS_EXCHANGE: `soak.${runId}`,
      WEB_BFF_RATE_LIMIT_POINTS: '10000000',
      // every shopper connects from the loopback address: the per-address caps (100 sockets, 500
      // subscriptions) are for shoppers behind one NAT, not for one load generator — at 100 open
      // sockets the later customers' subscriptions were refused and their workers waited out the deadline
      WEB_BFF_MAX_SOCKETS_PER_ADDRESS: '100000',
      WEB_BFF_MAX_SUBSCRIPTIONS_PER_ADDRESS: '100000',
      ...(options.sagaTimeoutMs ? { ORDER_SAGA_TIMEOUT_MS: String(options.sagaTimeoutMs) } : {}),
    };
    log(`PostgreSQL cluster 15/soak on 5491, RabbitMQ node soak@localhost on 5691 up; starting the services (logs in ${logDir})`);
    const services: RunningPlatform = await startPlatform(env, logDir, { ports: SOAK_PORTS });
    cleanups.push(() => services.stop());
    const auth = createAuth(jwtSecret);
    const token = (sub: string, roles = ['customer']) => auth.signToken({ sub, roles, ttl: '2h' });
    const catalog = await prepareCatalog(services.webBffs[0], token, options, runId);
    log(`${catalog.products.length} products (stock ${catalog.products.map((p) => p.initialStock).join(',')}), coupons ${catalog.coupons.map((c) => `${c.code}${c.limit ? ` ≤${c.limit}` : ''}`).join(', ')}`);

    let customerCount = 0;
    const clientFor = async (customer: string) => {
      let client = clients.get(customer);
      if (!client) clients.set(customer, (client = createShopClient(services.webBffs[customerCount++ % services.webBffs.length], await token(customer))));
      return client;
    };
    const plans = planCheckouts(options, catalog, runId);
    const boss = createShopClient(services.webBffs[0], await token('soak-admin', ['admin']));
    clients.set('soak-admin', boss);
    const provider = { url: services.paymentProvider, apiKey: services.paymentProviderApiKey };
    const providerTarget = {
      async settings(change: Record<string, unknown>) {
        const res = await fetch(`${provider.url}/_simulator/settings`, {
          method: 'POST',
          headers: { authorization: `Bearer ${provider.apiKey}`, 'content-type': 'application/json' },
          body: JSON.stringify(change),
        });
        if (!res.ok) throw new Error(`POST /_simulator/settings answered ${res.status}: ${await res.text()}`);
      },
      restart: (downMs: number) => services.restartPaymentProvider(downMs),
    };
    const startedAt = Date.now();
    const timeline = runFaultTimeline(options.faults, { postgres, rabbit, proxies, provider: providerTarget, log }, startedAt);
    const { outcomes, following, administered } = await drive(plans, clientFor, boss, provider.url, options);
    const answeredAt = Date.now();
    log(`all ${outcomes.length} checkouts answered after ${seconds(answeredAt - startedAt)}; waiting for the fault timeline, the subscribers and the admin`);
    const faults: FaultRecord[] = await timeline;
    await Promise.all(following);
    const adminOutcomes = (await Promise.all(administered)).filter((a): a is AdminOutcome => a !== undefined);
    const adminDoneAt = Date.now();
    log(`admin done: ${adminOutcomes.length} orders shipped, refunded or cancelled`);
    const lastFaultAt = Math.max(startedAt, ...faults.map((f) => f.recoveredAt ?? f.startedAt));
    const settledAt = await waitSettled(postgres, outcomes.filter((o) => o.orderId).length, options.settleTimeoutMs);

    const state = await readState(postgres, rabbit, catalog, outcomes, clientFor, () => readMoney((service) => postgres.databaseUrl(`${PREFIX}_${service}`), provider, adminOutcomes));
    const results = checkInvariants(state);
    // why orders were rejected, by the reason's kind ("Payment declined", "Out of stock", "No answer about …")
    const rejections = (await query<{ reason: string | null }>(postgres.databaseUrl(`${PREFIX}_order`), `SELECT status_reason AS reason FROM order_history WHERE status = 'REJECTED'`)).rows.map(
      (r) => (r.reason ?? 'no reason').split(/[:(]/)[0].trim(),
    );
    const faultFailures = faults.filter((f) => f.error);
    failed = results.some((r) => !r.ok) || faultFailures.length > 0 || settledAt === undefined;

    const answered = outcomes.filter((o) => o.orderId);
    const firstStart = Math.min(...outcomes.map((o) => o.checkoutStartedAt));
    const lastAnswer = Math.max(...answered.map((o) => o.checkoutAnsweredAt ?? 0));
    const faultCodes = new Map<string, number>();
    for (const o of outcomes) for (const [code, n] of Object.entries(o.faults)) faultCodes.set(code, (faultCodes.get(code) ?? 0) + n);
    const figures = {
      checkoutsPerSecond: answered.length / ((lastAnswer - firstStart) / 1000),
      // from the end of the last fault until every order placed before it was seen settled
      settleAfterLastFaultMs: settledAt === undefined ? undefined : settleAfter(answered, lastFaultAt),
      clientRetries: outcomes.reduce((n, o) => n + o.retries, 0),
      resubscriptions: outcomes.reduce((n, o) => n + o.subscription.resubscriptions, 0),
      subscriptionErrors: Object.fromEntries(countCodes(outcomes.flatMap((o) => o.subscription.errors))),
      sentTwice: outcomes.filter((o) => o.plan.sendTwice && o.orderId).length,
      paidCheckouts: outcomes.filter((o) => o.paid && o.orderId).length,
      ordersByStatus: Object.fromEntries(countCodes(state.orders.map((o) => o.status))),
      rejectedBecause: Object.fromEntries(countCodes(rejections)),
      // from the end of the last fault (or the admin's last request, if later) until every order rested and every payment operation settled
      everythingSettledAfterQuietMs: settledAt === undefined ? undefined : Math.max(0, settledAt - Math.max(lastFaultAt, adminDoneAt)),
      adminRetries: adminOutcomes.reduce((n, a) => n + a.retries, 0),
      money: {
        payment: moneyFigures(ledgerOfPayment(state.money!.operations, state.money!.payments)),
        provider: moneyFigures(state.money!.provider),
      },
    };

    console.log('\nfaults');
    for (const f of faults) console.log(`  ${f.kind.padEnd(12)} at ${seconds(f.startedAt - startedAt).padStart(7)}  down ${f.recoveredAt ? seconds(f.recoveredAt - f.startedAt) : '?'}${f.error ? `  FAILED: ${f.error}` : ''}`);
    console.log('\ninvariants');
    for (const r of results) console.log(`  ${r.ok ? 'ok  ' : 'FAIL'}  ${r.name}: ${r.detail}`);
    if (settledAt === undefined) console.log(`  FAIL  settled within ${seconds(options.settleTimeoutMs)} of the last fault`);
    console.log('\nfigures');
    console.log(`  checkouts/s                      ${figures.checkoutsPerSecond.toFixed(2)} (${answered.length} checkouts in ${seconds(lastAnswer - firstStart)})`);
    console.log(`  settled after the last fault     ${figures.settleAfterLastFaultMs === undefined ? 'never' : seconds(figures.settleAfterLastFaultMs)} (every order placed before it seen settled by its subscriber)`);
    console.log(`  client retries                   ${figures.clientRetries} (${[...faultCodes].map(([c, n]) => `${c} ${n}`).join(', ') || 'no faults seen'})`);
    console.log(`  keys sent twice                  ${figures.sentTwice}`);
    console.log(`  resubscriptions after an error   ${figures.resubscriptions} (${Object.entries(figures.subscriptionErrors).map(([c, n]) => `${c} ${n}`).join(', ') || 'no errors'})`);
    console.log(`  orders by status                 ${Object.entries(figures.ordersByStatus).map(([s, n]) => `${s} ${n}`).join(', ')} (${figures.paidCheckouts} paid by card)`);
    console.log(`  rejected because                 ${Object.entries(figures.rejectedBecause).map(([s, n]) => `${s} ${n}`).join(', ') || 'none rejected'}`);
    console.log(`  all settled after the last fault ${figures.everythingSettledAfterQuietMs === undefined ? 'never' : seconds(figures.everythingSettledAfterQuietMs)} (or the admin's last request: orders resting, outboxes empty, no payment operation open)`);
    console.log(`  admin retries                    ${figures.adminRetries}`);
    console.log('\nmoney                     payment (ours)              provider');
    for (const kind of ['authorization', 'capture', 'void', 'refund'] as const) {
      const [ours, theirs] = [figures.money.payment[kind], figures.money.provider[kind]];
      console.log(`  ${`${kind}s`.padEnd(22)}  ${`${ours.count} × = ${formatCents(ours.cents)}`.padEnd(26)}  ${theirs.count} × = ${formatCents(theirs.cents)}`);
    }
    console.log(`SOAK_FIGURES ${JSON.stringify({ ok: !failed, ...figures })}`);
    console.log(failed ? '\nsoak FAILED' : '\nsoak passed: every invariant held');
    return failed ? 1 : 0;
  } catch (e) {
    log(`soak aborted: ${(e as Error).stack ?? e}`);
    return 1;
  } finally {
    await cleanup();
  }
}

void main().then((code) => process.exit(code));
