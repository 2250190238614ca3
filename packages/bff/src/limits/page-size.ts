import type { ApolloServerPlugin, GraphQLRequestContextDidResolveOperation } from '@apollo/server';
import { ErrorCode } from '@shop/service-kit';
import {
  getNamedType,
  GraphQLError,
  Kind,
  TypeInfo,
  valueFromASTUntyped,
  visit,
  visitWithTypeInfo,
  type ArgumentNode,
  type DocumentNode,
  type FieldNode,
  type GraphQLField,
  type GraphQLSchema,
} from 'graphql';

export interface PageSizeLimits {
  maxFirst: number;
  /** applied to connection fields whose `first` is absent or null */
  defaultFirst?: number;
}

/** A Relay connection field: returns a `…Connection` type and takes `first`. */
const isConnectionField = (field: GraphQLField<unknown, unknown>) =>
  getNamedType(field.type).name.endsWith('Connection') && field.args.some((a) => a.name === 'first');

const tooLarge = (given: unknown, max: number, where: string) =>
  new GraphQLError(`first must be between 0 and ${max} on ${where} (got ${String(given)})`, {
    extensions: { code: ErrorCode.BadUserInput, argumentName: 'first', http: { status: 400 } },
  });

const intArgument = (value: number): ArgumentNode => ({
  kind: Kind.ARGUMENT,
  name: { kind: Kind.NAME, value: 'first' },
  value: { kind: Kind.INT, value: String(value) },
});

export interface PageSizeResult {
  document: DocumentNode;
  variables: Record<string, unknown>;
}

/** Where one connection field's `first` comes from, as a document states it. */
type FirstSource = { kind: 'literal'; value: number; where: string } | { kind: 'variable'; name: string; where: string };

/** What a document needs checked per request, worked out once per document (see `planPageSize`). */
interface PageSizePlan {
  /** the document with the default filled in where `first` is absent or a null literal */
  document: DocumentNode;
  sources: FirstSource[];
  variableDefaults: Map<string, unknown>;
}

/** One pass over the document with the schema: which connection fields it has and their `first`. */
function planPageSize(schema: GraphQLSchema, document: DocumentNode, defaultFirst: number | undefined): PageSizePlan {
  const variableDefaults = new Map<string, unknown>();
  for (const def of document.definitions) {
    if (def.kind !== Kind.OPERATION_DEFINITION) continue;
    for (const v of def.variableDefinitions ?? []) {
      if (v.defaultValue) variableDefaults.set(v.variable.name.value, valueFromASTUntyped(v.defaultValue));
    }
  }
  const sources: FirstSource[] = [];
  const typeInfo = new TypeInfo(schema);
  const rewritten = visit(
    document,
    visitWithTypeInfo(typeInfo, {
      Field(node: FieldNode): FieldNode | undefined {
        const field = typeInfo.getFieldDef();
        if (!field || !isConnectionField(field)) return undefined;
        const where = `${typeInfo.getParentType()?.name ?? '?'}.${field.name}`;
        const arg = node.arguments?.find((a) => a.name.value === 'first');
        if (!arg || arg.value.kind === Kind.NULL) {
          if (defaultFirst === undefined) return undefined;
          const others = (node.arguments ?? []).filter((a) => a !== arg);
          return { ...node, arguments: [...others, intArgument(defaultFirst)] };
        }
        if (arg.value.kind === Kind.VARIABLE) sources.push({ kind: 'variable', name: arg.value.name.value, where });
        else if (arg.value.kind === Kind.INT) sources.push({ kind: 'literal', value: Number(arg.value.value), where });
        return undefined;
      },
    }),
  );
  return { document: rewritten, sources, variableDefaults };
}

/**
 * Plans by schema and document object: Apollo Server hands every request for the same query text
 * the same parsed document (its document store), so the schema walk happens once per document
 * and each request only looks at its variables. Keyed weakly: a reloaded schema or an evicted
 * document takes its plans with it.
 */
const plans = new WeakMap<GraphQLSchema, WeakMap<DocumentNode, Map<number | undefined, PageSizePlan>>>();

function cachedPlan(schema: GraphQLSchema, document: DocumentNode, defaultFirst: number | undefined): PageSizePlan {
  let bySchema = plans.get(schema);
  if (!bySchema) plans.set(schema, (bySchema = new WeakMap()));
  let byDocument = bySchema.get(document);
  if (!byDocument) bySchema.set(document, (byDocument = new Map()));
  let plan = byDocument.get(defaultFirst);
  if (!plan) byDocument.set(defaultFirst, (plan = planPageSize(schema, document, defaultFirst)));
  return plan;
}

/**
 * Checks every connection field's `first` (literal, variable or variable default) against the cap
 * and, with a default, fills it in where the document leaves it out: as a literal argument when
 * absent, as the variable's value when the variable is absent or null. Runs after validation and
 * before query planning, so the subgraphs receive the rewritten document. Throws BAD_USER_INPUT.
 */
export function enforcePageSize(
  schema: GraphQLSchema,
  document: DocumentNode,
  variables: Record<string, unknown>,
  limits: PageSizeLimits,
): PageSizeResult {
  const plan = cachedPlan(schema, document, limits.defaultFirst);
  const filled: Record<string, unknown> = {};
  for (const source of plan.sources) {
    const value = source.kind === 'literal' ? source.value : (variables[source.name] ?? plan.variableDefaults.get(source.name));
    if (source.kind === 'variable' && (value === undefined || value === null) && limits.defaultFirst !== undefined) filled[source.name] = limits.defaultFirst;
    if (typeof value === 'number' && Number.isInteger(value) && (value < 0 || value > limits.maxFirst)) throw tooLarge(value, limits.maxFirst, source.where);
  }
  return { document: plan.document, variables: Object.keys(filled).length > 0 ? { ...variables, ...filled } : variables };
}

/** Apollo Server plugin running `enforcePageSize` on every operation after validation. */
export function pageSizePlugin<Ctx extends object>(limits: PageSizeLimits): ApolloServerPlugin<Ctx> {
  return {
    async requestDidStart() {
      return {
        async didResolveOperation(requestContext: GraphQLRequestContextDidResolveOperation<Ctx>) {
          const { document, variables } = enforcePageSize(requestContext.schema, requestContext.document, requestContext.request.variables ?? {}, limits);
          // the gateway plans and executes whatever document and variables the context holds now
          (requestContext as { document: DocumentNode }).document = document;
          requestContext.request.variables = variables;
        },
      };
    },
  };
}
