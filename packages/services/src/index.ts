import { z } from 'zod';
import list from '../services.json';

/**
 * The one list of the platform's services (services.json beside this package's src/, JSON so that
 * plain scripts such as the container health check read it too). Everything that enumerates
 * services derives from it: the start scripts and the embedded stack, composition, health checks,
 * bench and soak; docker-compose.yml and the Kubernetes files are checked against it by tests.
 */
const serviceSchema = z.object({
  name: z.string().regex(/^[a-z][a-z0-9-]*$/, 'lower-case letters, digits and dashes'),
  /** `simulator`: a stand-in for a third party (the payment provider), run in development and tests only, never in production */
  kind: z.enum(['subgraph', 'bff', 'storefront', 'simulator']),
  port: z.number().int().min(1).max(65_535),
  /** event types the service's queue receives (subgraphs; a BFF listens on a queue of its own instance) */
  consumes: z.array(z.string()),
});

export type Service = Readonly<z.infer<typeof serviceSchema>>;
export type ServiceKind = Service['kind'];

function parseServices(raw: unknown): readonly Service[] {
  const services = z.object({ services: z.array(serviceSchema).min(1) }).parse(raw).services;
  const seen = new Set<string>();
  for (const { name, port } of services) {
    if (seen.has(name)) throw new Error(`services.json: "${name}" is listed twice`);
    if (services.filter((s) => s.port === port).length > 1) throw new Error(`services.json: port ${port} is used twice`);
    seen.add(name);
  }
  return Object.freeze(services.map((s) => Object.freeze(s)));
}

/** Every service, in start order. */
export const SERVICES: readonly Service[] = parseServices(list);

/** The subgraphs, in start order. */
export const SUBGRAPHS: readonly Service[] = SERVICES.filter((s) => s.kind === 'subgraph');

/** The subgraphs' names, in start order. */
export const SUBGRAPH_NAMES: readonly string[] = SUBGRAPHS.map((s) => s.name);

/** The service named so; throws naming the known ones. */
export function serviceNamed(name: string): Service {
  const service = SERVICES.find((s) => s.name === name);
  if (!service) throw new Error(`no service "${name}" in packages/services/services.json (known: ${SERVICES.map((s) => s.name).join(', ')})`);
  return service;
}

/** The prefix of a service's own settings: `catalog` → `CATALOG`, `web-bff` → `WEB_BFF`. */
export const settingPrefix = (name: string): string => name.toUpperCase().replace(/-/g, '_');

/** The setting that moves a service's port: `CATALOG_PORT`, `WEB_BFF_PORT`. */
export const portSetting = (name: string): string => `${settingPrefix(name)}_PORT`;

/** The setting that moves a service's metrics port (its operators' port: /metrics, the full readiness report): `CATALOG_METRICS_PORT`. */
export const metricsPortSetting = (name: string): string => `${settingPrefix(name)}_METRICS_PORT`;

/**
 * A service's metrics port when `<NAME>_METRICS_PORT` is not set: its port + 5000 (catalog 4001 →
 * 9001, web-bff 4000 → 9000), or any free port (0) when its port is (tests, the embedded stack's
 * ephemeral ports) or when + 5000 would leave the port range.
 */
export const defaultMetricsPort = (port: number): number => (port === 0 || port + 5000 > 65_535 ? 0 : port + 5000);

/** The setting that gives a subgraph a database URL of its own: `CATALOG_DATABASE_URL`. */
export const databaseUrlSetting = (name: string): string => `${settingPrefix(name)}_DATABASE_URL`;

/** The setting that tells every BFF where a subgraph answers: `SUBGRAPH_CATALOG_URL`. */
export const subgraphUrlSetting = (name: string): string => `SUBGRAPH_${settingPrefix(name)}_URL`;

/** The subgraph's URL on this machine at its default port (the composed supergraph carries these). */
export const localSubgraphUrl = (name: string): string => `http://localhost:${serviceNamed(name).port}/graphql`;
