import { CATALOG_CHANGES } from '@shop/events';
import { Registry } from 'prom-client';
import { createEntityCache, type EntityCache, type EntityFetchPlan } from './entity-cache';

// what the gateway sends the catalog for the products of cart lines
const ENTITIES = 'query Cart__catalog__1($representations:[_Any!]!){_entities(representations:$representations){...on Product{name price{amount}}}}';
const A = 'a0000000-0000-4000-8000-00000000000a';
const B = 'a0000000-0000-4000-8000-00000000000b';
const C = 'a0000000-0000-4000-8000-00000000000c';
const ref = (id: string) => ({ __typename: 'Product', id });
const product = (id: string, amount = '10.00') => ({ name: `product ${id.slice(-1)}`, price: { amount } });

/** A catalog answering whatever it is asked for, counting what it was asked. */
function catalog() {
  const prices = new Map<string, string>();
  const asked: string[][] = [];
  return {
    prices,
    asked,
    answer(variables: Record<string, unknown>) {
      const ids = (variables.representations as { id: string }[]).map((r) => r.id);
      asked.push(ids);
      return { data: { _entities: ids.map((id) => product(id, prices.get(id))) } };
    },
  };
}

async function fetchThrough(cache: EntityCache, shop: ReturnType<typeof catalog>, ids: string[], query = ENTITIES) {
  const variables = { representations: ids.map(ref) };
  const plan = cache.plan('catalog', { query, variables }) as EntityFetchPlan;
  if (plan.kind === 'cached') return plan.response;
  return plan.complete(shop.answer(plan.variables));
}

describe('entity cache', () => {
  it('answers a second fetch of the same products without the catalog, each caller a fresh object', async () => {
    const cache = createEntityCache({ announcements: CATALOG_CHANGES, maxEntries: 100 });
    const shop = catalog();
    const first = await fetchThrough(cache, shop, [A, B]);
    const second = await fetchThrough(cache, shop, [A, B]);
    expect(second).toEqual(first);
    expect(shop.asked).toEqual([[A, B]]);
    // the gateway merges later fetches into what it receives: that must not reach the next caller
    ((second.data as { _entities: { price: { amount: string } }[] })._entities[0].price.amount = 'changed');
    expect(await fetchThrough(cache, shop, [A])).toEqual({ data: { _entities: [product(A)] } });
  });

  it('asks the catalog only for the products it lacks and puts them in their places', async () => {
    const cache = createEntityCache({ announcements: CATALOG_CHANGES, maxEntries: 100 });
    const shop = catalog();
    await fetchThrough(cache, shop, [A]);
    const mixed = await fetchThrough(cache, shop, [B, A, C]);
    expect(shop.asked).toEqual([[A], [B, C]]);
    expect(mixed).toEqual({ data: { _entities: [product(B), product(A), product(C)] } });
  });

  it('a changed product is fetched again, the others still come from the cache', async () => {
    const cache = createEntityCache({ announcements: CATALOG_CHANGES, maxEntries: 100 });
    const shop = catalog();
    await fetchThrough(cache, shop, [A, B]);
    shop.prices.set(A, '8.00');
    expect(await fetchThrough(cache, shop, [A])).toEqual({ data: { _entities: [product(A, '10.00')] } }); // the event has not arrived
    cache.invalidateEntity(A.toUpperCase());
    expect(await fetchThrough(cache, shop, [A, B])).toEqual({ data: { _entities: [product(A, '8.00'), product(B)] } });
    expect(shop.asked).toEqual([[A, B], [A]]);
  });

  it('an answer fetched while a change arrived is passed on but not kept', async () => {
    const cache = createEntityCache({ announcements: CATALOG_CHANGES, maxEntries: 100 });
    const shop = catalog();
    const plan = cache.plan('catalog', { query: ENTITIES, variables: { representations: [ref(A)] } }) as Extract<EntityFetchPlan, { kind: 'partial' }>;
    const stale = shop.answer(plan.variables);
    cache.invalidateEntity(B); // any change while the fetch is out
    expect(plan.complete(stale)).toEqual({ data: { _entities: [product(A)] } });
    expect(cache.size()).toBe(0);
  });

  it('errors: nothing is kept, and the errors of the missing products point at their places in the whole fetch', async () => {
    const cache = createEntityCache({ announcements: CATALOG_CHANGES, maxEntries: 100 });
    const shop = catalog();
    await fetchThrough(cache, shop, [A]);
    const plan = cache.plan('catalog', { query: ENTITIES, variables: { representations: [ref(A), ref(B), ref(C)] } }) as Extract<EntityFetchPlan, { kind: 'partial' }>;
    const answer = plan.complete({
      data: { _entities: [product(B), null] },
      errors: [{ message: 'catalog failed', path: ['_entities', 1, 'price'] }],
    });
    expect(answer).toEqual({
      data: { _entities: [product(A), product(B), null] },
      errors: [{ message: 'catalog failed', path: ['_entities', 2, 'price'] }],
    });
    expect(cache.size()).toBe(1);
    // the catalog down: no data at all, the cached product still shows
    const down = (cache.plan('catalog', { query: ENTITIES, variables: { representations: [ref(A), ref(C)] } }) as Extract<EntityFetchPlan, { kind: 'partial' }>).complete({
      errors: [{ message: 'unavailable', path: ['_entities', 0] }],
    });
    expect(down).toEqual({ data: { _entities: [product(A), null] }, errors: [{ message: 'unavailable', path: ['_entities', 1] }] });
  });

  it('unknown products (null) are not kept', async () => {
    const cache = createEntityCache({ announcements: CATALOG_CHANGES, maxEntries: 100 });
    const plan = cache.plan('catalog', { query: ENTITIES, variables: { representations: [ref(A)] } }) as Extract<EntityFetchPlan, { kind: 'partial' }>;
    plan.complete({ data: { _entities: [null] } });
    expect(cache.size()).toBe(0);
  });

  it('serves only Product entity fetches of the catalog keyed by id alone', () => {
    const cache = createEntityCache({ announcements: CATALOG_CHANGES, maxEntries: 100 });
    const representations = [ref(A)];
    expect(cache.plan('cart', { query: ENTITIES, variables: { representations } })).toBeUndefined();
    expect(cache.plan('catalog', { query: 'query Products { products { edges { node { id } } } }', variables: {} })).toBeUndefined();
    expect(cache.plan('catalog', { query: ENTITIES.replace(/^query/, 'mutation'), variables: { representations } })).toBeUndefined();
    expect(cache.plan('catalog', { query: ENTITIES, variables: { representations, other: 1 } })).toBeUndefined();
    // a representation carrying @requires fields depends on more than the product
    expect(cache.plan('catalog', { query: ENTITIES, variables: { representations: [{ ...ref(A), subtotal: { amount: '1.00' } }] } })).toBeUndefined();
    expect(cache.plan('catalog', { query: ENTITIES, variables: { representations: [{ __typename: 'Brand', id: A }] } })).toBeUndefined();
    expect(cache.plan('catalog', { query: ENTITIES, variables: { representations: [] } })).toBeUndefined();
    expect(cache.plan('catalog', { query: ENTITIES, variables: { representations } })).toMatchObject({ kind: 'partial' });
  });

  it('one entry per product and fetch document: another selection of the same product is its own entry', async () => {
    const cache = createEntityCache({ announcements: CATALOG_CHANGES, maxEntries: 100 });
    const shop = catalog();
    await fetchThrough(cache, shop, [A]);
    await fetchThrough(cache, shop, [A], ENTITIES.replace('name', 'sku name'));
    expect(shop.asked).toEqual([[A], [A]]);
    cache.invalidateEntity(A);
    expect(cache.size()).toBe(0);
  });

  it('off: fetches go to the catalog and nothing is kept; back on, it starts empty', async () => {
    const cache = createEntityCache({ announcements: CATALOG_CHANGES, maxEntries: 100 });
    const shop = catalog();
    await fetchThrough(cache, shop, [A]);
    cache.setActive(false);
    expect(cache.plan('catalog', { query: ENTITIES, variables: { representations: [ref(A)] } })).toBeUndefined();
    cache.setActive(true);
    expect(cache.size()).toBe(0);
    await fetchThrough(cache, shop, [A]);
    expect(shop.asked).toEqual([[A], [A]]);
  });

  it('keeps at most maxEntries, the least recently used dropped first; lookups and entries on the registry', async () => {
    const registry = new Registry();
    const cache = createEntityCache({ announcements: CATALOG_CHANGES, maxEntries: 2, registry });
    const shop = catalog();
    await fetchThrough(cache, shop, [A, B]);
    await fetchThrough(cache, shop, [A]); // A used last
    await fetchThrough(cache, shop, [C]); // B goes
    expect(cache.size()).toBe(2);
    await fetchThrough(cache, shop, [A]);
    await fetchThrough(cache, shop, [B]);
    expect(shop.asked).toEqual([[A, B], [C], [B]]);
    const text = await registry.metrics();
    expect(text).toMatch(/bff_entity_cache_lookups_total\{result="hit"\} 2/);
    expect(text).toMatch(/bff_entity_cache_lookups_total\{result="miss"\} 4/);
    expect(text).toMatch(/bff_entity_cache_entries 2/);
  });
});
