import { DateTimeScalar, DecimalScalar } from '@shop/service-kit';
import type { Resolvers } from '../generated/resolvers-types';
import { Mutation } from './mutation';
import { Order, OrderEdge, OrderLine } from './order';
import { OrderConnection, OrderPageInfo, Query } from './query';

export const resolvers: Resolvers = {
  Decimal: DecimalScalar,
  DateTime: DateTimeScalar,
  Query,
  Mutation,
  Order,
  OrderLine,
  OrderEdge,
  OrderConnection,
  OrderPageInfo,
};
