import { Kind, parse, print, type DefinitionNode, type DocumentNode, type SchemaDefinitionNode } from 'graphql';

/**
 * The subscriptions the BFFs serve themselves over graphql-ws (@apollo/gateway executes none).
 * Declared on the subgraph that owns the payload type, so the API schema (introspection, Sandbox,
 * document validation, snapshots) shows them; the gateway never plans them (HTTP refuses them).
 */
const SUBSCRIPTION_FIELDS = {
  owner: 'order',
  payloadType: 'Order',
  sdl: `
  """
  Pushes the order every time its status changes (PENDING, CONFIRMED, REJECTED, CANCELLED,
  SHIPPED), resolved like \`order(id:)\` at that moment: any Order field, including fields other
  subgraphs contribute. Changes made before subscribing are pushed first, oldest first (from the
  order's history). Served over WebSocket (graphql-ws) on /graphql; the token goes in
  connection_init's payload as { "authorization": "Bearer <jwt>" }. Only the order's owner or an
  admin may subscribe; anyone else gets NOT_FOUND. Completes after a final status
  (REJECTED, CANCELLED, SHIPPED).
  """
  orderUpdated("The order to follow." orderId: ID!): Order!`,
};

const graphEnumValue = (doc: DocumentNode, subgraph: string): string | undefined => {
  for (const def of doc.definitions) {
    if (def.kind !== Kind.ENUM_TYPE_DEFINITION || def.name.value !== 'join__Graph') continue;
    for (const value of def.values ?? []) {
      const name = value.directives?.find((d) => d.name.value === 'join__graph')?.arguments?.find((a) => a.name.value === 'name')?.value;
      if (name?.kind === Kind.STRING && name.value === subgraph) return value.name.value;
    }
  }
  return undefined;
};

/**
 * Adds `type Subscription { orderUpdated(orderId: ID!): Order! }` to a supergraph that has no
 * Subscription root yet and has an Order type; otherwise returns the SDL unchanged.
 */
export function withBffSubscriptions(supergraphSdl: string): string {
  const doc = parse(supergraphSdl);
  const schemaDef = doc.definitions.find((d): d is SchemaDefinitionNode => d.kind === Kind.SCHEMA_DEFINITION);
  if (!schemaDef || schemaDef.operationTypes.some((o) => o.operation === 'subscription')) return supergraphSdl;
  const hasPayload = doc.definitions.some((d) => d.kind === Kind.OBJECT_TYPE_DEFINITION && d.name.value === SUBSCRIPTION_FIELDS.payloadType);
  const graph = graphEnumValue(doc, SUBSCRIPTION_FIELDS.owner);
  if (!hasPayload || !graph) return supergraphSdl;
  const extra = parse(`
    schema { subscription: Subscription }
    """
    Live updates, served by the BFF over WebSocket (graphql-ws protocol) on /graphql.
    """
    type Subscription @join__type(graph: ${graph}) {${SUBSCRIPTION_FIELDS.sdl}
    }
  `);
  const [extraSchema, subscriptionType] = extra.definitions as [SchemaDefinitionNode, DefinitionNode];
  const definitions = doc.definitions.map((d) =>
    d === schemaDef ? { ...schemaDef, operationTypes: [...schemaDef.operationTypes, ...extraSchema.operationTypes] } : d,
  );
  return `${print({ ...doc, definitions: [...definitions, subscriptionType] })}\n`;
}
