import { baseConfigSchema, ConfigError, loadConfig, portSetting as port, urlSetting, type BaseConfig } from '@shop/service-kit';
import { databaseLocation, type DatabaseLocation } from '@shop/service-kit/database';
import { databaseUrlSetting, defaultMetricsPort, metricsPortSetting, portSetting, serviceNamed } from '@shop/services';
import { z } from 'zod';

/** A subgraph's validated settings: the shared ones, its own (`settings` of its definition), its port and database. */
export type SubgraphConfig<S extends z.ZodRawShape = z.ZodRawShape> = BaseConfig &
  z.output<z.ZodObject<S>> & {
    /** `<NAME>_PORT`, default from the list of services (0 = any free port, for tests) */
    readonly port: number;
    /** `<NAME>_METRICS_PORT`: /metrics and the full readiness report, apart from the public port (default port + 5000) */
    readonly metricsPort: number;
    /** `<NAME>_DATABASE_URL` as it is, one derived from DATABASE_URL, or none (embedded PGlite) */
    readonly database: DatabaseLocation | undefined;
  };

/**
 * The schema of a subgraph's environment: the shared settings, `<NAME>_PORT` (its default port
 * from the list of services), `<NAME>_DATABASE_URL` (a database of its own, overriding the
 * `<base>_<name>` that DATABASE_URL derives) and the subgraph's own settings.
 */
export function subgraphConfigSchema<S extends z.ZodRawShape>(name: string, settings: S) {
  return baseConfigSchema.extend({
    [portSetting(name)]: port(serviceNamed(name).port),
    [metricsPortSetting(name)]: z.coerce.number().int().min(0).max(65535).optional(),
    [databaseUrlSetting(name)]: urlSetting(['postgres://', 'postgresql://']),
    ...settings,
  });
}

/**
 * Reads and validates a subgraph's environment once; every bad value is named in the error.
 * `productionRefuses`: setting → its development value, which production refuses (unset too).
 */
export function loadSubgraphConfig<S extends z.ZodRawShape>(
  name: string,
  settings: S,
  env: Record<string, string | undefined> = process.env,
  { productionRefuses = {} }: { productionRefuses?: Partial<Record<string, string>> } = {},
): SubgraphConfig<S> {
  let values: Record<string, unknown> = {};
  const problems: string[] = [];
  try {
    values = loadConfig(subgraphConfigSchema(name, settings), env, { productionRequires: ['GATEWAY_SECRET'] }) as Record<string, unknown>;
  } catch (e) {
    if (!(e instanceof ConfigError)) throw e;
    problems.push(...e.problems);
  }
  if (env.NODE_ENV === 'production') {
    for (const [key, development] of Object.entries(productionRefuses)) {
      const given = env[key]?.trim();
      if (given === undefined || given === '' || given === development) problems.push(`${key}: production refuses the development value; set one of your own`);
    }
  }
  if (problems.length > 0) throw new ConfigError(problems);
  return {
    ...values,
    port: values[portSetting(name)] as number,
    metricsPort: (values[metricsPortSetting(name)] as number | undefined) ?? defaultMetricsPort(values[portSetting(name)] as number),
    database: databaseLocation(values[databaseUrlSetting(name)] as string | undefined, values.DATABASE_URL as string | undefined),
  } as SubgraphConfig<S>;
}
