/**
 * Child process of `npm run bench`: one gateway under test, alone in its process (so it gets a
 * core of its own as far as the OS allows, and `--cpu-prof` profiles only it).
 *
 *   tsx bench/lib/gateway-process.ts <kind>
 *
 * Every kind serves POST /graphql over the same supergraph file (BENCH_SUPERGRAPH_PATH, subgraph
 * URLs pointing at the bench's subgraphs) and forwards the caller's Authorization header to the
 * subgraphs, which verify it. IPC: → { type: 'ready', url }; ← { type: 'stop' }.
 */
import { answerProfileRequests } from './cpu-profiler';
import { resolveBuiltinModulesFirst } from '../../scripts/builtin-modules';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

export const GATEWAY_KINDS = ['web-bff', 'web-bff-nocache', 'web-bff-plain', 'web-bff-256', 'web-bff-baseline', 'apollo', 'hive-js', 'hive-js-dedup', 'hive-rust', 'hive-rust-dedup'] as const;
export type GatewayKind = (typeof GATEWAY_KINDS)[number];

/** What `npm run bench` measures unless `--gateways` says otherwise: not the two kept for comparison, nor the baseline (it needs `--baseline`, which adds it). */
export const DEFAULT_GATEWAYS: readonly GatewayKind[] = GATEWAY_KINDS.filter((g) => g !== 'web-bff-256' && g !== 'web-bff-nocache' && g !== 'web-bff-baseline');

interface Started {
  url: string;
  stop(): Promise<void>;
}

const supergraphPath = () => {
  const path = process.env.BENCH_SUPERGRAPH_PATH;
  if (!path) throw new Error('BENCH_SUPERGRAPH_PATH is not set');
  return path;
};

/**
 * The web BFF exactly as deployed: auth, limits, rate limit, metrics, logging, and the response
 * and entity caches and in-flight de-duplication as shipped (on) unless `off` names them.
 */
async function startWebBff(off: { cache?: boolean; dedup?: boolean } = {}, maxSockets?: string): Promise<Started> {
  const { loadWebBffConfig, start } = await import('../../gateways/web-bff/src/server');
  const config = loadWebBffConfig({
    ...process.env,
    WEB_BFF_PORT: '0',
    WEB_BFF_SUPERGRAPH_PATH: supergraphPath(),
    ...(off.cache ? { WEB_BFF_RESPONSE_CACHE: 'off', WEB_BFF_ENTITY_CACHE: 'off' } : {}),
    ...(off.dedup ? { WEB_BFF_DEDUPLICATE: 'off' } : {}),
    ...(maxSockets ? { WEB_BFF_SUBGRAPH_MAX_SOCKETS: maxSockets } : {}),
  });
  const bff = await start(config);
  return { url: `${bff.url}/graphql`, stop: bff.stop };
}

/** Bare @apollo/gateway + @apollo/server: no plugins, only the Authorization header forwarded. */
async function startApollo(): Promise<Started> {
  const { ApolloGateway, RemoteGraphQLDataSource } = await import('@apollo/gateway');
  const { ApolloServer } = await import('@apollo/server');
  const { startStandaloneServer } = await import('@apollo/server/standalone');
  interface Ctx {
    authorization?: string;
  }
  const gateway = new ApolloGateway({
    supergraphSdl: readFileSync(supergraphPath(), 'utf8'),
    buildService: ({ url }) =>
      new RemoteGraphQLDataSource<Ctx>({
        url,
        willSendRequest({ request, context }) {
          if (context.authorization) request.http?.headers.set('authorization', context.authorization);
        },
      }),
  });
  const server = new ApolloServer<Ctx>({ gateway });
  const { url } = await startStandaloneServer(server, {
    listen: { port: 0, host: '127.0.0.1' },
    context: async ({ req }) => ({ authorization: req.headers.authorization }),
  });
  return { url: `${url.replace(/\/$/, '')}/graphql`.replace(/\/graphql\/graphql$/, '/graphql'), stop: () => server.stop() };
}

/** Hive Gateway (JS planner, or the Rust planner of @graphql-hive/router-runtime), upstream dedup on or off. */
async function startHive(planner: 'js' | 'rust', dedup: boolean): Promise<Started> {
  const { createGatewayRuntime } = await import('@graphql-hive/gateway-runtime');
  const unifiedGraphHandler = planner === 'rust' ? (await import('@graphql-hive/router-runtime')).unifiedGraphHandler : undefined;
  const runtime = createGatewayRuntime({
    supergraph: readFileSync(supergraphPath(), 'utf8'),
    logging: 'error',
    landingPage: false,
    graphqlEndpoint: '/graphql',
    ...(unifiedGraphHandler ? { unifiedGraphHandler } : {}),
    transportEntries: { '*.http': { options: { deduplicateInflightRequests: dedup } as Record<string, unknown> } },
    propagateHeaders: {
      fromClientToSubgraphs: ({ request }) => {
        const authorization = request.headers.get('authorization');
        return authorization ? { authorization } : {};
      },
    },
  });
  const server = createServer(runtime);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/graphql`,
    async stop() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await runtime.dispose();
    },
  };
}

function startGateway(kind: GatewayKind): Promise<Started> {
  switch (kind) {
    case 'web-bff-baseline':
      throw new Error('web-bff-baseline is the web BFF of another checkout: the bench starts that checkout\'s own gateway process (--baseline)');
    case 'web-bff':
      return startWebBff();
    case 'web-bff-nocache':
      return startWebBff({ cache: true });
    case 'web-bff-plain':
      // as shipped before issue 16: no response cache, no entity cache, no de-duplication
      return startWebBff({ cache: true, dedup: true });
    case 'web-bff-256':
      // the socket pool before it was bounded, for comparison (cache and dedup off, as then)
      return startWebBff({ cache: true, dedup: true }, '256');
    case 'apollo':
      return startApollo();
    case 'hive-js':
      return startHive('js', false);
    case 'hive-js-dedup':
      return startHive('js', true);
    case 'hive-rust':
      return startHive('rust', false);
    case 'hive-rust-dedup':
      return startHive('rust', true);
  }
}

async function main() {
  answerProfileRequests();
  const kind = process.argv[2] as GatewayKind;
  if (!GATEWAY_KINDS.includes(kind)) throw new Error(`unknown gateway "${kind}"; one of ${GATEWAY_KINDS.join(', ')}`);
  const gateway = await startGateway(kind);
  let stopping = false;
  const stop = async () => {
    if (stopping) return;
    stopping = true;
    await gateway.stop().catch((e: unknown) => console.error(`${kind}: stop failed`, e));
    // process.exit skips --cpu-prof's write-out only on abnormal exits; a normal exit writes it
    process.exit(0);
  };
  process.on('message', (m: { type: string }) => m.type === 'stop' && void stop());
  process.on('disconnect', () => void stop());
  process.send!({ type: 'ready', url: gateway.url });
}

// the types and names above are imported by the parent; only a forked child runs
if (require.main === module) {
  // as scripts/start-service.ts starts every service, so every gateway here runs on the same footing
  resolveBuiltinModulesFirst();
  main().catch((err) => {
    console.error('bench gateway failed to start:', err);
    process.exit(1);
  });
}
