/**
 * Reads a V8 .cpuprofile (node --cpu-prof) and says where the time went: self time by package
 * (or project file) and the hottest functions, as shares of the sampled time.
 *
 *   tsx bench/lib/profile.ts <file.cpuprofile>
 */
import { readFileSync } from 'node:fs';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}

interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

/** `…/node_modules/@apollo/gateway/dist/x.js` → `@apollo/gateway`; project files keep their path. */
export function ownerOf(url: string): string {
  if (!url) return '(native / GC / idle)';
  const path = url.replace(/^file:\/\//, '');
  const nm = path.lastIndexOf('/node_modules/');
  if (nm >= 0) {
    const rest = path.slice(nm + '/node_modules/'.length).split('/');
    return rest[0].startsWith('@') ? `${rest[0]}/${rest[1]}` : rest[0];
  }
  if (path.startsWith('node:')) return 'node (core)';
  const project = path.match(/\/(packages|gateways|subgraphs|bench|scripts)\/.*/);
  return project ? project[0].slice(1) : path;
}

export function summarizeProfile(file: string, top = 25): string {
  const profile = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const selfTime = new Map<number, number>();
  let total = 0;
  profile.samples.forEach((id, i) => {
    const dt = profile.timeDeltas[i] ?? 0;
    selfTime.set(id, (selfTime.get(id) ?? 0) + dt);
    total += dt;
  });
  const idle = [...selfTime].filter(([id]) => ['(idle)', '(program)'].includes(byId.get(id)?.callFrame.functionName ?? '')).reduce((a, [, t]) => a + t, 0);
  const busy = total - idle;
  const byOwner = new Map<string, number>();
  const byFunction = new Map<string, number>();
  for (const [id, t] of selfTime) {
    const node = byId.get(id)!;
    const name = node.callFrame.functionName || '(anonymous)';
    if (name === '(idle)' || name === '(program)') continue;
    const owner = name === '(garbage collector)' ? '(garbage collector)' : ownerOf(node.callFrame.url);
    byOwner.set(owner, (byOwner.get(owner) ?? 0) + t);
    const key = `${name}  ${owner}${node.callFrame.url ? `:${node.callFrame.lineNumber + 1}` : ''}`;
    byFunction.set(key, (byFunction.get(key) ?? 0) + t);
  }
  const pct = (t: number) => `${((100 * t) / busy).toFixed(1).padStart(5)} %`;
  const lines = [`busy ${(busy / 1e6).toFixed(1)} s of ${(total / 1e6).toFixed(1)} s sampled (the rest idle)`, '', 'self time by package / file:'];
  for (const [owner, t] of [...byOwner].sort((a, b) => b[1] - a[1]).slice(0, top)) lines.push(`  ${pct(t)}  ${owner}`);
  lines.push('', 'hottest functions (self time):');
  for (const [fn, t] of [...byFunction].sort((a, b) => b[1] - a[1]).slice(0, top)) lines.push(`  ${pct(t)}  ${fn}`);
  return lines.join('\n');
}

if (require.main === module) {
  const file = process.argv[2];
  if (!file) {
    console.error('usage: tsx bench/lib/profile.ts <file.cpuprofile>');
    process.exit(2);
  }
  console.log(summarizeProfile(file));
}
