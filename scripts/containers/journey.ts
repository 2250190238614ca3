/**
 * The journey `npm run test:containers` drives through the compose stack's containers only: the
 * storefront page, browsing and a checkout confirmed over graphql-ws at the web BFF, the mobile BFF
 * by persisted hash, /metrics on every container, oversize bodies, then a burst of checkouts with
 * the order containers killed (SIGKILL) and started again. The clients, documents, shoppers and
 * invariants are the soak's (scripts/soak), on the contract documents of @shop/test-support.
 */
import { contractOperations } from '@shop/test-support';
import { sendOversizeBodies } from '@shop/service-kit/testing';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createShopClient, type ShopClient } from '../soak/clients';
import { query } from '../soak/infrastructure';
import { checkInvariants, type InvariantResult, type OrderRow, type SoakState } from '../soak/invariants';
import { shop, shopperDocuments, type CheckoutOutcome, type CheckoutPlan, type ShopperDocuments } from '../soak/shoppers';

const store = contractOperations('storefront');
const DOCUMENTS: ShopperDocuments = shopperDocuments();
const SHOPPING = { documents: DOCUMENTS, requestDeadlineMs: 120_000, settleDeadlineMs: 180_000 };

/** How the journey reaches the stack: every address is a container's own, on the compose network. */
export interface ContainerStack {
  /** `http://<container address>:<port>` of each running container of a service (one per replica) */
  urls(service: string): Promise<string[]>;
  /** the same on each container's metrics port (/metrics, the full readiness report: never published) */
  metricsUrls(service: string): Promise<string[]>;
  /** the containers of a service, by name */
  containers(service: string): Promise<string[]>;
  /** a service's database in the PostgreSQL container */
  databaseUrl(service: string): Promise<string>;
  /** depth of every RabbitMQ queue, read in the broker's container */
  queueDepths(): Promise<Map<string, number>>;
  /** a token signed with the stack's JWT_SECRET */
  token(sub: string, roles?: string[]): Promise<string>;
  kill(container: string): Promise<void>;
  start(container: string): Promise<void>;
  /** resolves once every container of the service answers /health/ready */
  ready(service: string): Promise<void>;
}

export interface Step {
  name: string;
  ok: boolean;
  detail: string;
  ms: number;
}

const waitUntil = async (what: string, condition: () => boolean | Promise<boolean>, timeoutMs: number) => {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`${what}: not within ${timeoutMs / 1000} s`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
};

interface ProductsData {
  products: { totalCount: number; edges: { node: { id: string; name: string; inStock: boolean } }[] };
}

/** The storefront's page and the script it loads, as a browser asks for them. */
async function storefrontPage(stack: ContainerStack): Promise<string> {
  const [url] = await stack.urls('storefront');
  const page = await fetch(`${url}/`);
  const html = await page.text();
  if (page.status !== 200 || !html.includes('<div id="root">')) throw new Error(`storefront / → ${page.status}: ${html.slice(0, 200)}`);
  const script = html.match(/<script[^>]+src="([^"]+)"/)?.[1];
  if (!script) throw new Error('the storefront page loads no script');
  const asset = await fetch(new URL(script, `${url}/`));
  if (asset.status !== 200) throw new Error(`storefront ${script} → ${asset.status}`);
  return `${html.length} B page, ${script} ${(await asset.arrayBuffer()).byteLength} B`;
}

/** Products in stock, as the storefront's catalog page lists them (web BFF). */
async function browse(client: ShopClient): Promise<ProductsData['products']['edges'][number]['node'][]> {
  const facets = await client.run<{ brands: unknown[]; categories: unknown[] }>(store.Facets);
  if (!facets.data?.brands.length) throw new Error(`Facets: ${JSON.stringify(facets.errors)}`);
  const products = await client.run<ProductsData>(store.Products, { first: 24, filter: { inStockOnly: true } });
  const nodes = products.data?.products.edges.map((e) => e.node) ?? [];
  if (nodes.length === 0) throw new Error(`Products: ${JSON.stringify(products.errors)}`);
  return nodes;
}

/** MobileHome by its hash in the mobile app's trusted documents, as the app sends it. */
async function mobileByHash(stack: ContainerStack, repositoryRoot: string): Promise<string> {
  const manifest = JSON.parse(readFileSync(join(repositoryRoot, 'gateways', 'mobile-bff', 'trusted-documents', 'shop-mobile@1.0.0.json'), 'utf8')) as { operations: { id: string; name: string }[] };
  const hash = manifest.operations.find((o) => o.name === 'MobileHome')!.id;
  const answers: string[] = [];
  // signed in, as the app is (MobileHome asks for the cart too)
  const token = await stack.token('ct-mobile-shopper');
  for (const url of await stack.urls('mobile-bff')) {
    // as the app does, asked again while a subgraph is slow to answer (SUBGRAPH_UNAVAILABLE under load)
    let last = '';
    let tries = 0;
    await waitUntil(`MobileHome by hash at ${url}`, async () => {
      tries++;
      const res = await fetch(`${url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'apollo-require-preflight': 'true', authorization: `Bearer ${token}` },
        body: JSON.stringify({ operationName: 'MobileHome', variables: { first: 5 }, extensions: { persistedQuery: { version: 1, sha256Hash: hash } } }),
      });
      const body = (await res.json()) as { data?: ProductsData; errors?: unknown[] };
      last = `${res.status} ${JSON.stringify(body).slice(0, 300)}`;
      return res.status === 200 && !body.errors?.length && Boolean(body.data?.products.edges.length);
    }, 60_000).catch((e: Error) => {
      throw new Error(`${e.message}; last answer ${last}`);
    });
    answers.push(`5 products${tries > 1 ? ` (after ${tries} tries)` : ''}`);
  }
  return `${answers.length} replicas: ${answers.join(', ')}`;
}

/** Every container of every service (the storefront's static server has none) serves Prometheus text on /metrics, on its metrics port. */
async function metricsEverywhere(stack: ContainerStack, services: readonly string[]): Promise<string> {
  let containers = 0;
  for (const service of services) {
    for (const url of await stack.metricsUrls(service)) {
      const res = await fetch(`${url}/metrics`);
      const text = await res.text();
      if (res.status !== 200 || !/^process_cpu_seconds_total/m.test(text)) throw new Error(`${service} ${url}/metrics → ${res.status}: ${text.slice(0, 200)}`);
      containers++;
    }
  }
  return `${containers} containers`;
}

/** 30 oversize bodies each to a web BFF, a mobile BFF and a subgraph container: 30 answers 413 each. */
async function oversizeBodies(stack: ContainerStack): Promise<string> {
  const counts: string[] = [];
  for (const service of ['web-bff', 'mobile-bff', 'catalog']) {
    const [url] = await stack.urls(service);
    const answers = await sendOversizeBodies(`${url}/graphql`, { count: 30, bytes: 3 * 1024 * 1024 });
    const refused = answers.filter((a) => a.status === 413).length;
    if (refused !== 30) throw new Error(`${service}: ${refused} of 30 answered 413; the others: ${[...new Set(answers.filter((a) => a.status !== 413).map((a) => a.status))].join('; ')}`);
    counts.push(`${service} 30/30`);
  }
  return counts.join(', ');
}

/**
 * One customer's checkout paid by card, confirmed over the web BFF's graphql-ws subscription: the
 * card posted to the simulated provider's container as a browser posts it, the token sent with
 * CheckoutAndPay — CONFIRMED means the payment container had the total authorized there.
 */
async function checkoutConfirmed(stack: ContainerStack, client: ShopClient, productId: string, runId: string): Promise<string> {
  const [providerUrl] = await stack.urls('payment-provider');
  const plan: CheckoutPlan = { index: 0, customer: `ct-${runId}-first`, idempotencyKey: `ct-${runId}-first`, lines: [{ productId, quantity: 1 }], sendTwice: true, card: '4242424242424242' };
  const { outcome, following } = await shop(client, plan, { ...SHOPPING, providerUrl });
  await following;
  if (outcome.subscription.final !== 'CONFIRMED') throw new Error(`order ${outcome.orderId ?? outcome.failure}: seen ${outcome.subscription.statuses.join(' → ') || 'nothing'} (${outcome.subscription.errors.join(', ')})`);
  return `order ${outcome.orderId} paid by card: ${outcome.subscription.statuses.join(' → ')}`;
}

async function readState(stack: ContainerStack, outcomes: CheckoutOutcome[], clients: Map<string, ShopClient>): Promise<SoakState> {
  const customers = [...clients.keys()];
  const orderDb = await stack.databaseUrl('order');
  const orders = (
    await query<{ order_id: string; customer_id: string; status: string; coupon_code: string | null; lines: { productId: string; quantity: number }[] }>(
      orderDb,
      'SELECT order_id, customer_id, status, coupon_code, lines FROM order_history WHERE customer_id = ANY($1)',
      [customers],
    )
  ).rows.map((r): OrderRow => ({ orderId: r.order_id, customerId: r.customer_id, status: r.status, couponCode: r.coupon_code, lines: r.lines.map((l) => ({ productId: l.productId, quantity: l.quantity })) }));
  const streamEvents = new Map<string, Record<string, number>>();
  const streams = orders.map((o) => o.orderId);
  for (const r of (await query<{ stream_id: string; type: string; n: number }>(orderDb, `SELECT stream_id, type, count(*)::int AS n FROM order_events WHERE type IN ('OrderPlaced', 'OrderConfirmed', 'OrderRejected') AND stream_id = ANY($1) GROUP BY 1, 2`, [streams])).rows) {
    streamEvents.set(r.stream_id, { ...(streamEvents.get(r.stream_id) ?? {}), [r.type]: r.n });
  }
  const unpublished = new Map<string, number>();
  for (const service of ['catalog', 'cart', 'discount', 'order']) unpublished.set(service, (await query<{ n: number }>(await stack.databaseUrl(service), 'SELECT count(*)::int AS n FROM outbox WHERE published_at IS NULL')).rows[0].n);
  const deadLetters = new Map([...(await stack.queueDepths())].filter(([name]) => name.endsWith('.dlq')));
  const myOrders = new Map<string, Map<string, string>>();
  for (const [customer, client] of clients) {
    const res = await client.run<{ myOrders: { edges: { node: { id: string; status: string } }[] } }>(store.MyOrders, { first: 50 });
    if (!res.data) throw new Error(`myOrders of ${customer}: ${JSON.stringify(res.errors)}`);
    myOrders.set(customer, new Map(res.data.myOrders.edges.map(({ node }) => [node.id, node.status])));
  }
  // stock and coupons are the soak's concern (its own products); here: orders, events, outboxes, dead letters
  return { outcomes, orders, streamEvents, initialStock: new Map(), availableStock: new Map(), reservedStock: new Map(), coupons: new Map(), myOrders, deadLetters, unpublished };
}

/**
 * `checkouts` customers check out at once; once a few have their order id, every order container is
 * killed with SIGKILL, then started again. Every checkout must become exactly one settled order,
 * with nothing left in an outbox and nothing dead-lettered.
 */
async function checkoutsThroughAKill(stack: ContainerStack, products: { id: string }[], runId: string, checkouts: number): Promise<{ detail: string; invariants: InvariantResult[] }> {
  const [webBff] = await stack.urls('web-bff');
  const clients = new Map<string, ShopClient>();
  const plans: CheckoutPlan[] = Array.from({ length: checkouts }, (_, index) => ({
    index,
    customer: `ct-${runId}-burst-${index}`,
    idempotencyKey: `ct-${runId}-burst-${index}`,
    lines: [{ productId: products[index % products.length].id, quantity: 1 }],
    sendTwice: index % 4 === 0,
  }));
  for (const plan of plans) clients.set(plan.customer, createShopClient(webBff, await stack.token(plan.customer)));
  const outcomes: CheckoutOutcome[] = [];
  const following: Promise<void>[] = [];
  const burst = Promise.all(
    plans.map(async (plan) => {
      const result = await shop(clients.get(plan.customer)!, plan, SHOPPING);
      outcomes.push(result.outcome);
      following.push(result.following);
    }),
  );
  try {
    // the first order id answered: the other checkouts are in flight, their sagas not yet decided
    await waitUntil('the first checkout answered', () => outcomes.length >= 1, 120_000);
    const orderContainers = await stack.containers('order');
    for (const container of orderContainers) await stack.kill(container);
    const killedAt = Date.now();
    const atKill = `${outcomes.length} answered, ${outcomes.filter((o) => o.subscription.final).length} settled`;
    for (const container of orderContainers) await stack.start(container);
    await stack.ready('order');
    const back = Date.now() - killedAt;
    await burst;
    await Promise.all(following);
    const settled = outcomes.filter((o) => o.subscription.final).length;
    await waitUntil('every order settled with empty outboxes', async () => {
      const state = await readState(stack, outcomes, clients);
      return state.orders.length >= outcomes.filter((o) => o.orderId).length && state.orders.every((o) => o.status === 'CONFIRMED' || o.status === 'REJECTED') && [...state.unpublished.values()].every((n) => n === 0);
    }, 120_000);
    const invariants = checkInvariants(await readState(stack, outcomes, clients));
    return { detail: `${checkouts} checkouts, ${orderContainers.length} order containers killed when ${atKill}, ready again after ${(back / 1000).toFixed(1)} s; ${settled} seen settled over graphql-ws`, invariants };
  } finally {
    await Promise.all([...clients.values()].map((c) => c.close()));
  }
}

/** Runs the journey; every step is recorded (a failed step does not stop the independent ones). */
export async function driveJourney(stack: ContainerStack, options: { repositoryRoot: string; runId: string; services: readonly string[]; checkouts: number; log: (line: string) => void }): Promise<{ steps: Step[]; invariants: InvariantResult[] }> {
  const steps: Step[] = [];
  const step = async <T>(name: string, fn: () => Promise<T>, describe: (value: T) => string = String): Promise<T | undefined> => {
    const started = Date.now();
    try {
      const value = await fn();
      steps.push({ name, ok: true, detail: describe(value), ms: Date.now() - started });
      options.log(`✓ ${name} (${((Date.now() - started) / 1000).toFixed(1)} s): ${describe(value)}`);
      return value;
    } catch (e) {
      steps.push({ name, ok: false, detail: (e as Error).message, ms: Date.now() - started });
      options.log(`✗ ${name}: ${(e as Error).message}`);
      return undefined;
    }
  };
  const [webBff] = await stack.urls('web-bff');
  const client = createShopClient(webBff, await stack.token(`ct-${options.runId}-first`));
  let invariants: InvariantResult[] = [];
  try {
    await step('storefront page and its script', () => storefrontPage(stack));
    const products = await step('browse at the web BFF (Facets, Products in stock)', () => browse(client), (p) => `${p.length} products`);
    if (products) {
      await step('checkout paid by card (the simulated provider) confirmed over the web BFF subscription', () => checkoutConfirmed(stack, client, products[0].id, options.runId));
      const burst = await step(`${options.checkouts} checkouts with every order container killed (SIGKILL) and started again`, () => checkoutsThroughAKill(stack, products, options.runId, options.checkouts), (r) => r.detail);
      invariants = burst?.invariants ?? [];
      for (const invariant of invariants) steps.push({ name: `invariant: ${invariant.name}`, ok: invariant.ok, detail: invariant.detail, ms: 0 });
      for (const invariant of invariants) options.log(`${invariant.ok ? '✓' : '✗'} ${invariant.name}: ${invariant.detail}`);
    }
    await step('mobile BFF by persisted hash (every replica)', () => mobileByHash(stack, options.repositoryRoot));
    await step('/metrics on every container of every subgraph and BFF', () => metricsEverywhere(stack, options.services));
    await step('30 oversize bodies → 30 × 413 (web BFF, mobile BFF, catalog)', () => oversizeBodies(stack));
  } finally {
    await client.close();
  }
  return { steps, invariants };
}
