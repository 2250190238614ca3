import type { ChangeAnnouncements } from '@shop/events';
import {
  getNamedType,
  isObjectType,
  isInterfaceType,
  Kind,
  parse,
  type DocumentNode,
  type FragmentDefinitionNode,
  type GraphQLNamedType,
  type GraphQLSchema,
  type OperationDefinitionNode,
  type SelectionSetNode,
  type ValueNode,
} from 'graphql';
import { fieldOwnersOf, type FieldOwners } from '../supergraph/field-owners';

/**
 * Which answers may be shared between anonymous callers: those whose every field comes from a
 * subgraph whose every change an event announces (the gateway's `cacheInvalidation`), so that an
 * entry can be dropped the moment it goes stale. Which subgraph resolves a field is read from the
 * supergraph, not guessed from type names: a field another subgraph adds to Product is not the
 * catalog's.
 */
export interface CacheScope {
  /** who resolves each field (the supergraph's join directives) */
  owners: FieldOwners;
  /** the subgraphs the change events cover */
  covered: ReadonlySet<string>;
  /**
   * a root field that reads one entity by its key argument: its entries are tagged with that key,
   * so a change to another entity leaves them in place; every other entry is a list, dropped on any change
   */
  byKey: { field: string; argument: string };
}

/** The cache scope of a supergraph under the gateway's change announcements (the SDL parsed once, here). */
export function cacheScopeOf(supergraphSdl: string, announcements: ChangeAnnouncements): CacheScope {
  return {
    owners: fieldOwnersOf(supergraphSdl),
    covered: new Set([announcements.subgraph]),
    byKey: { field: announcements.entity.byKeyField, argument: announcements.entity.keyField },
  };
}

/** Where the key of a by-key root field comes from. */
type IdSource = { literal: string } | { variable: string };

export type CachingPlan =
  | { cacheable: false; reason: string }
  /** `idSources` null: a list (or facets), invalidated by any change */
  | { cacheable: true; idSources: IdSource[] | null };

/** What a selection set showed: a refusal, or the by-key root fields it read. */
interface Walked {
  refusal?: string;
  idSources: IdSource[];
  /** every root field is the by-key field with a literal or variable key */
  onlyByKey: boolean;
}

/**
 * Decides once per document whether its answers may be shared: a query (not a mutation or
 * subscription), one operation, every selected field (fragments included, in place) resolved by
 * a covered subgraph from where its parent came from (plus __typename), no introspection, no
 * @defer/@stream. Anything it cannot prove safe is not cacheable; validation errors are Apollo's
 * to report (an answer with errors is never stored).
 */
export function planCaching(schema: GraphQLSchema, document: DocumentNode, operationName: string | undefined, scope: CacheScope): CachingPlan {
  const operations = document.definitions.filter((d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION);
  const operation = operationName ? operations.find((o) => o.name?.value === operationName) : operations.length === 1 ? operations[0] : undefined;
  if (!operation) return { cacheable: false, reason: 'no single operation' };
  if (operation.operation !== 'query') return { cacheable: false, reason: operation.operation };
  const queryType = schema.getQueryType();
  if (!queryType) return { cacheable: false, reason: 'no query type' };
  const fragments = new Map(document.definitions.filter((d): d is FragmentDefinitionNode => d.kind === Kind.FRAGMENT_DEFINITION).map((f) => [f.name.value, f]));
  const walked = walkSelections(operation.selectionSet, queryType, undefined, { schema, scope, fragments, memo: new Map(), inProgress: new Set() });
  if (walked.refusal) return { cacheable: false, reason: walked.refusal };
  return { cacheable: true, idSources: walked.onlyByKey && walked.idSources.length > 0 ? walked.idSources : null };
}

interface Walk {
  schema: GraphQLSchema;
  scope: CacheScope;
  fragments: Map<string, FragmentDefinitionNode>;
  /** a fragment walked from the same subgraphs shows the same: walked once (no blow-up on repeated spreads) */
  memo: Map<string, Walked>;
  inProgress: Set<string>;
}

const refused = (reason: string): Walked => ({ refusal: reason, idSources: [], onlyByKey: false });

function merge(a: Walked, b: Walked): Walked {
  if (a.refusal || b.refusal) return { refusal: a.refusal ?? b.refusal, idSources: [], onlyByKey: false };
  const idSources = [...a.idSources, ...b.idSources.filter((s) => !a.idSources.some((t) => JSON.stringify(t) === JSON.stringify(s)))];
  return { idSources, onlyByKey: a.onlyByKey && b.onlyByKey };
}

/**
 * Walks a selection set on `parent`, whose object came from one of `from` (undefined: the root),
 * checking that each field's possible resolvers are covered, then below each with those resolvers.
 */
function walkSelections(selectionSet: SelectionSetNode, parent: GraphQLNamedType, from: readonly string[] | undefined, walk: Walk): Walked {
  let result: Walked = { idSources: [], onlyByKey: true };
  for (const selection of selectionSet.selections) {
    const deferred = selection.directives?.find((d) => d.name.value === 'defer' || d.name.value === 'stream');
    if (deferred) return refused(`@${deferred.name.value}`);
    if (selection.kind === Kind.FIELD) result = merge(result, walkField(selection, parent, from, walk));
    else if (selection.kind === Kind.INLINE_FRAGMENT) {
      const type = selection.typeCondition ? walk.schema.getType(selection.typeCondition.name.value) : parent;
      if (!type) return refused(`unknown type ${selection.typeCondition?.name.value}`);
      result = merge(result, walkSelections(selection.selectionSet, type, from, walk));
    } else result = merge(result, walkFragment(selection.name.value, from, walk));
    if (result.refusal) return result;
  }
  return result;
}

function walkFragment(name: string, from: readonly string[] | undefined, walk: Walk): Walked {
  const key = `${name}\u0000${from?.join(',') ?? ''}`;
  const known = walk.memo.get(key);
  if (known) return known;
  const fragment = walk.fragments.get(name);
  if (!fragment) return refused(`unknown fragment ${name}`);
  if (walk.inProgress.has(key)) return refused(`fragment ${name} spreads itself`);
  const type = walk.schema.getType(fragment.typeCondition.name.value);
  if (!type) return refused(`unknown type ${fragment.typeCondition.name.value}`);
  walk.inProgress.add(key);
  const walked = walkSelections(fragment.selectionSet, type, from, walk);
  walk.inProgress.delete(key);
  walk.memo.set(key, walked);
  return walked;
}

function walkField(node: Extract<SelectionSetNode['selections'][number], { kind: Kind.FIELD }>, parent: GraphQLNamedType, from: readonly string[] | undefined, walk: Walk): Walked {
  const name = node.name.value;
  if (name === '__typename') return { idSources: [], onlyByKey: true };
  if (name.startsWith('__')) return refused('introspection');
  const field = isObjectType(parent) || isInterfaceType(parent) ? parent.getFields()[name] : undefined;
  if (!field) return refused(`unknown field ${name}`);
  const { owners, covered, byKey } = walk.scope;
  const resolvers = [...new Set((from ?? [undefined]).flatMap((graph) => owners.resolvers(parent.name, name, graph)))].sort();
  if (resolvers.length === 0) return refused(`no subgraph resolves ${parent.name}.${name}`);
  const foreign = resolvers.find((graph) => !covered.has(graph));
  if (foreign) return refused(`${parent.name}.${name} comes from ${foreign}, whose changes no event announces`);
  let here: Walked = { idSources: [], onlyByKey: true };
  if (from === undefined) {
    const source = name === byKey.field ? idSourceOf(node.arguments?.find((a) => a.name.value === byKey.argument)?.value) : undefined;
    here = source ? { idSources: [source], onlyByKey: true } : { idSources: [], onlyByKey: false };
  }
  return node.selectionSet ? merge(here, walkSelections(node.selectionSet, getNamedType(field.type), resolvers, walk)) : here;
}

const idSourceOf = (value: ValueNode | undefined): IdSource | undefined => {
  if (value?.kind === Kind.STRING) return { literal: value.value };
  if (value?.kind === Kind.VARIABLE) return { variable: value.name.value };
  return undefined;
};

/** The entity keys (product ids) an entry shows, from its plan and the request's variables; null: a list. */
export function entityKeysOf(plan: Extract<CachingPlan, { cacheable: true }>, variables: Record<string, unknown>): string[] | null {
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

/** A document's plan, and the number the planner gave it (document and operation name). */
export interface PlannedDocument {
  plan: CachingPlan;
  /**
   * Never given to another document by this planner, so a key holding it stands for the whole
   * document text: a few digits instead of ~1 KB to hash and keep in every cache key. A document
   * the planner forgot and sees again gets a new number (its old entries just miss).
   */
  id: number;
}

/**
 * Plans per document text, remembered (bounded) so that a hit costs no parse: the storefront
 * sends a handful of documents over and over.
 */
export function createPlanner(schema: () => GraphQLSchema | undefined, scope: CacheScope, { maxDocuments = 1_000, maxTokens = 10_000 } = {}) {
  const documents = new Map<string, PlannedDocument>();
  let lastId = 0;
  return (query: string, operationName: string | undefined): PlannedDocument => {
    const key = `${operationName ?? ''}\u0000${query}`;
    const known = documents.get(key);
    if (known) return known;
    const current = schema();
    if (!current) return { plan: { cacheable: false, reason: 'schema not loaded' }, id: 0 };
    let plan: CachingPlan;
    try {
      plan = planCaching(current, parse(query, { maxTokens }), operationName, scope);
    } catch {
      plan = { cacheable: false, reason: 'does not parse' };
    }
    if (documents.size >= maxDocuments) documents.delete(documents.keys().next().value!);
    const planned = { plan, id: ++lastId };
    documents.set(key, planned);
    return planned;
  };
}
