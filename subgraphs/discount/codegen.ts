import type { CodegenConfig } from '@graphql-codegen/cli';
import type { Types } from '@graphql-codegen/plugin-helpers';

// Resolver types for the discount subgraph: `npm run codegen -w subgraphs/discount`.
// The output is committed; test/codegen.test.ts fails when it is stale.
export const SCHEMA = 'schema.graphql';
export const OUTPUT = 'src/generated/resolvers-types.ts';

export const resolverTypes: Types.ConfiguredOutput = {
  plugins: ['typescript', 'typescript-resolvers'],
  config: {
    federation: true,
    useTypeImports: true,
    enumsAsTypes: true,
    avoidOptionals: { field: true, inputValue: false, object: false, defaultValue: false },
    contextType: '../context#DiscountContext',
    scalars: { Decimal: 'string', DateTime: 'Date' },
    mappers: {
      Cart: '../resolvers/mappers#CartParent',
      AppliedCoupon: '../resolvers/mappers#AppliedCouponParent',
      Coupon: '../resolvers/mappers#CouponParent',
      Money: '../resolvers/mappers#MoneyParent',
    },
  },
};

const config: CodegenConfig = { schema: SCHEMA, generates: { [OUTPUT]: resolverTypes } };

export default config;
