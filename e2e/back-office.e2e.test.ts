/**
 * The back office through the web BFF with the admin documents, and what tokens may do:
 * admin → allowed, customer → FORBIDDEN, bad or expired token → UNAUTHENTICATED; nothing changes
 * on refusal or bad input.
 */
import { SignJWT } from 'jose';
import { TEST_JWT_SECRET, waitFor } from '@shop/service-kit/testing';
import type { ApolloClient } from '@apollo/client';
import { contractOperations } from '@shop/test-support';
import { run, startTestStack, type TestStack } from './support/stack';

const store = contractOperations('storefront');
const admin = contractOperations('admin');
let t: TestStack;
let boss: ApolloClient;
let brandId: string;
let categoryId: string;

beforeAll(async () => {
  t = await startTestStack();
  boss = t.client(await t.token('boss', ['admin']));
  const { data } = await run(t.client(), store.Facets);
  brandId = data.brands[0].id;
  categoryId = data.categories[0].id;
});
afterAll(() => t?.stop());

const productInput = (sku: string, overrides: Record<string, unknown> = {}) => ({
  sku,
  name: `Test ${sku}`,
  description: 'Made by the back-office test',
  brandId,
  categoryId,
  price: '24.90',
  initialStock: 3,
  ...overrides,
});

async function productCount(): Promise<number> {
  // signed in: never from the BFF's response cache, whose anonymous answers follow the catalog's events
  return (await run(boss, store.Products, { first: 1 })).data.products.totalCount;
}

describe('back office', () => {
  it('createProduct: the product is browsable at once and addable to carts once its event arrived', async () => {
    const created = await run(boss, admin.CreateProduct, { input: productInput('BO-1') });
    expect(created.errors).toEqual([]);
    expect(created.data.createProduct).toMatchObject({
      product: { sku: 'BO-1', price: { amount: '24.90', currencyCode: 'EUR' }, availableQuantity: 3, brand: { id: brandId } },
      userErrors: [],
    });
    const id = created.data.createProduct.product.id;
    expect((await run(t.client(), store.Product, { id })).data.product.name).toBe('Test BO-1');
    const shopper = t.client(await t.token());
    const line = await waitFor(
      async () => {
        const res = await run(shopper, store.AddToCart, { productId: id, quantity: 1 });
        return res.data.addToCart.cart.lines.find((l: { product: { id: string } }) => l.product.id === id);
      },
      { what: 'the new product to reach the cart replica' },
    );
    expect(line.unitPrice.amount).toBe('24.90');
  });

  it('a duplicate SKU → SKU_TAKEN; a negative price or stock → BAD_INPUT; nothing is created', async () => {
    await run(boss, admin.CreateProduct, { input: productInput('BO-2') });
    const before = await productCount();
    const duplicate = await run(boss, admin.CreateProduct, { input: productInput('BO-2') });
    expect(duplicate.data.createProduct.userErrors[0]).toMatchObject({ code: 'SKU_TAKEN' });
    const negativePrice = await run(boss, admin.CreateProduct, { input: productInput('BO-3', { price: '-1.00' }) });
    expect(negativePrice.data.createProduct.userErrors[0]).toMatchObject({ code: 'BAD_INPUT' });
    const negativeStock = await run(boss, admin.CreateProduct, { input: productInput('BO-4', { initialStock: -5 }) });
    expect(negativeStock.data.createProduct.userErrors[0]).toMatchObject({ code: 'BAD_INPUT' });
    expect(await productCount()).toBe(before);
  });

  it('adjustStock never takes stock below zero', async () => {
    const { data } = await run(boss, admin.CreateProduct, { input: productInput('BO-5', { initialStock: 2 }) });
    const id = data.createProduct.product.id;
    const down = await run(boss, admin.AdjustStock, { productId: id, delta: -3 });
    expect(down.data.adjustStock.userErrors.length).toBe(1);
    expect((await run(boss, store.Product, { id })).data.product.availableQuantity).toBe(2);
    const out = await run(boss, admin.AdjustStock, { productId: id, delta: -2 });
    expect(out.data.adjustStock.product).toMatchObject({ availableQuantity: 0, inStock: false });
  });

  it('a customer token → FORBIDDEN; no token → UNAUTHENTICATED; nothing changes', async () => {
    const before = await productCount();
    const customer = await run(t.client(await t.token()), admin.CreateProduct, { input: productInput('BO-6') });
    expect(customer.errors[0]?.extensions?.code).toBe('FORBIDDEN');
    const anonymous = await run(t.client(), admin.CreateProduct, { input: productInput('BO-7') });
    expect(anonymous.errors[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    const coupon = await run(t.client(await t.token()), admin.CreateCoupon, {
      input: { code: 'HACK', description: 'x', kind: 'PERCENTAGE', value: '100.00' },
    });
    expect(coupon.errors[0]?.extensions?.code).toBe('FORBIDDEN');
    expect(await productCount()).toBe(before);
  });

  it('a token with a bad signature or an expired one → UNAUTHENTICATED even for public fields', async () => {
    const forged = await new SignJWT({ roles: ['admin'] }).setProtectedHeader({ alg: 'HS256' }).setSubject('mallory').setExpirationTime('1h').sign(new TextEncoder().encode('x'.repeat(40)));
    const expired = await new SignJWT({ roles: ['admin'] })
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject('boss')
      .setExpirationTime(Math.floor(Date.now() / 1000) - 120) // beyond the 30 s clock skew tolerated
      .sign(new TextEncoder().encode(TEST_JWT_SECRET));
    for (const token of [forged, expired, 'not-a-jwt']) {
      const res = await run(t.client(token), admin.CreateProduct, { input: productInput('BO-8') });
      expect(res.errors[0]?.extensions?.code).toBe('UNAUTHENTICATED');
      const facets = await run(t.client(token), store.Facets);
      expect(facets.errors[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    }
  });

  it('malformed input: a price that is not a decimal, a wrong variable type → clear errors', async () => {
    const notDecimal = await run(boss, admin.CreateProduct, { input: productInput('BO-9', { price: '12.345' }) });
    expect(notDecimal.errors[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    const wrongType = await run(boss, admin.AdjustStock, { productId: 'x', delta: 'many' });
    expect(wrongType.errors[0]?.extensions?.code).toBe('BAD_USER_INPUT');
  });

  it('a coupon exhausted between apply and checkout → the order is REJECTED and its stock released', async () => {
    const coupon = await run(boss, admin.CreateCoupon, {
      input: { code: 'ONCE', description: 'one use', kind: 'FIXED_AMOUNT', value: '5.00', maxRedemptions: 1 },
    });
    expect(coupon.data.createCoupon).toMatchObject({ coupon: { code: 'ONCE', redemptions: 0, maxRedemptions: 1 }, userErrors: [] });
    const { data } = await run(boss, admin.CreateProduct, { input: productInput('BO-10', { initialStock: 10 }) });
    const productId = data.createProduct.product.id;
    const shoppers = [t.client(await t.token()), t.client(await t.token())];
    for (const shopper of shoppers) {
      await waitFor(async () => (await run(shopper, store.AddToCart, { productId, quantity: 1 })).data.addToCart.userErrors.length === 0, {
        what: 'product addable',
      });
      await waitFor(async () => (await run(shopper, store.ApplyCoupon, { code: 'once' })).data.applyCoupon.userErrors.length === 0, {
        what: 'coupon applicable',
      });
    }
    const orderIds: string[] = [];
    for (const shopper of shoppers) orderIds.push((await run(shopper, store.Checkout, { idempotencyKey: 'k' })).data.checkout.orderId);
    const statuses = await Promise.all(
      orderIds.map((id, i) =>
        waitFor(
          async () => {
            const o = (await run(shoppers[i], store.Order, { id })).data.order;
            return ['CONFIRMED', 'REJECTED'].includes(o?.status) ? o : undefined;
          },
          { what: 'order settled' },
        ),
      ),
    );
    expect(statuses.map((o) => o.status).sort()).toEqual(['CONFIRMED', 'REJECTED']);
    expect(statuses.find((o) => o.status === 'REJECTED')!.statusReason).toMatch(/\S/);
    await waitFor(async () => (await run(t.client(), store.Product, { id: productId })).data.product.availableQuantity === 9, {
      what: 'the rejected order to give its unit back',
    });
  });

  it('Orders by status: the admin sees every customer\'s orders of that status, newest first; a customer → FORBIDDEN', async () => {
    const { data } = await run(boss, admin.CreateProduct, { input: productInput('BO-20', { initialStock: 5 }) });
    const productId = data.createProduct.product.id;
    const shopperSub = `orders-${Date.now()}`;
    const shopper = t.client(await t.token(shopperSub));
    await waitFor(async () => (await run(shopper, store.AddToCart, { productId, quantity: 2 })).data.addToCart.userErrors.length === 0, { what: 'product addable' });
    const orderId = (await run(shopper, store.Checkout, { idempotencyKey: 'orders-list' })).data.checkout.orderId;
    const confirmed = await waitFor(
      async () => {
        const page = (await run(boss, admin.Orders, { status: 'CONFIRMED', first: 100 })).data.orders;
        return page.edges.find((e: { node: { id: string } }) => e.node.id === orderId)?.node;
      },
      { what: 'the order listed as CONFIRMED' },
    );
    expect(confirmed).toMatchObject({ customerId: shopperSub, status: 'CONFIRMED', lines: [{ productName: 'Test BO-20', quantity: 2 }] });
    const pending = (await run(boss, admin.Orders, { status: 'PENDING', first: 100 })).data.orders;
    expect(pending.edges.map((e: { node: { id: string } }) => e.node.id)).not.toContain(orderId);
    const refused = await run(shopper, admin.Orders, { first: 5 });
    expect(refused.errors[0]?.extensions?.code).toBe('FORBIDDEN');
  });

  it('StockLevels: every product with its units available, anonymous too', async () => {
    await run(boss, admin.CreateProduct, { input: productInput('BOLEVELS', { initialStock: 7 }) });
    const levels = await run(t.client(), admin.StockLevels, { filter: { search: 'BOLEVELS' }, first: 5 });
    expect(levels.errors).toEqual([]);
    expect(levels.data.products.edges.map((e: { node: unknown }) => e.node)).toEqual([expect.objectContaining({ sku: 'BOLEVELS', availableQuantity: 7, inStock: true })]);
  });
});
