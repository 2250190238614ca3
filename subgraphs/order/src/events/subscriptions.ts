/** The events the order subgraph consumes, one per line; its queue's bindings derive from this list. */
import {
  CartCheckedOut,
  CouponRedeemed,
  CouponRedemptionFailed,
  CouponRedemptionReleased,
  on,
  PaymentAuthorized,
  PaymentCaptured,
  PaymentCaptureFailed,
  PaymentDeclined,
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
import { onPaymentAuthorized } from './handlers/payment-authorized';
import { onPaymentCaptured } from './handlers/payment-captured';
import { onPaymentCaptureFailed } from './handlers/payment-capture-failed';
import { onPaymentDeclined } from './handlers/payment-declined';
import { onStockReleased } from './handlers/stock-released';
import { onStockReservationFailed } from './handlers/stock-reservation-failed';
import { onStockReserved } from './handlers/stock-reserved';

export const orderSubscriptions = (deps: OrderDeps): Subscription<OrderStore>[] => [
  on(CartCheckedOut, onCartCheckedOut(deps)),
  on(StockReserved, onStockReserved(deps)),
  on(StockReservationFailed, onStockReservationFailed(deps)),
  on(CouponRedeemed, onCouponRedeemed(deps)),
  on(CouponRedemptionFailed, onCouponRedemptionFailed(deps)),
  on(PaymentAuthorized, onPaymentAuthorized(deps)),
  on(PaymentDeclined, onPaymentDeclined(deps)),
  on(PaymentCaptured, onPaymentCaptured(deps)),
  on(PaymentCaptureFailed, onPaymentCaptureFailed(deps)),
  on(StockReleased, onStockReleased(deps)),
  on(CouponRedemptionReleased, onCouponRedemptionReleased(deps)),
];
