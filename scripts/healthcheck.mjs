// Container health check: asks this container's service for /health/ready, on the port the
// service listens on (its <SERVICE>_PORT when set, else the service's default port).
const services = {
  'web-bff': ['WEB_BFF_PORT', 4000],
  catalog: ['CATALOG_PORT', 4001],
  cart: ['CART_PORT', 4002],
  discount: ['DISCOUNT_PORT', 4003],
  order: ['ORDER_PORT', 4004],
  'mobile-bff': ['MOBILE_BFF_PORT', 4100],
};
const service = services[process.env.SERVICE ?? ''];
if (!service) {
  console.error(`unknown SERVICE "${process.env.SERVICE}"`);
  process.exit(1);
}
const [portKey, defaultPort] = service;
const port = Number(process.env[portKey] ?? defaultPort);
fetch(`http://127.0.0.1:${port}/health/ready`, { signal: AbortSignal.timeout(4000) }).then(
  (res) => process.exit(res.ok ? 0 : 1),
  () => process.exit(1),
);
