import { Kind, parse, type ConstDirectiveNode, type DocumentNode, type EnumTypeDefinitionNode, type FieldDefinitionNode } from 'graphql';
import { stringArgument } from './subgraphs';

/** Which subgraphs may resolve each field of a supergraph, as its join directives record it. */
export interface FieldOwners {
  /**
   * The subgraphs that may resolve `typeName.fieldName` for an object fetched from `from`
   * (undefined: a root field). A field `from` can resolve stays there if it is a key (the value
   * travels with the reference); any other field may also come from each subgraph that can fetch
   * the entity by key and resolves it (the query planner picks one). Empty: unknown field.
   */
  resolvers(typeName: string, fieldName: string, from: string | undefined): readonly string[];
}

interface TypeOwnership {
  /** subgraphs that can fetch an object of this type by key (entity jumps) */
  fetchableByKey: Set<string>;
  /** top-level fields of any key */
  keyFields: Set<string>;
  /** field → subgraphs that resolve it */
  fields: Map<string, string[]>;
}

/**
 * Reads who resolves what from a supergraph SDL, parsed once: a field's `@join__field(graph:)`
 * (external ones excluded), else every `@join__type(graph:)` of its type. Graph enum values are
 * mapped to subgraph names by `join__Graph`'s `@join__graph(name:)`.
 */
export function fieldOwnersOf(supergraphSdl: string): FieldOwners {
  const document = parse(supergraphSdl, { noLocation: true });
  const graphNames = graphNamesOf(document);
  const types = new Map<string, TypeOwnership>();
  for (const definition of document.definitions) {
    if (definition.kind !== Kind.OBJECT_TYPE_DEFINITION && definition.kind !== Kind.INTERFACE_TYPE_DEFINITION) continue;
    types.set(definition.name.value, ownershipOf(definition.directives ?? [], definition.fields ?? [], graphNames));
  }
  return {
    resolvers(typeName, fieldName, from) {
      const type = types.get(typeName);
      const able = type?.fields.get(fieldName) ?? [];
      if (!type || from === undefined) return able;
      const jumps = able.filter((graph) => type.fetchableByKey.has(graph));
      if (able.includes(from)) return type.keyFields.has(fieldName) ? [from] : [...new Set([from, ...jumps])];
      // not resolvable where the object came from: the planner fetches it by key (or, failing that, from whoever has it)
      return jumps.length > 0 ? jumps : able;
    },
  };
}

function ownershipOf(typeDirectives: readonly ConstDirectiveNode[], fields: readonly FieldDefinitionNode[], graphNames: Map<string, string>): TypeOwnership {
  const typeGraphs: string[] = [];
  const fetchableByKey = new Set<string>();
  const keyFields = new Set<string>();
  for (const directive of typeDirectives.filter((d) => d.name.value === 'join__type')) {
    const graph = graphNames.get(enumArgument(directive, 'graph') ?? '');
    if (!graph) continue;
    typeGraphs.push(graph);
    const key = stringArgument(directive, 'key');
    if (key === undefined) continue;
    for (const name of topLevelFieldsOf(key)) keyFields.add(name);
    if (booleanArgument(directive, 'resolvable') !== false) fetchableByKey.add(graph);
  }
  const owners = new Map<string, string[]>();
  for (const field of fields) {
    const joins = (field.directives ?? []).filter((d) => d.name.value === 'join__field' && enumArgument(d, 'graph') !== undefined);
    const resolving = joins.filter((d) => booleanArgument(d, 'external') !== true).map((d) => graphNames.get(enumArgument(d, 'graph')!) ?? '');
    owners.set(field.name.value, joins.length > 0 ? [...new Set(resolving.filter((g) => g !== ''))] : typeGraphs);
  }
  return { fetchableByKey, keyFields, fields: owners };
}

/** `join__Graph` enum value → subgraph name. */
function graphNamesOf(document: DocumentNode): Map<string, string> {
  const graphs = document.definitions.find((d): d is EnumTypeDefinitionNode => d.kind === Kind.ENUM_TYPE_DEFINITION && d.name.value === 'join__Graph');
  const names = new Map<string, string>();
  for (const value of graphs?.values ?? []) {
    const name = stringArgument(value.directives?.find((d) => d.name.value === 'join__graph'), 'name');
    if (name !== undefined) names.set(value.name.value, name);
  }
  return names;
}

/** The top-level field names of a key's field set ("id", "sku owner { id }"). */
function topLevelFieldsOf(fieldSet: string): string[] {
  const [operation] = parse(`{ ${fieldSet} }`, { noLocation: true }).definitions;
  if (operation.kind !== Kind.OPERATION_DEFINITION) return [];
  return operation.selectionSet.selections.flatMap((s) => (s.kind === Kind.FIELD ? [s.name.value] : []));
}

function enumArgument(directive: ConstDirectiveNode, argument: string): string | undefined {
  const value = directive.arguments?.find((a) => a.name.value === argument)?.value;
  return value?.kind === Kind.ENUM ? value.value : undefined;
}

function booleanArgument(directive: ConstDirectiveNode, argument: string): boolean | undefined {
  const value = directive.arguments?.find((a) => a.name.value === argument)?.value;
  return value?.kind === Kind.BOOLEAN ? value.value : undefined;
}
