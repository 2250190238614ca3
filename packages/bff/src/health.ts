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

export type SubgraphStates = Record<string, { status: 'up' | 'down'; url: string }>;

/**
 * Readiness detail for each subgraph. A BFF with a subgraph down is still ready: it serves every
 * other field and reports the missing part as errors, so this never fails — it reports.
 */
export function subgraphStatesCheck(subgraphs: { name: string; url: string }[]) {
  return async (): Promise<SubgraphStates> => {
    const states = await Promise.all(subgraphs.map(async (s) => [s.name, { status: (await isLive(s.url)) ? 'up' : 'down', url: s.url }] as const));
    return Object.fromEntries(states);
  };
}
