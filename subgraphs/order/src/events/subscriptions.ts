/** The events the order subgraph consumes, one per line; its queue's bindings derive from this list. */
import {
  CartCheckedOut,
  CouponRedeemed,
  CouponRedemptionFailed,
  CouponRedemptionReleased,
  on,
  StockReleased,
  StockReservationFailed,
  StockReserved,
  type Subscription,
} from '@shop/events';
import type { OrderStore } from '../data/store';
import type { OrderDeps } from '../use-cases/deps';
import { onCartCheckedOut } from './handlers/cart-checked-out';
import { onCouponRedeemed } from './handlers/coupon-redeemed';
import { onCouponRedemptionFailed } from './handlers/coupon-redemption-failed';
import { onCouponRedemptionReleased } from './handlers/coupon-redemption-released';
import { onStockReleased } from './handlers/stock-released';
import { onStockReservationFailed } from './handlers/stock-reservation-failed';
import { onStockReserved } from './handlers/stock-reserved';

export const orderSubscriptions = (deps: OrderDeps): Subscription<OrderStore>[] => [
  on(CartCheckedOut, onCartCheckedOut(deps)),
  on(StockReserved, onStockReserved(deps)),
  on(StockReservationFailed, onStockReservationFailed(deps)),
  on(CouponRedeemed, onCouponRedeemed(deps)),
  on(CouponRedemptionFailed, onCouponRedemptionFailed(deps)),
  on(StockReleased, onStockReleased(deps)),
  on(CouponRedemptionReleased, onCouponRedemptionReleased(deps)),
];
