import type { CodegenConfig } from '@graphql-codegen/cli';

// Every operation the storefront sends is a contract document, typed against the schema the web
// BFF serves (its committed snapshot): a contract change or a schema change fails the build.
const config: CodegenConfig = {
  schema: '../gateways/web-bff/schema.snapshot.graphql',
  documents: ['../contract/storefront.graphql', '../contract/admin.graphql'],
  ignoreNoDocuments: false,
  generates: {
    'src/gql/': {
      preset: 'client',
      presetConfig: { fragmentMasking: false },
      config: {
        scalars: { Decimal: 'string', DateTime: 'string', ID: 'string' },
        enumsAsTypes: true,
        useTypeImports: true,
      },
    },
  },
};
export default config;
