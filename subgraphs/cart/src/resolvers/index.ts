import { DateTimeScalar, DecimalScalar } from '@shop/service-kit';
import type { Resolvers } from '../generated/resolvers-types';
import { Cart, CartLine } from './cart';
import { Mutation } from './mutation';
import { Query } from './query';

export const resolvers: Resolvers = { Decimal: DecimalScalar, DateTime: DateTimeScalar, Query, Mutation, Cart, CartLine };
