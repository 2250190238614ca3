import type { Logger } from '@shop/service-kit';
import { parse } from 'graphql';
import { statSync, watch, type FSWatcher } from 'node:fs';
import { basename, dirname } from 'node:path';
import { Counter, Gauge, type Registry } from 'prom-client';
import { matchKey } from './manifest';
import { readManifests, TrustedDocumentsError, type LoadedManifest } from './manifest-files';

/**
 * The union of every loaded manifest, as the gate looks documents up: by the id the app sends, and
 * by `matchKey` (canonical text, `__typename` left out), so the same document sent in full —
 * spaced or ordered differently, with or without `__typename` — is recognised whatever printer
 * the app's build used.
 */
export interface TrustedDocumentIndex {
  byId: ReadonlyMap<string, string>;
  byMatchKey: ReadonlySet<string>;
  manifests: readonly LoadedManifest[];
}

export function indexTrustedDocuments(manifests: readonly LoadedManifest[]): TrustedDocumentIndex {
  const byId = new Map<string, string>();
  const byMatchKey = new Set<string>();
  for (const manifest of manifests) {
    for (const op of manifest.operations) {
      byId.set(op.id, op.body);
      const key = matchKey(parse(op.body));
      if (key !== undefined) byMatchKey.add(key);
    }
  }
  return { byId, byMatchKey, manifests };
}

/** A hash → text map given in code (tests, one-off tools) as an index: app "inline", version "0". */
export function indexFromMap(map: Record<string, string>): TrustedDocumentIndex {
  const operations = Object.entries(map).map(([id, body]) => {
    const match = /^\s*(query|mutation|subscription)\s+(\w+)/m.exec(body);
    return { id, body, type: (match?.[1] ?? 'query') as 'query', name: match?.[2] ?? id };
  });
  return indexTrustedDocuments([{ file: '(inline)', app: 'inline', version: '0', format: 'hash-map', operations }]);
}

const versionKey = (m: Pick<LoadedManifest, 'app' | 'version'>) => `${m.app}@${m.version}`;

/** A problem's text with the manifest folders named by file name only (the status is public). */
function withoutDirectories(problem: string, sources: readonly string[]): string {
  return sources.reduce((text, source) => text.split(source.endsWith('.json') ? dirname(source) : source).join('…'), problem);
}

export interface TrustedDocumentsStatus {
  /** `<app>@<version>` of every manifest served */
  versions: string[];
  manifests: { app: string; version: string; file: string; format: string; operations: number }[];
  documents: number;
  loadedAt: string;
  /** the last reload that failed, while the set loaded before it is still served */
  lastReloadError?: { at: string; problems: string[] };
}

export interface TrustedDocumentStore {
  current(): TrustedDocumentIndex;
  /** reads the manifests again; on any problem the set served stays as it was (false, logged) */
  reload(reason: string): boolean;
  /** whether `app` has a loaded manifest of `version` (metrics labels) */
  knows(app: string, version?: string): boolean;
  status(): TrustedDocumentsStatus;
  stop(): void;
}

export interface TrustedDocumentStoreOptions {
  /** files and folders of manifests, read again on reload */
  sources: string[];
  /** what was read at start (config validation read it already); read from `sources` when absent */
  initial?: readonly LoadedManifest[];
  logger: Logger;
  registry?: Registry;
  /** reload when a manifest file or folder changes */
  watch?: boolean;
  /** reload on SIGHUP */
  signal?: boolean;
  /** quiet time after the last file event before reloading (a deploy copies several files) */
  debounceMs?: number;
}

/**
 * The served trusted documents, reloadable without a restart: on SIGHUP and, when `watch` is on,
 * when a manifest changes on disk. A reload that finds any problem keeps the current set and logs
 * each problem; `/health/ready` shows it until a reload succeeds.
 */
export function createTrustedDocumentStore(options: TrustedDocumentStoreOptions): TrustedDocumentStore {
  const { logger, sources } = options;
  let index = indexTrustedDocuments(options.initial ?? readManifests(sources));
  let loadedAt = new Date();
  let lastReloadError: TrustedDocumentsStatus['lastReloadError'];
  const reloads = options.registry
    ? new Counter({ name: 'bff_trusted_documents_reloads_total', help: 'Reloads of the trusted-document manifests by outcome (ok, failed: the previous set is still served)', labelNames: ['outcome'], registers: [options.registry] })
    : undefined;
  const served = options.registry
    ? new Gauge({ name: 'bff_trusted_documents', help: 'Trusted operations served per app version (app, version)', labelNames: ['app', 'version'], registers: [options.registry] })
    : undefined;
  const publish = () => {
    served?.reset();
    for (const m of index.manifests) served?.set({ app: m.app, version: m.version }, m.operations.length);
  };
  publish();

  const reload = (reason: string): boolean => {
    let manifests: LoadedManifest[];
    try {
      manifests = readManifests(sources);
    } catch (e) {
      const problems = e instanceof TrustedDocumentsError ? e.problems : [(e as Error).message];
      lastReloadError = { at: new Date().toISOString(), problems };
      reloads?.inc({ outcome: 'failed' });
      logger.error({ reason, problems, versions: index.manifests.map(versionKey) }, `trusted documents not reloaded (${problems.length} problem(s)); still serving the previous set`);
      return false;
    }
    const before = new Set(index.manifests.map(versionKey));
    const next = indexTrustedDocuments(manifests);
    const after = new Set(next.manifests.map(versionKey));
    index = next;
    loadedAt = new Date();
    lastReloadError = undefined;
    reloads?.inc({ outcome: 'ok' });
    publish();
    logger.info(
      { reason, versions: [...after], added: [...after].filter((v) => !before.has(v)), removed: [...before].filter((v) => !after.has(v)), documents: next.byId.size },
      'trusted documents reloaded',
    );
    return true;
  };

  const watchers: FSWatcher[] = [];
  let timer: NodeJS.Timeout | undefined;
  if (options.watch) {
    const schedule = () => {
      clearTimeout(timer);
      timer = setTimeout(() => reload('file change'), options.debounceMs ?? 250);
      timer.unref();
    };
    for (const source of sources) {
      try {
        // a file is watched through its folder: deploys and editors replace it (a new inode)
        const folder = statSync(source).isDirectory();
        const name = basename(source);
        // any event in a folder: a mounted ConfigMap swaps a `..data` symlink, not the *.json names
        const watcher = watch(folder ? source : dirname(source), { persistent: false }, (_event, file) => {
          if (folder || file === null || String(file) === name) schedule();
        });
        watcher.on('error', (e) => logger.warn({ source, err: e }, 'watching trusted documents failed; SIGHUP still reloads'));
        watchers.push(watcher);
      } catch (e) {
        logger.warn({ source, err: e }, 'cannot watch trusted documents; SIGHUP still reloads');
      }
    }
  }
  const onSignal = () => void reload('SIGHUP');
  if (options.signal) process.on('SIGHUP', onSignal);

  return {
    current: () => index,
    reload,
    knows(app, version) {
      return index.manifests.some((m) => m.app === app && (version === undefined || m.version === version));
    },
    status: () => ({
      versions: index.manifests.map(versionKey),
      // file names, not paths: the status is part of the public readiness answer (the log has the paths)
      manifests: index.manifests.map((m) => ({ app: m.app, version: m.version, file: basename(m.file), format: m.format, operations: m.operations.length })),
      documents: index.byId.size,
      loadedAt: loadedAt.toISOString(),
      ...(lastReloadError ? { lastReloadError: { at: lastReloadError.at, problems: lastReloadError.problems.map((p) => withoutDirectories(p, options.sources)) } } : {}),
    }),
    stop() {
      clearTimeout(timer);
      for (const w of watchers) w.close();
      if (options.signal) process.off('SIGHUP', onSignal);
    },
  };
}
