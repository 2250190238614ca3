import { getDirectiveValues, GraphQLIncludeDirective, GraphQLSkipDirective, Kind, type GraphQLResolveInfo, type SelectionSetNode } from 'graphql';

/**
 * Whether the client asked, on the field being resolved, for the subfield `name` (directly, in an
 * inline fragment or in a named one; `@skip`/`@include` honoured). A resolver looks ahead with it
 * to read in one statement what its subfields would otherwise read one after the other.
 */
export function asksFor(info: GraphQLResolveInfo, name: string): boolean {
  return info.fieldNodes.some((field) => field.selectionSet !== undefined && selects(field.selectionSet, name, info, new Set()));
}

function selects(set: SelectionSetNode, name: string, info: GraphQLResolveInfo, visited: Set<string>): boolean {
  return set.selections.some((selection) => {
    if (!included(selection, info)) return false;
    switch (selection.kind) {
      case Kind.FIELD:
        return selection.name.value === name;
      case Kind.INLINE_FRAGMENT:
        return selects(selection.selectionSet, name, info, visited);
      case Kind.FRAGMENT_SPREAD: {
        const fragment = info.fragments[selection.name.value];
        // a spread met twice on one path adds nothing (validation already refuses cycles)
        if (!fragment || visited.has(fragment.name.value)) return false;
        visited.add(fragment.name.value);
        return selects(fragment.selectionSet, name, info, visited);
      }
    }
  });
}

function included(node: Parameters<typeof getDirectiveValues>[1], info: GraphQLResolveInfo): boolean {
  if (!node.directives?.length) return true;
  if (getDirectiveValues(GraphQLSkipDirective, node, info.variableValues)?.if === true) return false;
  return getDirectiveValues(GraphQLIncludeDirective, node, info.variableValues)?.if !== false;
}
