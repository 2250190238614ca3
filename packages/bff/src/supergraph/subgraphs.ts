import { Kind, parse, type ConstDirectiveNode, type EnumTypeDefinitionNode } from 'graphql';

/** A subgraph as the supergraph records it. */
export interface RecordedSubgraph {
  name: string;
  url: string;
}

/**
 * Subgraph names and URLs recorded in a supergraph SDL: the `@join__graph(name:, url:)` of each
 * `join__Graph` enum value, in the file's order (a value without both is left out). Read from the
 * parsed document, so argument order, line breaks, escapes and comments do not matter. Throws the
 * GraphQL syntax error of SDL that does not parse (the gateway could not load it either).
 */
export function subgraphsOf(supergraphSdl: string): RecordedSubgraph[] {
  const document = parse(supergraphSdl, { noLocation: true });
  const graphs = document.definitions.find((d): d is EnumTypeDefinitionNode => d.kind === Kind.ENUM_TYPE_DEFINITION && d.name.value === 'join__Graph');
  return (graphs?.values ?? []).flatMap((value) => {
    const directive = value.directives?.find((d) => d.name.value === 'join__graph');
    const name = stringArgument(directive, 'name');
    const url = stringArgument(directive, 'url');
    return name !== undefined && url !== undefined ? [{ name, url }] : [];
  });
}

/** A string argument of a directive; undefined when absent or not a string. */
export function stringArgument(directive: ConstDirectiveNode | undefined, argument: string): string | undefined {
  const value = directive?.arguments?.find((a) => a.name.value === argument)?.value;
  return value?.kind === Kind.STRING ? value.value : undefined;
}
