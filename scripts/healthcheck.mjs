// Container health check: asks this container's service for /health/ready, on the port the
// service listens on (its <SERVICE>_PORT when set, else its default port in the list of services).
import { readFileSync } from 'node:fs';

const { services } = JSON.parse(readFileSync(new URL('../packages/services/services.json', import.meta.url), 'utf8'));
const service = services.find((s) => s.name === process.env.SERVICE);
if (!service) {
  console.error(`unknown SERVICE "${process.env.SERVICE}"`);
  process.exit(1);
}
const portKey = `${service.name.toUpperCase().replace(/-/g, '_')}_PORT`;
const port = Number(process.env[portKey] ?? service.port);
fetch(`http://127.0.0.1:${port}/health/ready`, { signal: AbortSignal.timeout(4000) }).then(
  (res) => process.exit(res.ok ? 0 : 1),
  () => process.exit(1),
);
