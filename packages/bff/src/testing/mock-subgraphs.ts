/**
 * Stand-ins for the real subgraphs in BFF tests: each serves its real `subgraphs/<name>/schema.graphql`
 * (so the BFF runs the real supergraph and contract) with every field answered by a type-shaped
 * mock value, and records every request it receives — what the BFF forwarded, and that refused
 * documents forwarded nothing.
 */
import { ApolloServer } from '@apollo/server';
import { ApolloServerPluginInlineTraceDisabled } from '@apollo/server/plugin/disabled';
import { buildSubgraphSchema } from '@apollo/subgraph';
import { createLogger, createMetrics, graphqlRoute, startHttpServer, type RunningServer } from '@shop/service-kit';
import {
  getNullableType,
  isEnumType,
  isInterfaceType,
  isListType,
  isObjectType,
  isScalarType,
  isUnionType,
  type GraphQLOutputType,
  type GraphQLSchema,
} from 'graphql';
import { REPO_ROOT } from '../config';
import { readSubgraphSchemas } from '@shop/schema-tools';

export interface RecordedRequest {
  subgraph: string;
  query: string;
  variables: Record<string, unknown>;
  headers: Record<string, string | string[] | undefined>;
}

export interface MockSubgraphs {
  /** SUBGRAPH_<NAME>_URL for each mock, to pass as BFF environment */
  env: Record<string, string>;
  /** every request the mocks received, oldest first */
  log: RecordedRequest[];
  requests(): number;
  stop(): Promise<void>;
}

const SCALARS: Record<string, (type: string) => unknown> = {
  ID: (type) => `${type.toLowerCase()}-1`,
  String: () => 'text',
  Int: () => 1,
  Float: () => 1.5,
  Boolean: () => true,
  Decimal: () => '12.50',
  DateTime: () => '2026-01-01T00:00:00.000Z',
};

function mockValue(type: GraphQLOutputType, parentType: string, schema: GraphQLSchema): unknown {
  const inner = getNullableType(type);
  if (isListType(inner)) return [mockValue(inner.ofType, parentType, schema), mockValue(inner.ofType, parentType, schema)];
  if (isScalarType(inner)) return (SCALARS[inner.name] ?? (() => 'value'))(parentType);
  if (isEnumType(inner)) return inner.getValues()[0].value;
  if (isInterfaceType(inner) || isUnionType(inner)) return { __typename: schema.getPossibleTypes(inner)[0].name };
  return {};
}

/** Gives every field without a resolver one that returns the parent's value or a type-shaped mock. */
function mockEveryField(schema: GraphQLSchema): GraphQLSchema {
  for (const type of Object.values(schema.getTypeMap())) {
    if (!isObjectType(type) || type.name.startsWith('_')) continue;
    for (const field of Object.values(type.getFields())) {
      if (field.resolve || field.name.startsWith('_')) continue;
      field.resolve = (parent: unknown, _args, _ctx, info) => {
        const own = parent !== null && typeof parent === 'object' ? (parent as Record<string, unknown>)[info.fieldName] : undefined;
        return own !== undefined ? own : mockValue(field.type, type.name, schema);
      };
    }
  }
  return schema;
}

/** Starts one mock per `subgraphs/<name>/schema.graphql` on free ports. */
export async function startMockSubgraphs(root = REPO_ROOT): Promise<MockSubgraphs> {
  const logger = createLogger('mock-subgraph', 'silent');
  const log: RecordedRequest[] = [];
  const servers: { apollo: ApolloServer; server: RunningServer }[] = [];
  const env: Record<string, string> = {};
  for (const { name, typeDefs } of readSubgraphSchemas(root)) {
    const apollo = new ApolloServer({
      schema: mockEveryField(buildSubgraphSchema({ typeDefs })),
      csrfPrevention: false,
      stopOnTerminationSignals: false,
      plugins: [ApolloServerPluginInlineTraceDisabled()],
    });
    await apollo.start();
    const route = graphqlRoute(apollo, async () => ({}));
    const server = await startHttpServer({
      port: 0,
      logger,
      metrics: createMetrics(`mock-${name}`),
      readiness: {},
      shutdownTimeoutMs: 500,
      routes: {
        '* /graphql': (req, res, body) => {
          const parsed = JSON.parse(body.toString('utf8') || '{}') as { query?: string; variables?: Record<string, unknown> };
          log.push({ subgraph: name, query: parsed.query ?? '', variables: parsed.variables ?? {}, headers: req.headers });
          return route(req, res, body);
        },
      },
    });
    servers.push({ apollo, server });
    env[`SUBGRAPH_${name.toUpperCase()}_URL`] = `${server.url}/graphql`;
  }
  return {
    env,
    log,
    requests: () => log.length,
    async stop() {
      await Promise.all(servers.map(async ({ apollo, server }) => {
        await server.stop();
        await apollo.stop();
      }));
    },
  };
}
