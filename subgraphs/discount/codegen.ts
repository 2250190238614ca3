import type { CodegenConfig } from '@graphql-codegen/cli';

// Resolver types for the discount subgraph: `npm run codegen -w subgraphs/discount`.
// The output is committed; src/resolvers/generated-types.test.ts fails when it is stale.
const config: CodegenConfig = {
  schema: 'schema.graphql',
  generates: {
    'src/generated/resolvers-types.ts': {
      plugins: ['typescript', 'typescript-resolvers'],
      config: {
        federation: true,
        useTypeImports: true,
        enumsAsTypes: true,
        avoidOptionals: { field: true, inputValue: false, object: false, defaultValue: false },
        contextType: '../resolvers/context#DiscountContext',
        scalars: { Decimal: 'string', DateTime: 'Date' },
        mappers: {
          Cart: '../resolvers/mappers#CartParent',
          AppliedCoupon: '../resolvers/mappers#AppliedCouponParent',
          Coupon: '../resolvers/mappers#CouponParent',
          Money: '../resolvers/mappers#MoneyParent',
        },
      },
    },
  },
};

export default config;
