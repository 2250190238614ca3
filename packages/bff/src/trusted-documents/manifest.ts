import { createHash } from 'node:crypto';
import {
  Kind,
  parse,
  print,
  visit,
  type DocumentNode,
  type FragmentDefinitionNode,
  type OperationDefinitionNode,
} from 'graphql';

/** sha256 (hex) of a document's text: the id a client sends in extensions.persistedQuery.sha256Hash. */
export const documentHash = (text: string): string => createHash('sha256').update(text, 'utf8').digest('hex');

function fragmentsUsedBy(root: OperationDefinitionNode | FragmentDefinitionNode, fragments: Map<string, FragmentDefinitionNode>, seen = new Set<string>()): Set<string> {
  visit(root, {
    FragmentSpread(node) {
      const name = node.name.value;
      if (seen.has(name)) return;
      seen.add(name);
      const fragment = fragments.get(name);
      if (fragment) fragmentsUsedBy(fragment, fragments, seen);
    },
  });
  return seen;
}

/**
 * The canonical text of one operation: the operation printed by graphql-js, then each fragment it
 * uses (transitively) in name order, separated by blank lines. Whitespace, comments and fragment
 * order in the source do not change it.
 */
export function canonicalOperationText(operation: OperationDefinitionNode, fragments: Map<string, FragmentDefinitionNode>): string {
  const used = [...fragmentsUsedBy(operation, fragments)].sort();
  return [operation, ...used.map((name) => fragments.get(name)).filter((f): f is FragmentDefinitionNode => f !== undefined)].map((d) => print(d)).join('\n\n');
}

export const fragmentsOf = (doc: DocumentNode) =>
  new Map(doc.definitions.filter((d): d is FragmentDefinitionNode => d.kind === Kind.FRAGMENT_DEFINITION).map((f) => [f.name.value, f]));

/**
 * The canonical text of a whole document sent in full, when it is exactly one operation plus the
 * fragments that operation uses; otherwise undefined (it cannot be a trusted document).
 */
export function canonicalDocumentText(doc: DocumentNode): string | undefined {
  const operations = doc.definitions.filter((d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION);
  if (operations.length !== 1) return undefined;
  const fragments = fragmentsOf(doc);
  const used = fragmentsUsedBy(operations[0], fragments);
  if (doc.definitions.length !== 1 + used.size || [...used].some((name) => !fragments.has(name))) return undefined;
  return canonicalOperationText(operations[0], fragments);
}

/** The document with every `__typename` selection taken out (aliased or not). */
export function withoutTypename(doc: DocumentNode): DocumentNode {
  return visit(doc, {
    Field(node) {
      return node.name.value === '__typename' ? null : undefined;
    },
  });
}

/**
 * The key a document sent in full is matched by: the hash of its canonical text with `__typename`
 * left out. Clients differ in where they add `__typename` (Apollo Client adds it to every
 * selection set, a hand-written document has none); it reaches no data and costs nothing, so a
 * trusted document matches with or without it. Undefined when the document cannot be trusted.
 */
export function matchKey(doc: DocumentNode): string | undefined {
  const canonical = canonicalDocumentText(withoutTypename(doc));
  return canonical === undefined ? undefined : documentHash(canonical);
}
