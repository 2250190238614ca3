import type { GraphQLDataSourceProcessOptions } from '@apollo/gateway';
// the request kind's enum is not re-exported by the package's index (its type is)
import { GraphQLDataSourceRequestKind } from '@apollo/gateway/dist/datasources/types';
import { ERRORS, errorCodeDef, operationFromDocument, Supergraph } from '@apollo/federation-internals';
import { QueryPlanner, type FetchNode } from '@apollo/query-planner';
import type { GatewayExecutionResult, GatewayExecutor, GatewayGraphQLRequestContext, GatewayGraphQLResponse } from '@apollo/server-gateway-interface';
import {
  getNamedType,
  getVariableValues,
  GraphQLError,
  isEnumType,
  isNonNullType,
  isObjectType,
  Kind,
  parse,
  print,
  type DocumentNode,
  type FieldDefinitionNode,
  type FragmentDefinitionNode,
  type GraphQLFormattedError,
  type GraphQLObjectType,
  type GraphQLSchema,
  type OperationDefinitionNode,
  type SelectionSetNode,
  type VariableDefinitionNode,
} from 'graphql';

/**
 * The answer of a plan that is one fetch from one subgraph, without the gateway's re-shaping.
 *
 * For such a plan the gateway sends the subgraph a query, then builds a federation `Operation` of
 * the client's document and walks the subgraph's data with it (`computeResponse`): a third of its
 * CPU on the `browse` workload, to produce what the subgraph already answered. That walk changes
 * nothing when the subgraph's query selects exactly the client's fields (same response keys, same
 * order, no `__typename` or key fields added by the planner), with no directive, no abstract type,
 * and every selected field of the same type in that subgraph as in the API (so its own execution
 * made the same nulls) and no enum with values hidden from the API. Those plans are decided once
 * per document and answered here: the variables coerced against the API schema as the gateway does
 * (its errors word for word), the same data source (headers, tracing, metrics, de-duplication and
 * caches), the subgraph's errors passed on as the gateway passes them (`serviceName`, the same
 * codes), then Apollo Server's masking and plugins as for any result. Every other plan — entity
 * jumps, `@requires`, several subgraphs, introspection — goes to the gateway's executor.
 */
export interface SingleFetchOptions {
  supergraphSdl: string;
  /** the gateway's data source of a subgraph by name (the one its executor uses) */
  dataSource: (subgraph: string) => ForwardingDataSource | undefined;
}

/** A subgraph's data source as single-fetch plans use it (subgraph-data-source.ts). */
export interface ForwardingDataSource {
  /**
   * The fetch's answer, as `process` would give it; data alone may come as data that keeps the
   * subgraph's text, with these root keys (forwarded-data.ts)
   */
  processForwarded(options: GraphQLDataSourceProcessOptions, rootKeys: readonly string[]): Promise<GatewayGraphQLResponse>;
}

interface Forwarded {
  fetch: FetchNode;
  /** the client operation's variables, coerced on every request as the gateway coerces them */
  variableDefinitions: readonly VariableDefinitionNode[];
  /** the client operation's root response keys, and whether any is non-null (a missing answer nulls all data) */
  rootKeys: string[];
  nonNullRoot: boolean;
}

type Decision = Forwarded | null;

/** Wraps the gateway's executor: single-fetch plans answered directly, the rest passed through. */
export function singleFetchExecutor(gatewayExecutor: GatewayExecutor, options: SingleFetchOptions): GatewayExecutor {
  const decide = singleFetchPlans(options.supergraphSdl);
  return async (requestContext) => {
    // federated traces (usage reporting) need the gateway's own trace nodes
    if (requestContext.metrics?.captureTraces) return gatewayExecutor(requestContext);
    const forwarded = decide(requestContext.schema, requestContext.document, requestContext.request.operationName ?? undefined);
    if (!forwarded) return gatewayExecutor(requestContext);
    const dataSource = options.dataSource(forwarded.fetch.serviceName);
    if (!dataSource) return gatewayExecutor(requestContext);
    return answer(forwarded, dataSource, requestContext);
  };
}

async function answer(forwarded: Forwarded, dataSource: ForwardingDataSource, requestContext: GatewayGraphQLRequestContext): Promise<GatewayExecutionResult> {
  const provided = requestContext.request.variables ?? {};
  if (forwarded.variableDefinitions.length > 0) {
    const { errors } = getVariableValues(requestContext.schema, forwarded.variableDefinitions, provided);
    if (errors) return { errors };
  }
  const { fetch } = forwarded;
  // as the gateway sends them: only the variables the subgraph's query uses, as the client gave them
  const variables: Record<string, unknown> = Object.create(null);
  for (const name of fetch.variableUsages ?? []) {
    if (Object.prototype.hasOwnProperty.call(provided, name) && provided[name] !== undefined) variables[name] = provided[name];
  }
  const request: GraphQLDataSourceProcessOptions = {
    kind: GraphQLDataSourceRequestKind.INCOMING_OPERATION,
    request: { query: fetch.operation, variables, operationName: fetch.operationName },
    incomingRequestContext: requestContext,
    context: requestContext.context,
    document: fetch.operationDocumentNode,
    pathInIncomingRequest: [],
  };
  const response = await dataSource.processForwarded(request, forwarded.rootKeys);
  const errors = response.errors?.map((error) => downstreamError(error, fetch.serviceName));
  if (errors && requestContext.metrics) {
    const paths = response.errors!.map((error) => ({ subgraph: fetch.serviceName, path: error.path }));
    requestContext.metrics.nonFtv1ErrorPaths = [...(requestContext.metrics.nonFtv1ErrorPaths ?? []), ...paths];
  }
  const data = response.data ?? missingData(forwarded);
  return errors?.length ? { errors, data } : { data };
}

/** What the gateway answers when the subgraph gave no data: each root field null, or no data when one may not be. */
function missingData({ rootKeys, nonNullRoot }: Forwarded): Record<string, unknown> | null {
  return nonNullRoot ? null : Object.fromEntries(rootKeys.map((key) => [key, null]));
}

/** A subgraph's error as the gateway reports it (executeQueryPlan's downstreamServiceError). */
function downstreamError(error: GraphQLFormattedError, serviceName: string): GraphQLError {
  const message = error.message || `Error while fetching subquery from service "${serviceName}"`;
  const options = { originalError: error as Error, path: error.path ? [...error.path] : undefined, extensions: { ...error.extensions, serviceName } };
  const known = errorCodeDef(error);
  if (!known && error.extensions?.code) return new GraphQLError(message, options);
  return (known ?? ERRORS.DOWNSTREAM_SERVICE_ERROR).err(message, options);
}

const operationOf = (document: DocumentNode, operationName: string | undefined): OperationDefinitionNode | undefined => {
  const operations = document.definitions.filter((d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION);
  return operationName === undefined ? (operations.length === 1 ? operations[0] : undefined) : operations.find((o) => o.name?.value === operationName);
};

/**
 * The decision for each document and operation name, made once (documents are Apollo Server's
 * parsed and validated ones: the same object for the same query text).
 */
export function singleFetchPlans(supergraphSdl: string): (schema: GraphQLSchema, document: DocumentNode, operationName: string | undefined) => Forwarded | undefined {
  const supergraph = Supergraph.build(supergraphSdl);
  const planner = new QueryPlanner(supergraph);
  const apiSchema = supergraph.apiSchema();
  const { retyped, enumValues } = supergraphFacts(supergraphSdl);
  const decisions = new WeakMap<DocumentNode, Map<string, Decision>>();
  return (schema, document, operationName) => {
    let byName = decisions.get(document);
    if (!byName) decisions.set(document, (byName = new Map()));
    const key = operationName ?? '';
    let decision = byName.get(key);
    if (decision === undefined) {
      decision = decideOnce();
      byName.set(key, decision);
    }
    return decision ?? undefined;

    function decideOnce(): Decision {
      const client = operationOf(document, operationName);
      if (!client || client.operation !== 'query') return null;
      let fetch: FetchNode;
      try {
        const plan = planner.buildQueryPlan(operationFromDocument(apiSchema, document, { operationName }));
        if (plan.node?.kind !== 'Fetch') return null;
        fetch = plan.node;
      } catch {
        return null; // the gateway reports what it cannot plan
      }
      if (fetch.requires || fetch.inputRewrites?.length || fetch.outputRewrites?.length || fetch.contextRewrites?.length || fetch.operationKind !== 'query') return null;
      const subgraphDocument = fetch.operationDocumentNode ?? parse(fetch.operation, { noLocation: true });
      const subgraphOperation = operationOf(subgraphDocument, fetch.operationName);
      const root = schema.getQueryType();
      if (!subgraphOperation || !root) return null;
      const checks = { schema, retyped, enumValues };
      const wanted = shapeOf(client.selectionSet, root, fragmentsOf(document), checks);
      const sent = shapeOf(subgraphOperation.selectionSet, root, fragmentsOf(subgraphDocument), checks);
      if (!wanted || !sent || !sameShape(wanted, sent)) return null;
      const rootFields = root.getFields();
      const rootKeys = [...wanted.keys()];
      const nonNullRoot = rootKeys.some((k) => isNonNullType(rootFields[wanted.get(k)!.name]?.type));
      return { fetch, variableDefinitions: client.variableDefinitions ?? [], rootKeys, nonNullRoot };
    }
  };
}

/** The fields an answer has, by response key in answer order: field name and the fields below. */
type Shape = Map<string, { name: string; below?: Shape }>;

interface ShapeChecks {
  schema: GraphQLSchema;
  /** `Type.field` whose type differs in some subgraph from the supergraph's */
  retyped: Set<string>;
  /** enum name → number of values in the supergraph (more than the API schema's: some hidden) */
  enumValues: Map<string, number>;
}

/**
 * The answer's shape for a selection set on an object type, fragments merged as execution merges
 * them; undefined when it cannot be known without the gateway: a directive, a fragment on another
 * type, an abstract or re-typed field, an enum with hidden values.
 */
function shapeOf(selectionSet: SelectionSetNode, parent: GraphQLObjectType, fragments: Map<string, FragmentDefinitionNode>, checks: ShapeChecks, into: Shape = new Map()): Shape | undefined {
  for (const selection of selectionSet.selections) {
    if (selection.directives?.length) return undefined;
    if (selection.kind === Kind.FIELD) {
      const name = selection.name.value;
      const key = selection.alias?.value ?? name;
      const known = into.get(key);
      if (known && known.name !== name) return undefined;
      if (name === '__typename') {
        into.set(key, { name });
        continue;
      }
      if (name.startsWith('__') || checks.retyped.has(`${parent.name}.${name}`)) return undefined;
      const field = parent.getFields()[name];
      if (!field) return undefined;
      const type = getNamedType(field.type);
      if (isEnumType(type) && type.getValues().length !== (checks.enumValues.get(type.name) ?? -1)) return undefined;
      if (!selection.selectionSet) {
        into.set(key, known ?? { name });
        continue;
      }
      if (!isObjectType(type)) return undefined;
      const below = shapeOf(selection.selectionSet, type, fragments, checks, known?.below ?? new Map());
      if (!below) return undefined;
      into.set(key, { name, below });
      continue;
    }
    const typeCondition = selection.kind === Kind.INLINE_FRAGMENT ? selection.typeCondition : fragments.get(selection.name.value)?.typeCondition;
    const fragmentSelections = selection.kind === Kind.INLINE_FRAGMENT ? selection.selectionSet : fragments.get(selection.name.value)?.selectionSet;
    if (!fragmentSelections || (typeCondition && typeCondition.name.value !== parent.name)) return undefined;
    if (selection.kind === Kind.FRAGMENT_SPREAD && fragments.get(selection.name.value)?.directives?.length) return undefined;
    if (!shapeOf(fragmentSelections, parent, fragments, checks, into)) return undefined;
  }
  return into;
}

function sameShape(a: Shape, b: Shape): boolean {
  if (a.size !== b.size) return false;
  const keysOfB = [...b.keys()];
  let i = 0;
  for (const [key, field] of a) {
    if (keysOfB[i++] !== key) return false;
    const other = b.get(key)!;
    if (other.name !== field.name || !field.below !== !other.below) return false;
    if (field.below && !sameShape(field.below, other.below!)) return false;
  }
  return true;
}

const fragmentsOf = (document: DocumentNode): Map<string, FragmentDefinitionNode> =>
  new Map(document.definitions.filter((d): d is FragmentDefinitionNode => d.kind === Kind.FRAGMENT_DEFINITION).map((f) => [f.name.value, f]));

/**
 * From the supergraph SDL: fields some subgraph declares with another type (`@join__field(type:)`
 * differing from the field's), and each enum's number of values (the API schema drops the
 * `@inaccessible` ones).
 */
function supergraphFacts(supergraphSdl: string): { retyped: Set<string>; enumValues: Map<string, number> } {
  const document = parse(supergraphSdl, { noLocation: true });
  const retyped = new Set<string>();
  const enumValues = new Map<string, number>();
  for (const definition of document.definitions) {
    if (definition.kind === Kind.ENUM_TYPE_DEFINITION) enumValues.set(definition.name.value, definition.values?.length ?? 0);
    if (definition.kind !== Kind.OBJECT_TYPE_DEFINITION && definition.kind !== Kind.INTERFACE_TYPE_DEFINITION) continue;
    for (const field of definition.fields ?? []) if (isRetyped(field)) retyped.add(`${definition.name.value}.${field.name.value}`);
  }
  return { retyped, enumValues };
}

function isRetyped(field: FieldDefinitionNode): boolean {
  const declared = print(field.type);
  return (field.directives ?? []).some((d) => {
    if (d.name.value !== 'join__field') return false;
    const type = d.arguments?.find((a) => a.name.value === 'type')?.value;
    return type?.kind === Kind.STRING && type.value !== declared;
  });
}
