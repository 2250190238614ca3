import { DecimalScalar } from '@shop/service-kit';
import type { Resolvers } from '../generated/resolvers-types';
import { Cart, CartLine } from './cart';
import { Mutation } from './mutation';
import { Query } from './query';

export const resolvers: Resolvers = { Decimal: DecimalScalar, Query, Mutation, Cart, CartLine };
