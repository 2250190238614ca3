import {
  Kind,
  parse,
  print,
  type ConstDirectiveNode,
  type DefinitionNode,
  type DocumentNode,
  type FieldDefinitionNode,
  type InputValueDefinitionNode,
  type NamedTypeNode,
  type TypeNode,
} from 'graphql';

/**
 * Which parts of the supergraph a BFF hides. A hidden element is marked `@inaccessible` in the
 * supergraph: the gateway drops it from the API schema (introspection, validation) while the query
 * planner can still use it internally. Types then unreachable from the root types are hidden too.
 */
export interface SchemaFilter {
  /** elements tagged `@tag(name: …)` with one of these names in a subgraph schema */
  excludeTags?: string[];
  /** `Type.field` coordinates, e.g. `Mutation.createProduct` */
  excludeFields?: string[];
}

const INACCESSIBLE_URL = 'https://specs.apollo.dev/inaccessible/v0.2';
const INACCESSIBLE_LOCATIONS =
  'FIELD_DEFINITION | OBJECT | INTERFACE | UNION | ARGUMENT_DEFINITION | SCALAR | ENUM | ENUM_VALUE | INPUT_OBJECT | INPUT_FIELD_DEFINITION';
const BUILT_IN = new Set(['String', 'Int', 'Float', 'Boolean', 'ID']);
/** federation's own machinery in a supergraph; never part of the API schema */
const isMachinery = (name: string) => name.startsWith('join__') || name.startsWith('link__');

type Writable<T> = { -readonly [K in keyof T]: T[K] extends readonly (infer U)[] ? U[] : T[K] };
type TypeDef = Writable<Extract<DefinitionNode, { kind: Kind.OBJECT_TYPE_DEFINITION | Kind.INTERFACE_TYPE_DEFINITION | Kind.UNION_TYPE_DEFINITION | Kind.INPUT_OBJECT_TYPE_DEFINITION | Kind.ENUM_TYPE_DEFINITION | Kind.SCALAR_TYPE_DEFINITION }>>;

const namedType = (type: TypeNode): string => (type.kind === Kind.NAMED_TYPE ? type.name.value : namedType(type.type));

function linkedName(doc: DocumentNode, url: string, fallback: string): string | undefined {
  for (const def of doc.definitions) {
    if (def.kind !== Kind.SCHEMA_DEFINITION) continue;
    for (const d of def.directives ?? []) {
      if (d.name.value !== 'link') continue;
      const urlArg = d.arguments?.find((a) => a.name.value === 'url');
      if (urlArg?.value.kind !== Kind.STRING || !urlArg.value.value.startsWith(url.replace(/v[\d.]+$/, ''))) continue;
      const as = d.arguments?.find((a) => a.name.value === 'as');
      return as?.value.kind === Kind.STRING ? as.value.value : fallback;
    }
  }
  return undefined;
}

const directive = (name: string): ConstDirectiveNode => ({ kind: Kind.DIRECTIVE, name: { kind: Kind.NAME, value: name }, arguments: [] });

const hasDirective = (node: { directives?: readonly ConstDirectiveNode[] }, name: string) => (node.directives ?? []).some((d) => d.name.value === name);

const tagsOf = (node: { directives?: readonly ConstDirectiveNode[] }, tagName: string): string[] =>
  (node.directives ?? [])
    .filter((d) => d.name.value === tagName)
    .flatMap((d) => d.arguments?.filter((a) => a.name.value === 'name').map((a) => (a.value.kind === Kind.STRING ? a.value.value : '')) ?? []);

function withInaccessible<T extends { directives?: readonly ConstDirectiveNode[] }>(node: T, name: string): T {
  return hasDirective(node, name) ? node : { ...node, directives: [...(node.directives ?? []), directive(name)] };
}

/** Makes sure the supergraph links the inaccessible spec; returns the document and the directive's name. */
function linkInaccessible(doc: DocumentNode): { doc: DocumentNode; name: string } {
  const existing = linkedName(doc, INACCESSIBLE_URL, 'inaccessible');
  if (existing) return { doc, name: existing };
  const extra = parse(`
    schema @link(url: "${INACCESSIBLE_URL}", for: SECURITY) { query: Query }
    directive @inaccessible on ${INACCESSIBLE_LOCATIONS}
  `);
  const link = (extra.definitions[0] as unknown as { directives: ConstDirectiveNode[] }).directives[0];
  const definitions = doc.definitions.map((def) =>
    def.kind === Kind.SCHEMA_DEFINITION ? { ...def, directives: [...(def.directives ?? []), link] } : def,
  );
  return { doc: { ...doc, definitions: [...definitions, extra.definitions[1]] }, name: 'inaccessible' };
}

/**
 * Returns supergraph SDL in which the filtered elements, and every type only they reach, are
 * `@inaccessible`. The result is still a valid supergraph for @apollo/gateway.
 */
export function applySchemaFilter(supergraphSdl: string, filter: SchemaFilter): string {
  const excludeTags = new Set(filter.excludeTags ?? []);
  const excludeFields = new Set(filter.excludeFields ?? []);
  const linked = linkInaccessible(parse(supergraphSdl));
  const inaccessible = linked.name;
  const tagName = linkedName(linked.doc, 'https://specs.apollo.dev/tag/v0.3', 'tag') ?? 'tag';
  const excludedByTag = (node: { directives?: readonly ConstDirectiveNode[] }) => tagsOf(node, tagName).some((t) => excludeTags.has(t));

  const types = new Map<string, TypeDef>();
  for (const def of linked.doc.definitions) {
    if ('name' in def && def.name && (def.kind.endsWith('TypeDefinition') || def.kind === Kind.SCALAR_TYPE_DEFINITION)) {
      types.set(def.name.value, def as TypeDef);
    }
  }

  // 1. mark the excluded fields and types
  const hiddenField = (typeName: string, field: FieldDefinitionNode | InputValueDefinitionNode) =>
    hasDirective(field, inaccessible) || excludeFields.has(`${typeName}.${field.name.value}`) || excludedByTag(field);
  for (const [name, def] of types) {
    if (excludedByTag(def)) types.set(name, withInaccessible(def, inaccessible));
    if ((def.kind === Kind.OBJECT_TYPE_DEFINITION || def.kind === Kind.INTERFACE_TYPE_DEFINITION || def.kind === Kind.INPUT_OBJECT_TYPE_DEFINITION) && def.fields) {
      const current = types.get(name)!;
      const fields = (def.fields as (FieldDefinitionNode | InputValueDefinitionNode)[]).map((f) => (hiddenField(name, f) ? withInaccessible(f, inaccessible) : f));
      types.set(name, { ...current, fields } as TypeDef);
    }
  }

  // 2. find what the root types still reach through accessible fields
  const roots = rootTypeNames(linked.doc);
  const implementers = new Map<string, string[]>();
  for (const def of types.values()) {
    if (def.kind !== Kind.OBJECT_TYPE_DEFINITION && def.kind !== Kind.INTERFACE_TYPE_DEFINITION) continue;
    for (const i of def.interfaces ?? []) implementers.set(i.name.value, [...(implementers.get(i.name.value) ?? []), def.name.value]);
  }
  const reached = new Set<string>();
  const queue = roots.filter((r) => types.has(r));
  while (queue.length > 0) {
    const name = queue.pop()!;
    const def = types.get(name);
    if (reached.has(name) || !def || hasDirective(def, inaccessible)) continue;
    reached.add(name);
    const next: string[] = [];
    if (def.kind === Kind.OBJECT_TYPE_DEFINITION || def.kind === Kind.INTERFACE_TYPE_DEFINITION) {
      for (const f of (def.fields ?? []) as FieldDefinitionNode[]) {
        if (hasDirective(f, inaccessible)) continue;
        next.push(namedType(f.type), ...(f.arguments ?? []).filter((a) => !hasDirective(a, inaccessible)).map((a) => namedType(a.type)));
      }
      next.push(...(def.interfaces ?? []).map((i: NamedTypeNode) => i.name.value), ...(implementers.get(name) ?? []));
    } else if (def.kind === Kind.UNION_TYPE_DEFINITION) {
      next.push(...(def.types ?? []).map((t: NamedTypeNode) => t.name.value));
    } else if (def.kind === Kind.INPUT_OBJECT_TYPE_DEFINITION) {
      next.push(...((def.fields ?? []) as InputValueDefinitionNode[]).filter((f) => !hasDirective(f, inaccessible)).map((f) => namedType(f.type)));
    }
    queue.push(...next.filter((n) => !reached.has(n)));
  }

  // 3. hide every API type nothing reaches any more
  for (const [name, def] of types) {
    if (reached.has(name) || BUILT_IN.has(name) || isMachinery(name) || roots.includes(name)) continue;
    types.set(name, withInaccessible(def, inaccessible));
  }

  const definitions = linked.doc.definitions.map((def) => ('name' in def && def.name && types.get(def.name.value) && def.kind !== Kind.DIRECTIVE_DEFINITION ? types.get(def.name.value)! : def));
  return `${print({ ...linked.doc, definitions: definitions as DefinitionNode[] })}\n`;
}

function rootTypeNames(doc: DocumentNode): string[] {
  for (const def of doc.definitions) {
    if (def.kind === Kind.SCHEMA_DEFINITION) return def.operationTypes.map((o) => o.type.name.value);
  }
  return ['Query', 'Mutation', 'Subscription'];
}
