import { DateTimeScalar } from '@shop/service-kit';
import type { Resolvers } from '../generated/resolvers-types';
import { Mutation } from './mutation';
import { Query } from './query';

/** Every payment resolver, typed by the generated resolver types (src/generated, from schema.graphql). */
export const resolvers: Resolvers = {
  DateTime: DateTimeScalar,
  Query,
  Mutation,
  Payment: {
    __resolveReference: (reference, ctx) => ctx.loaders.payment.load(reference.id),
  },
};
