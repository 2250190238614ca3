import { loadBffSettings, readManifests, REPO_ROOT, TrustedDocumentsError, type LoadedManifest, toBffConfig, type BffConfig, type BffProfile, type SchemaFilter } from '@shop/bff';
import { CATALOG_CHANGES } from '@shop/events';
import { booleanSetting, ConfigError } from '@shop/service-kit';
import { readFileSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { z } from 'zod';

/**
 * The mobile BFF's defaults: tighter than web (the app's documents are known and small). Every
 * value can be changed with MOBILE_BFF_<KEY> (MOBILE_BFF_PORT, MOBILE_BFF_MAX_FIRST, …; see
 * packages/bff/src/config.ts), subgraph URLs with MOBILE_BFF_<NAME>_URL or SUBGRAPH_<NAME>_URL.
 */
export const MOBILE_BFF: BffProfile = {
  prefix: 'MOBILE_BFF',
  port: 4100,
  subgraphTimeoutMs: 5_000,
  limits: { maxDepth: 7, maxAliases: 10, maxDirectives: 10, maxCost: 1_000, maxTokens: 1_000, maxFirst: 50, defaultFirst: 10, maxBodyBytes: 64 * 1024 },
  rateLimit: { points: 300, windowSeconds: 60 },
  subscriptions: { maxPerConnection: 10, maxPerInstance: 10_000 },
};

/**
 * What the mobile schema leaves out of the supergraph: every element tagged `@tag(name: "admin")`
 * in a subgraph schema, and these fields by name (so the filter holds even before a tag is added).
 * Types only they reach (CreateProductInput, Coupon, …) disappear with them.
 */
export const MOBILE_SCHEMA_FILTER: SchemaFilter = {
  excludeTags: ['admin'],
  excludeFields: [
    'Mutation.createProduct',
    'Mutation.changeProductPrice',
    'Mutation.adjustStock',
    'Mutation.createCoupon',
    'Mutation.shipOrder',
    'Query.coupon',
    'Query.orders',
  ],
};

/** The folder of live app versions' manifests; this repository's own app (contract/mobile.graphql) is one of them. */
export const DEFAULT_TRUSTED_DOCUMENTS_PATH = join(REPO_ROOT, 'gateways', 'mobile-bff', 'trusted-documents');

const mobileOnly = z.object({
  /** on (default): only trusted documents run; off: any valid document (local exploration) */
  MOBILE_SAFELIST: booleanSetting(true),
  /**
   * manifests of every live app version: files and/or folders of `<app>@<version>.json`, separated
   * by commas (or the platform's path delimiter); see packages/bff/src/trusted-documents
   */
  MOBILE_BFF_TRUSTED_DOCUMENTS: z
    .string()
    .default(DEFAULT_TRUSTED_DOCUMENTS_PATH)
    .transform((v) => v.split(',').flatMap((p) => p.split(delimiter)).map((p) => p.trim()).filter((p) => p !== ''))
    .refine((paths) => paths.length > 0, { message: 'needs at least one manifest file or folder' }),
  /** on (default): a manifest changing on disk is reloaded; SIGHUP reloads either way */
  MOBILE_BFF_TRUSTED_DOCUMENTS_WATCH: booleanSetting(true),
});

/** Reads and validates the mobile BFF's configuration from the environment (ConfigError lists every problem). */
export function loadMobileBffConfig(env: Record<string, string | undefined> = process.env): BffConfig {
  const problems: string[] = [];
  let settings: ReturnType<typeof loadBffSettings> | undefined;
  try {
    settings = loadBffSettings(MOBILE_BFF, env);
  } catch (e) {
    if (!(e instanceof ConfigError)) throw e;
    problems.push(...e.problems);
  }
  const own = mobileOnly.safeParse(env);
  if (!own.success) problems.push(...own.error.issues.map((i) => `${i.path.join('.')}: ${i.message} (got "${env[String(i.path[0])]}")`));
  if (!settings || !own.success) throw new ConfigError(problems);

  let supergraphSdl = '';
  let manifests: LoadedManifest[] = [];
  try {
    supergraphSdl = readFileSync(settings.SUPERGRAPH_PATH, 'utf8');
  } catch (e) {
    problems.push(`MOBILE_BFF_SUPERGRAPH_PATH: cannot read ${settings.SUPERGRAPH_PATH} (${(e as Error).message}); run \`npm run compose-supergraph\``);
  }
  if (env.MOBILE_BFF_TRUSTED_DOCUMENTS_PATH !== undefined) problems.push('MOBILE_BFF_TRUSTED_DOCUMENTS_PATH: renamed MOBILE_BFF_TRUSTED_DOCUMENTS (files or folders of <app>@<version>.json manifests)');
  try {
    manifests = readManifests(own.data.MOBILE_BFF_TRUSTED_DOCUMENTS);
  } catch (e) {
    if (!(e instanceof TrustedDocumentsError)) throw e;
    problems.push(...e.problems.map((p) => `MOBILE_BFF_TRUSTED_DOCUMENTS: ${p}`));
  }
  if (problems.length > 0) throw new ConfigError(problems);
  return toBffConfig(settings, {
    name: 'mobile-bff',
    title: 'Shop — mobile BFF',
    supergraphSdl,
    // the catalog's events say when its answers and Product entities change: the caches keep catalog data only
    cacheInvalidation: CATALOG_CHANGES,
    schemaFilter: MOBILE_SCHEMA_FILTER,
    trustedDocuments: {
      sources: own.data.MOBILE_BFF_TRUSTED_DOCUMENTS,
      manifests,
      enforce: own.data.MOBILE_SAFELIST,
      watch: own.data.MOBILE_BFF_TRUSTED_DOCUMENTS_WATCH,
    },
  });
}
