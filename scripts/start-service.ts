/**
 * Starts one service as its own process: `tsx scripts/start-service.ts <service>` (what the
 * container image runs, with SERVICE set). Same entry points as `npm run start -w <workspace>`,
 * but from the repository root so relative paths (DATA_DIR) mean the same in every mode.
 */
const ENTRY_POINTS: Record<string, string> = {
  catalog: '../subgraphs/catalog/src/index',
  cart: '../subgraphs/cart/src/index',
  discount: '../subgraphs/discount/src/index',
  order: '../subgraphs/order/src/index',
  'web-bff': '../gateways/web-bff/src/index',
  'mobile-bff': '../gateways/mobile-bff/src/index',
  storefront: './storefront-service',
};

const service = process.argv[2] ?? process.env.SERVICE ?? '';
const entry = ENTRY_POINTS[service];
if (!entry) {
  console.error(`usage: start-service <${Object.keys(ENTRY_POINTS).join('|')}> (got "${service}")`);
  process.exit(2);
}
require(entry);
