import {
  getNamedType,
  Kind,
  parse,
  TypeInfo,
  visit,
  visitWithTypeInfo,
  type DocumentNode,
  type FragmentDefinitionNode,
  type GraphQLSchema,
  type OperationDefinitionNode,
  type ValueNode,
} from 'graphql';

/**
 * Which data may be shared between anonymous callers: root query fields and the types below
 * them whose every change the catalog announces with an event (ProductCreated,
 * ProductPriceChanged, ProductStockChanged), so an entry can be dropped the moment it goes stale.
 */
export interface CachePolicy {
  /** Query fields an operation may select (and no other) */
  rootFields: readonly string[];
  /** object types whose fields may be selected anywhere below those root fields */
  publicTypes: readonly string[];
  /**
   * a root field that reads one product by `id`: its entries are tagged with that id, so a change
   * to another product leaves them in place; every other entry is a list, dropped on any change
   */
  productByIdField?: string;
}

/** The storefront's public catalog (contract/storefront.graphql: Facets, Products, Product). */
export const PUBLIC_CATALOG: CachePolicy = {
  rootFields: ['products', 'product', 'brands', 'categories'],
  publicTypes: ['Product', 'Brand', 'Category', 'ProductConnection', 'ProductEdge', 'ProductPageInfo', 'Money'],
  productByIdField: 'product',
};

/** Where the product id of a `product(id:)` root field comes from. */
type IdSource = { literal: string } | { variable: string };

export type CachingPlan =
  | { cacheable: false; reason: string }
  /** `productIds` null: a list (or facets), invalidated by any catalog event */
  | { cacheable: true; idSources: IdSource[] | null };

/**
 * Decides once per document whether its answers may be shared: a query (not a mutation or
 * subscription), one operation, only the policy's root fields and public types (plus
 * __typename), no introspection, no @defer/@stream. Anything it cannot prove safe is not
 * cacheable; validation errors are Apollo's to report (an answer with errors is never stored).
 */
export function planCaching(schema: GraphQLSchema, document: DocumentNode, operationName: string | undefined, policy: CachePolicy): CachingPlan {
  const operations = document.definitions.filter((d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION);
  const operation = operationName ? operations.find((o) => o.name?.value === operationName) : operations.length === 1 ? operations[0] : undefined;
  if (!operation) return { cacheable: false, reason: 'no single operation' };
  if (operation.operation !== 'query') return { cacheable: false, reason: operation.operation };

  const rootFields = new Set(policy.rootFields);
  const publicTypes = new Set(policy.publicTypes);
  const queryType = schema.getQueryType()?.name;
  const typeInfo = new TypeInfo(schema);
  let refusal: string | undefined;
  const idSources: IdSource[] = [];
  let onlyProductById = true;
  const refuse = (reason: string) => {
    refusal ??= reason;
  };
  // the operation and the fragments it spreads, transitively (unknown ones fail validation)
  const scope: DocumentNode = { kind: Kind.DOCUMENT, definitions: [operation, ...fragmentsSpreadBy(operation, document)] };
  visit(
    scope,
    visitWithTypeInfo(typeInfo, {
      Directive(node) {
        if (node.name.value === 'defer' || node.name.value === 'stream') refuse(`@${node.name.value}`);
      },
      Field(node) {
        const name = node.name.value;
        if (name === '__typename') return;
        if (name.startsWith('__')) return refuse('introspection');
        const parent = typeInfo.getParentType();
        const field = typeInfo.getFieldDef();
        if (!parent || !field) return refuse(`unknown field ${name}`);
        if (parent.name === queryType) {
          if (!rootFields.has(name)) return refuse(`Query.${name} is not public catalog data`);
          if (name !== policy.productByIdField) onlyProductById = false;
          else {
            const source = idSourceOf(node.arguments?.find((a) => a.name.value === 'id')?.value);
            if (source) idSources.push(source);
            else onlyProductById = false;
          }
        } else if (!publicTypes.has(parent.name)) {
          return refuse(`${parent.name}.${name} is not public catalog data`);
        }
        const named = getNamedType(field.type);
        if ('getFields' in named && !publicTypes.has(named.name)) refuse(`${named.name} is not public catalog data`);
      },
    }),
  );
  if (refusal) return { cacheable: false, reason: refusal };
  return { cacheable: true, idSources: onlyProductById && idSources.length > 0 ? idSources : null };
}

function fragmentsSpreadBy(operation: OperationDefinitionNode, document: DocumentNode): FragmentDefinitionNode[] {
  const byName = new Map(document.definitions.filter((d): d is FragmentDefinitionNode => d.kind === Kind.FRAGMENT_DEFINITION).map((f) => [f.name.value, f]));
  const used = new Map<string, FragmentDefinitionNode>();
  const walk = (node: OperationDefinitionNode | FragmentDefinitionNode) =>
    visit(node, {
      FragmentSpread(spread) {
        const fragment = byName.get(spread.name.value);
        if (fragment && !used.has(fragment.name.value)) {
          used.set(fragment.name.value, fragment);
          walk(fragment);
        }
      },
    });
  walk(operation);
  return [...used.values()];
}

const idSourceOf = (value: ValueNode | undefined): IdSource | undefined => {
  if (value?.kind === Kind.STRING) return { literal: value.value };
  if (value?.kind === Kind.VARIABLE) return { variable: value.name.value };
  return undefined;
};

/** The product ids an entry shows, from its plan and the request's variables; null: a list. */
export function productIdsOf(plan: Extract<CachingPlan, { cacheable: true }>, variables: Record<string, unknown>): string[] | null {
  if (!plan.idSources) return null;
  const ids: string[] = [];
  for (const source of plan.idSources) {
    const id = 'literal' in source ? source.literal : variables[source.variable];
    // an id given as something other than a string is the server's to refuse; treat it as a list
    if (typeof id !== 'string') return null;
    ids.push(id.toLowerCase());
  }
  return ids;
}

/**
 * Plans per document text, remembered (bounded) so that a hit costs no parse: the storefront
 * sends a handful of documents over and over.
 */
export function createPlanner(schema: () => GraphQLSchema | undefined, policy: CachePolicy, { maxDocuments = 1_000, maxTokens = 10_000 } = {}) {
  const plans = new Map<string, CachingPlan>();
  return (query: string, operationName: string | undefined): CachingPlan => {
    const key = `${operationName ?? ''}\u0000${query}`;
    const known = plans.get(key);
    if (known) return known;
    const current = schema();
    if (!current) return { cacheable: false, reason: 'schema not loaded' };
    let plan: CachingPlan;
    try {
      plan = planCaching(current, parse(query, { maxTokens }), operationName, policy);
    } catch {
      plan = { cacheable: false, reason: 'does not parse' };
    }
    if (plans.size >= maxDocuments) plans.delete(plans.keys().next().value!);
    plans.set(key, plan);
    return plan;
  };
}
