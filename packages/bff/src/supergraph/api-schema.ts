import { ApolloGateway } from '@apollo/gateway';
import { lexicographicSortSchema, printSchema, type GraphQLSchema } from 'graphql';

const silent = { debug() {}, info() {}, warn() {}, error() {} };

/**
 * The API schema a gateway serves for this supergraph SDL (schema filter applied beforehand): exactly
 * what clients see in introspection and what documents are validated against. Throws when the
 * SDL is not a valid supergraph.
 */
export async function apiSchemaOf(supergraphSdl: string): Promise<GraphQLSchema> {
  const gateway = new ApolloGateway({ supergraphSdl, logger: silent });
  try {
    const { schema } = await gateway.load();
    return schema;
  } finally {
    await gateway.stop();
  }
}

/** The API schema as SDL, types sorted so the text only changes when the schema does. */
export const printApiSchema = (schema: GraphQLSchema): string => `${printSchema(lexicographicSortSchema(schema)).trimEnd()}\n`;
