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
  const variableDefaults = new Map<string, unknown>();
  for (const def of document.definitions) {
    if (def.kind !== Kind.OPERATION_DEFINITION) continue;
    for (const v of def.variableDefinitions ?? []) {
      if (v.defaultValue) variableDefaults.set(v.variable.name.value, valueFromASTUntyped(v.defaultValue));
    }
  }
  const filled: Record<string, unknown> = {};
  const check = (value: unknown, where: string) => {
    if (typeof value === 'number' && Number.isInteger(value) && (value < 0 || value > limits.maxFirst)) throw tooLarge(value, limits.maxFirst, where);
  };
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
          if (limits.defaultFirst === undefined) return undefined;
          const others = (node.arguments ?? []).filter((a) => a !== arg);
          return { ...node, arguments: [...others, intArgument(limits.defaultFirst)] };
        }
        if (arg.value.kind === Kind.VARIABLE) {
          const name = arg.value.name.value;
          const value = variables[name] ?? variableDefaults.get(name);
          if ((value === undefined || value === null) && limits.defaultFirst !== undefined) filled[name] = limits.defaultFirst;
          check(value, where);
        } else if (arg.value.kind === Kind.INT) {
          check(Number(arg.value.value), where);
        }
        return undefined;
      },
    }),
  );
  return { document: rewritten, variables: Object.keys(filled).length > 0 ? { ...variables, ...filled } : variables };
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
