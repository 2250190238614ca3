import { request } from 'node:http';
import { request as httpsRequest } from 'node:https';

const LIVE_TIMEOUT_MS = 1_000;

/** GET <subgraph origin>/health/live → true when it answers 2xx within a second. */
function isLive(graphqlUrl: string): Promise<boolean> {
  const url = new URL('/health/live', graphqlUrl);
  const send = url.protocol === 'https:' ? httpsRequest : request;
  return new Promise((resolve) => {
    const req = send(url, { method: 'GET', timeout: LIVE_TIMEOUT_MS }, (res) => {
      res.resume();
      resolve((res.statusCode ?? 500) < 300);
    });
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', () => resolve(false));
    req.end();
  });
}

/** By name only: the readiness answer is public, and subgraph addresses are internal. */
export type SubgraphStates = Record<string, { status: 'up' | 'down' }>;

/**
 * Readiness of the subgraphs, each `/health/live` probed at once. Meant to be `degradable`: a BFF
 * with a subgraph down serves every other field and reports the missing part as errors, so it
 * stays ready (200, "degraded") and says which subgraph is down — by name: the answer is public,
 * the subgraphs' internal URLs are in the BFF's start log line for operators.
 */
export function subgraphStatesCheck(subgraphs: { name: string; url: string }[]) {
  return async (): Promise<SubgraphStates> => {
    const states: SubgraphStates = Object.fromEntries(
      await Promise.all(subgraphs.map(async (s) => [s.name, { status: (await isLive(s.url)) ? 'up' : 'down' }] as const)),
    );
    const down = Object.entries(states).filter(([, s]) => s.status === 'down');
    if (down.length > 0) {
      const up = Object.keys(states).filter((name) => states[name].status === 'up');
      throw new Error(`down: ${down.map(([name]) => name).join(', ')}; up: ${up.join(', ') || 'none'}`);
    }
    return states;
  };
}
