import type { CodegenConfig } from '@graphql-codegen/cli';
import type { Types } from '@graphql-codegen/plugin-helpers';

// Resolver types for the payment subgraph: `npm run codegen -w subgraphs/payment`.
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
    contextType: '../context#PaymentContext',
    scalars: { Decimal: 'string', DateTime: 'Date' },
    mappers: {
      Order: '../resolvers/mappers#OrderParent',
      Payment: '../resolvers/mappers#PaymentParent',
      PaymentEvent: '../resolvers/mappers#PaymentEventParent',
      Money: '../resolvers/mappers#MoneyParent',
    },
  },
};

const config: CodegenConfig = { schema: SCHEMA, generates: { [OUTPUT]: resolverTypes } };

export default config;
