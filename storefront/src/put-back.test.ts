/// <reference types="node" />
/** Putting a declined order's lines back: `node --import tsx --test storefront/src/put-back.test.ts`. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { linesToPutBack, markPutBack, wasPutBack } from './put-back';

describe("a declined order's lines back into the cart", () => {
  it('one quantity per product still in the catalog; products gone are named', () => {
    assert.deepEqual(
      linesToPutBack([
        { product: { id: 'p1' }, productName: 'Kettle', quantity: 2 },
        { product: null, productName: 'Old mug', quantity: 1 },
        { product: { id: 'p1' }, productName: 'Kettle', quantity: 1 },
        { product: { id: 'p2' }, productName: 'Tea', quantity: 3 },
      ]),
      { add: [{ productId: 'p1', quantity: 3 }, { productId: 'p2', quantity: 3 }], gone: ['Old mug'] },
    );
  });

  it('an order put back once is remembered per order', () => {
    const store = new Map<string, string>();
    const storage = { getItem: (k: string) => store.get(k) ?? null, setItem: (k: string, v: string) => void store.set(k, v) };
    assert.equal(wasPutBack('o1', storage), false);
    markPutBack('o1', storage);
    assert.equal(wasPutBack('o1', storage), true);
    assert.equal(wasPutBack('o2', storage), false);
  });
});
