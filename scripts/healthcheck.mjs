// Container health check: asks this container's service for /health/ready.
const ports = { 'web-bff': 4000, catalog: 4001, cart: 4002, discount: 4003, order: 4004, 'mobile-bff': 4100, storefront: 3000 };
const port = ports[process.env.SERVICE ?? ''];
if (!port) {
  console.error(`unknown SERVICE "${process.env.SERVICE}"`);
  process.exit(1);
}
fetch(`http://127.0.0.1:${port}/health/ready`, { signal: AbortSignal.timeout(4000) }).then(
  (res) => process.exit(res.ok ? 0 : 1),
  () => process.exit(1),
);
