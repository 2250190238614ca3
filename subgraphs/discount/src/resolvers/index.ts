import { DateTimeScalar, DecimalScalar } from '@shop/service-kit';
import type { Resolvers } from '../generated/resolvers-types';
import { Cart } from './cart';
import type { DiscountContext } from '../context';
import { AppliedCoupon, Coupon } from './coupon';
import { Mutation } from './mutation';
import { Query } from './query';

export const resolvers: Resolvers<DiscountContext> = {
  Decimal: DecimalScalar,
  DateTime: DateTimeScalar,
  Query,
  Mutation,
  Cart,
  AppliedCoupon,
  Coupon,
};
