import { parse, print, type DefinitionNode, type DocumentNode, type FragmentDefinitionNode, type OperationDefinitionNode, visit } from 'graphql';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/** The repo's `contract/` folder: the client documents storefront, back office and mobile app send. */
export const CONTRACT_DIR = join(__dirname, '..', '..', '..', 'contract');

/**
 * The client documents exactly as the contract files hold them, one document per operation with
 * the fragments it spreads (transitively), as a client would send them.
 */
export function contractOperations(file: 'storefront' | 'admin' | 'mobile'): Record<string, DocumentNode> {
  const document = parse(readFileSync(join(CONTRACT_DIR, `${file}.graphql`), 'utf8'));
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const d of document.definitions) if (d.kind === 'FragmentDefinition') fragments.set(d.name.value, d);
  const operations: Record<string, DocumentNode> = {};
  for (const d of document.definitions) {
    if (d.kind !== 'OperationDefinition' || !d.name) continue;
    operations[d.name.value] = { kind: 'Document' as DocumentNode['kind'], definitions: [d, ...fragmentsUsedBy(d, fragments)] };
  }
  return operations;
}

function fragmentsUsedBy(root: DefinitionNode, fragments: Map<string, FragmentDefinitionNode>): FragmentDefinitionNode[] {
  const used = new Map<string, FragmentDefinitionNode>();
  const walk = (node: DefinitionNode) =>
    visit(node, {
      FragmentSpread(spread) {
        const name = spread.name.value;
        const fragment = fragments.get(name);
        if (!fragment) throw new Error(`fragment ${name} is not defined in the contract`);
        if (!used.has(name)) {
          used.set(name, fragment);
          walk(fragment);
        }
      },
    });
  walk(root);
  return [...used.values()];
}

/** The printed text of a contract operation (what a client sends over the wire). */
export const documentText = (document: DocumentNode): string => print(document);

export const operationOf = (document: DocumentNode): OperationDefinitionNode =>
  document.definitions.find((d): d is OperationDefinitionNode => d.kind === 'OperationDefinition')!;
