/**
 * Starts one service as its own process: `tsx scripts/start-service.ts <service>` (what the
 * container image runs, with SERVICE set). Same entry points as `npm run start -w <workspace>`,
 * but from the repository root so relative paths (DATA_DIR) mean the same in every mode. The
 * services are those of packages/services/services.json.
 */
import { SERVICES, type ServiceKind } from '@shop/services';
import { resolveBuiltinModulesFirst } from './builtin-modules';

resolveBuiltinModulesFirst();

const ENTRY_POINTS: Record<ServiceKind, (name: string) => string> = {
  subgraph: (name) => `../subgraphs/${name}/src/index`,
  bff: (name) => `../gateways/${name}/src/index`,
  storefront: () => './storefront-service',
  simulator: (name) => `../simulators/${name}/src/index`,
};

const name = process.argv[2] ?? process.env.SERVICE ?? '';
const service = SERVICES.find((s) => s.name === name);
if (!service) {
  console.error(`usage: start-service <${SERVICES.map((s) => s.name).join('|')}> (got "${name}")`);
  process.exit(2);
}
require(ENTRY_POINTS[service.kind](service.name));
