import { DateTimeScalar, DecimalScalar } from '@shop/service-kit';
import type { Resolvers } from '../generated/resolvers-types';
import { Mutation } from './mutation';
import { Brand, Category, Product, ProductConnection } from './product';
import { Query } from './query';

/** Every catalog resolver, typed by the generated resolver types (src/generated, from schema.graphql). */
export const resolvers: Resolvers = {
  Decimal: DecimalScalar,
  DateTime: DateTimeScalar,
  Query,
  Mutation,
  Product,
  Brand,
  Category,
  ProductConnection,
};

