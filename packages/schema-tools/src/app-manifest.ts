/**
 * Build-time only (@shop/schema-tools: scripts and tests, never a running service): turns an app's
 * GraphQL source (contract/mobile.graphql) into its trusted-document manifest the way an Apollo
 * Client app's build does — each operation with the fragments it uses, `__typename` added to every
 * selection set as Apollo Client adds it before sending, operation first and fragments by name,
 * printed by graphql-js, id = sha256 of that text — in both formats the mobile BFF reads.
 */
import { addTypenameToDocument } from '@apollo/client/utilities';
import { canonicalOperationText, documentHash, type TrustedOperation } from '@shop/bff';
import { Kind, parse, print, type FragmentDefinitionNode } from 'graphql';

export interface AppManifests {
  app: string;
  version: string;
  operations: TrustedOperation[];
  /** `@apollo/generate-persisted-query-manifest`'s shape */
  apollo: { format: 'apollo-persisted-query-manifest'; version: 1; operations: TrustedOperation[] };
  /** GraphQL Code Generator's `persistedDocuments` shape: sha256 → text */
  hashMap: Record<string, string>;
}

/** `# app: <name>@<version>` in the source names the app version its manifests belong to. */
export function appOfSource(source: string): { app: string; version: string } {
  const match = /^#\s*app:\s*([A-Za-z0-9][A-Za-z0-9._-]*)@([0-9A-Za-z][0-9A-Za-z.+_-]*)\s*$/m.exec(source);
  if (!match) throw new Error('the source needs a `# app: <name>@<version>` line naming the app version');
  return { app: match[1], version: match[2] };
}

/** The text Apollo Client sends for one operation (and its fragments), as its manifest generator records it. */
export function clientBody(canonicalText: string): string {
  return print(addTypenameToDocument(parse(canonicalText)));
}

export function buildAppManifests(source: string): AppManifests {
  const { app, version } = appOfSource(source);
  const doc = parse(source);
  const fragments = new Map(doc.definitions.filter((d): d is FragmentDefinitionNode => d.kind === Kind.FRAGMENT_DEFINITION).map((f) => [f.name.value, f]));
  const operations: TrustedOperation[] = [];
  for (const def of doc.definitions) {
    if (def.kind !== Kind.OPERATION_DEFINITION) continue;
    if (!def.name) throw new Error('every trusted operation needs a name');
    const body = clientBody(canonicalOperationText(def, fragments));
    operations.push({ id: documentHash(body), name: def.name.value, type: def.operation, body });
  }
  operations.sort((a, b) => a.name.localeCompare(b.name) || a.id.localeCompare(b.id));
  return {
    app,
    version,
    operations,
    apollo: { format: 'apollo-persisted-query-manifest', version: 1, operations },
    hashMap: Object.fromEntries(operations.map((op) => [op.id, op.body]).sort(([a], [b]) => a.localeCompare(b))),
  };
}

/** Two-space JSON with a final newline, as the manifests are committed. */
export const printJson = (value: unknown): string => `${JSON.stringify(value, null, 2)}\n`;
