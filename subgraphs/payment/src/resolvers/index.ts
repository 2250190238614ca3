import { DateTimeScalar, DecimalScalar } from '@shop/service-kit';
import type { PaymentContext } from '../context';
import type { Resolvers } from '../generated/resolvers-types';
import { Mutation } from './mutation';
import { Order } from './order';
import { Payment, PaymentEvent } from './payment';

/** Every payment resolver, typed by the generated resolver types (src/generated, from schema.graphql). */
export const resolvers: Resolvers<PaymentContext> = {
  Decimal: DecimalScalar,
  DateTime: DateTimeScalar,
  Mutation,
  Order,
  Payment,
  PaymentEvent,
};
