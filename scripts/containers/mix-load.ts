/**
 * A load shaped like the bench's `mix` (bench/lib/workloads.ts), sent to the web BFF container while
 * each container's memory is sampled: what an operator sizes memory limits by. Shoppers in a closed
 * loop, each request drawn as the bench draws them — 35 % Products (first 20, a random sort), 35 %
 * Product (a random id), 25 % Cart and 5 % AddToCart of a signed-in customer whose cart holds a line.
 * Not a speed figure (the containers share this machine with the load generator): requests per
 * second and p95 are reported so the memory figure says under how much load it was taken.
 */
import { contractOperations, documentText } from '@shop/test-support';
import type { ContainerStack } from './journey';

const store = contractOperations('storefront');
const TEXT = {
  Products: documentText(store.Products),
  Product: documentText(store.Product),
  Cart: documentText(store.Cart),
  AddToCart: documentText(store.AddToCart),
};
const SORTS = ['NAME_ASC', 'NAME_DESC', 'PRICE_ASC', 'PRICE_DESC', 'NEWEST'];

export interface MixLoadOptions {
  seconds: number;
  /** shoppers sending at once */
  connections: number;
  /** signed-in customers the Cart and AddToCart requests come from */
  customers: number;
  /** each container's memory in MB, sampled every few seconds during the load */
  memory: () => Promise<Map<string, number>>;
}

export interface MixLoadResult {
  requests: number;
  errors: number;
  /** errors by operation, HTTP status and first error code */
  errorKinds: Map<string, number>;
  rps: number;
  p95Ms: number;
  /** the highest sample of each container */
  peakMemory: Map<string, number>;
}

const pick = <T>(items: readonly T[]): T => items[Math.floor(Math.random() * items.length)];

export async function mixLoad(stack: ContainerStack, options: MixLoadOptions): Promise<MixLoadResult> {
  const [bff] = await stack.urls('web-bff');
  const url = `${bff}/graphql`;
  const errorKinds = new Map<string, number>();
  const tokens = await Promise.all(Array.from({ length: options.customers }, (_v, i) => stack.token(`mix-customer-${i}`)));
  const send = async (operationName: keyof typeof TEXT, variables: Record<string, unknown>, token?: string) => {
    const response = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
      body: JSON.stringify({ query: TEXT[operationName], operationName, variables }),
    });
    const body = (await response.json().catch(() => ({}))) as { errors?: { extensions?: { code?: string } }[] };
    if (response.ok && !body.errors?.length) return true;
    const kind = `${operationName} ${response.status} ${body.errors?.[0]?.extensions?.code ?? ''}`.trim();
    errorKinds.set(kind, (errorKinds.get(kind) ?? 0) + 1);
    return false;
  };
  const listed = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query: TEXT.Products, operationName: 'Products', variables: { first: 50 } }) });
  const productIds = ((await listed.json()) as { data: { products: { edges: { node: { id: string } }[] } } }).data.products.edges.map((e) => e.node.id);
  // every customer's cart holds a line before the load, as the bench's pre-filled carts do
  for (const token of tokens) {
    if (!(await send('AddToCart', { productId: pick(productIds), quantity: 1 }, token))) throw new Error('mix load: a customer could not fill a cart');
  }
  const latencies: number[] = [];
  let errors = 0;
  const peakMemory = new Map<string, number>();
  const sample = async () => {
    for (const [name, mb] of await options.memory()) peakMemory.set(name, Math.max(mb, peakMemory.get(name) ?? 0));
  };
  const startedAt = Date.now();
  const endsAt = startedAt + options.seconds * 1000;
  const shopper = async () => {
    while (Date.now() < endsAt) {
      const draw = Math.random();
      const token = pick(tokens);
      const sent = Date.now();
      const ok =
        draw < 0.35
          ? await send('Products', { first: 20, sort: pick(SORTS) })
          : draw < 0.7
            ? await send('Product', { id: pick(productIds) })
            : draw < 0.95
              ? await send('Cart', {}, token)
              : await send('AddToCart', { productId: pick(productIds), quantity: 1 }, token);
      latencies.push(Date.now() - sent);
      if (!ok) errors += 1;
    }
  };
  const sampler = (async () => {
    while (Date.now() < endsAt) {
      await sample();
      await new Promise((resolve) => setTimeout(resolve, 3_000));
    }
  })();
  await Promise.all([...Array.from({ length: options.connections }, shopper), sampler]);
  await sample();
  const elapsed = (Date.now() - startedAt) / 1000;
  latencies.sort((a, b) => a - b);
  return { requests: latencies.length, errors, errorKinds, rps: latencies.length / elapsed, p95Ms: latencies[Math.floor(latencies.length * 0.95)] ?? 0, peakMemory };
}
