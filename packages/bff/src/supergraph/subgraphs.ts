/** Subgraph names and URLs recorded in a supergraph SDL (`join__Graph` enum values). */
export function subgraphsOf(supergraphSdl: string): { name: string; url: string }[] {
  const found: { name: string; url: string }[] = [];
  const pattern = /@join__graph\(\s*name:\s*"([^"]+)"\s*,?\s*url:\s*"([^"]*)"\s*\)/g;
  for (const m of supergraphSdl.matchAll(pattern)) found.push({ name: m[1], url: m[2] });
  return found;
}
