import { cartIdOf } from '@shop/events';
import { waitFor } from '@shop/service-kit/testing';
import type { RunningDiscount } from '../src/server';
import {
  adminToken,
  APPLY,
  cartChanged,
  cartRepresentation,
  collectDiscountEvents,
  COUPON,
  ENTITIES,
  gql,
  orderCancelled,
  orderPlaced,
  publish,
  startDiscount,
  tokenFor,
} from './support';

// Embedded mode, as `npm start` runs without any infrastructure: PGlite in memory and the
// in-process bus the service creates itself.
let discount: RunningDiscount & { graphql: string };

beforeAll(async () => {
  discount = await startDiscount({ dataDir: 'memory://' });
});
afterAll(async () => {
  await discount?.stop();
});

it('runs on PGlite with the in-process bus: health, demo coupons, apply, totals, redeem and release', async () => {
  expect(discount.database.db.kind).toBe('pglite');
  const ready = await fetch(`${discount.url}/health/ready`);
  expect(ready.status).toBe(200);

  const probe = await collectDiscountEvents(discount.bus);
  try {
    const token = await tokenFor('embedded-alice');
    await publish(discount.bus, cartChanged('embedded-alice', 60_00));
    await waitFor(async () => (await discount.deps.data.store.cartSubtotals.find(cartIdOf('embedded-alice')))?.subtotal === 60_00);
    expect((await gql(discount, APPLY, { code: 'save20' }, token)).data?.applyCoupon.userErrors[0].code).toBe('COUPON_INVALID');
    expect((await gql(discount, APPLY, { code: 'welcome10' }, token)).data?.applyCoupon.userErrors).toEqual([]);

    const entities = await gql(discount, ENTITIES, { representations: [cartRepresentation('embedded-alice', '60.00')] }, token);
    expect(entities.data?._entities[0]).toMatchObject({ appliedCoupon: { code: 'WELCOME10', active: true }, discount: { amount: '6.00' }, total: { amount: '54.00' } });

    const placed = orderPlaced('embedded-alice', 60_00);
    await publish(discount.bus, placed);
    await waitFor(() => probe.ofOrder(placed.subject).length === 1, { what: 'CouponRedeemed' });
    expect(probe.ofOrder(placed.subject)[0]).toMatchObject({ type: 'CouponRedeemed', data: { couponCode: 'WELCOME10', discount: '6.00' } });
    const admin = await adminToken();
    expect((await gql(discount, COUPON, { code: 'WELCOME10' }, admin)).data?.coupon.redemptions).toBe(1);

    await publish(discount.bus, orderCancelled('embedded-alice', placed.subject));
    await waitFor(() => probe.ofOrder(placed.subject).length === 2, { what: 'CouponRedemptionReleased' });
    expect(probe.ofOrder(placed.subject)[1]).toMatchObject({ type: 'CouponRedemptionReleased', data: { couponCode: 'WELCOME10' } });
    expect((await gql(discount, COUPON, { code: 'WELCOME10' }, admin)).data?.coupon.redemptions).toBe(0);
  } finally {
    await probe.stop();
  }
});
