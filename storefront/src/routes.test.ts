/// <reference types="node" />
/**
 * The storefront's URLs, as React Router matches them. The storefront has no jest project (it is
 * a static build); `npm test` runs it through scripts/storefront-units.test.ts, or alone with
 * `node --import tsx --test storefront/src/routes.test.ts`.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { pageAt } from './routes';

describe('which page a URL shows', () => {
  it('every page at its URL, with its id decoded', () => {
    assert.deepEqual(pageAt('/'), { page: 'catalog', params: {} });
    assert.deepEqual(pageAt('/products/6f1c-a%20b'), { page: 'product', params: { id: '6f1c-a b' } });
    assert.equal(pageAt('/cart').page, 'cart');
    assert.equal(pageAt('/orders').page, 'myOrders');
    assert.deepEqual(pageAt('/orders/o-42'), { page: 'order', params: { id: 'o-42' } });
    assert.equal(pageAt('/sign-in').page, 'signIn');
  });

  it('the back office and each of its sections → the back office page', () => {
    for (const path of ['/admin', '/admin/coupons', '/admin/orders']) assert.equal(pageAt(path).page, 'backOffice', path);
  });

  it('anything else, another case, a missing or an extra segment → not found', () => {
    for (const path of ['/nope', '/Cart', '/ADMIN', '/adminx', '/products', '/products/', '/products/a/b', '/orders/a/b', '/sign-in/x']) {
      assert.equal(pageAt(path).page, 'notFound', path);
    }
  });

  it('a trailing slash is ignored (React Router; the hand-written router said not found for /cart/)', () => {
    assert.equal(pageAt('/cart/').page, 'cart');
    assert.deepEqual(pageAt('/products/p1/'), { page: 'product', params: { id: 'p1' } });
  });
});
