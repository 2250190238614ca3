/**
 * The shoppers of the `checkout` workload, each a signed-in customer of its own with one web BFF:
 * over HTTP it adds lines to its cart (AddToCart, the contract document), checks out with a fresh
 * idempotency key (Checkout), then follows the new order over graphql-ws (OrderUpdated) until it is
 * CONFIRMED or REJECTED — and starts again, as a storefront's customer who waits for the
 * confirmation before the next purchase (a closed loop: at most one checkout per shopper in flight,
 * so a cart is never checked out twice at once).
 */
import { contractOperations } from '@shop/test-support';
import { print } from 'graphql';
import { createClient, type Client as WsClient } from 'graphql-ws/client';
import WebSocket from 'ws';

const storefront = contractOperations('storefront');
const DOCUMENTS = { addToCart: print(storefront.AddToCart), checkout: print(storefront.Checkout), orderUpdated: print(storefront.OrderUpdated) };

/** How long a shopper waits for an answer or for the final status before it counts an error. */
const REQUEST_TIMEOUT_MS = 30_000;
const SETTLE_TIMEOUT_MS = 60_000;

export type FinalStatus = 'CONFIRMED' | 'REJECTED';

/** One purchase, times from performance.now() in the bench process. */
export interface Cycle {
  /** AddToCart latencies of this purchase, ms */
  addToCartMs: number[];
  /** the Checkout mutation was sent */
  checkoutAt?: number;
  /** its answer, with an order id */
  acceptedAt?: number;
  /** the subscription pushed the final status */
  settledAt?: number;
  status?: FinalStatus;
  /** what went wrong: a non-2xx, GraphQL errors, userErrors, a timeout, a subscription error */
  error?: string;
}

export interface Shopper {
  bffUrl: string;
  token: string;
  /** distinct in the run: part of every idempotency key */
  id: string;
}

export interface ShopperOptions {
  /** products the lines are drawn from (enough stock for the whole run) */
  productIds: readonly string[];
  linesPerCheckout: number;
  /** a shopper starts no new purchase once this returns false */
  keepGoing: () => boolean;
  onCycle: (cycle: Cycle) => void;
}

async function post<T>(shopper: Shopper, query: string, operationName: string, variables: Record<string, unknown>): Promise<T> {
  const res = await fetch(`${shopper.bffUrl}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/json', authorization: `Bearer ${shopper.token}` },
    body: JSON.stringify({ query, operationName, variables }),
    signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`${operationName}: HTTP ${res.status} ${text.slice(0, 300)}`);
  const body = JSON.parse(text) as { data?: Record<string, { userErrors?: { code: string }[] } & T>; errors?: unknown[] };
  if (body.errors?.length) throw new Error(`${operationName}: ${JSON.stringify(body.errors).slice(0, 300)}`);
  const answer = Object.values(body.data ?? {})[0];
  if (!answer) throw new Error(`${operationName}: no data`);
  if (answer.userErrors?.length) throw new Error(`${operationName}: userErrors ${answer.userErrors.map((e) => e.code).join(', ')}`);
  return answer;
}

/** Resolves with the order's final status once the subscription pushes it. */
function finalStatusOf(ws: WsClient, orderId: string): Promise<FinalStatus> {
  return new Promise<FinalStatus>((resolve, reject) => {
    let done = false;
    const finish = (error?: Error, status?: FinalStatus) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      // after the current message, never inside `next`: a `complete` read with it would make graphql-ws's
      // client release the subscription twice and keep its lazy socket open for good
      queueMicrotask(unsubscribe);
      if (error) reject(error);
      else resolve(status!);
    };
    const timer = setTimeout(() => finish(new Error(`no final status within ${SETTLE_TIMEOUT_MS} ms`)), SETTLE_TIMEOUT_MS);
    const unsubscribe = ws.subscribe<{ orderUpdated: { status: string } | null }>(
      { query: DOCUMENTS.orderUpdated, operationName: 'OrderUpdated', variables: { orderId } },
      {
        next: (value) => {
          if (value.errors?.length) return finish(new Error(`OrderUpdated: ${JSON.stringify(value.errors).slice(0, 300)}`));
          const status = value.data?.orderUpdated?.status;
          if (status === 'CONFIRMED' || status === 'REJECTED') finish(undefined, status);
        },
        error: (error) => finish(new Error(`OrderUpdated: ${error instanceof Error ? error.message : JSON.stringify(error).slice(0, 300)}`)),
        complete: () => finish(new Error('OrderUpdated completed before a final status')),
      },
    );
  });
}

const pickDistinct = (ids: readonly string[], n: number): string[] => {
  const chosen = new Set<string>();
  while (chosen.size < Math.min(n, ids.length)) chosen.add(ids[Math.floor(Math.random() * ids.length)]);
  return [...chosen];
};

async function purchase(shopper: Shopper, ws: WsClient, key: string, options: ShopperOptions): Promise<Cycle> {
  const cycle: Cycle = { addToCartMs: [] };
  try {
    for (const productId of pickDistinct(options.productIds, options.linesPerCheckout)) {
      const started = performance.now();
      await post(shopper, DOCUMENTS.addToCart, 'AddToCart', { productId, quantity: 1 });
      cycle.addToCartMs.push(performance.now() - started);
    }
    cycle.checkoutAt = performance.now();
    const { orderId } = await post<{ orderId: string | null }>(shopper, DOCUMENTS.checkout, 'Checkout', { idempotencyKey: key });
    if (!orderId) throw new Error('Checkout: no order id');
    cycle.acceptedAt = performance.now();
    cycle.status = await finalStatusOf(ws, orderId);
    cycle.settledAt = performance.now();
  } catch (e) {
    cycle.error = (e as Error).message;
  }
  return cycle;
}

/** Runs one shopper's purchases, one after another, until `keepGoing` says stop. */
export async function runShopper(shopper: Shopper, options: ShopperOptions): Promise<void> {
  // one socket per shopper, kept open between orders as a storefront's tab keeps it
  const ws = createClient({
    url: `${shopper.bffUrl.replace(/^http/, 'ws')}/graphql`,
    webSocketImpl: WebSocket,
    connectionParams: { authorization: `Bearer ${shopper.token}` },
    lazy: true,
    lazyCloseTimeout: 60_000,
    retryAttempts: 0,
  });
  try {
    for (let n = 0; options.keepGoing(); n++) options.onCycle(await purchase(shopper, ws, `${shopper.id}-${n}`, options));
  } finally {
    await ws.dispose();
  }
}
