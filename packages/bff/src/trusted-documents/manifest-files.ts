import { Kind, parse, type DocumentNode, type OperationDefinitionNode } from 'graphql';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, join } from 'node:path';
import { z } from 'zod';
import { documentHash } from './manifest';

/**
 * Trusted-document manifests as a mobile app's build writes them, read at start and on reload.
 *
 * Two formats are read, told apart by their content:
 * - Apollo's persisted query manifest (`@apollo/generate-persisted-query-manifest`, Apollo iOS,
 *   Apollo Kotlin): `{ "format": "apollo-persisted-query-manifest", "version": 1,
 *   "operations": [{ "id", "name", "type", "body" }] }`;
 * - the hash → text map GraphQL Code Generator writes (`persistedDocuments`), Relay likewise:
 *   `{ "<sha256>": "<document>" }`.
 *
 * Neither format has a place for the app's version, and a manifest must be accepted exactly as the
 * app's build wrote it, so the version is in the file name: `<app>@<version>.json`, e.g.
 * `shop-ios@2.4.0.json` (app "shop-ios", version "2.4.0") — the name and version the app sends in
 * the `apollographql-client-name` / `apollographql-client-version` headers.
 */

export type OperationType = 'query' | 'mutation' | 'subscription';

export interface TrustedOperation {
  /** sha256 (hex) of `body`: what the app sends as extensions.persistedQuery.sha256Hash */
  id: string;
  name: string;
  type: OperationType;
  body: string;
}

export type ManifestFormat = 'apollo-persisted-query-manifest' | 'hash-map';

export interface LoadedManifest {
  file: string;
  app: string;
  version: string;
  format: ManifestFormat;
  operations: TrustedOperation[];
}

/** Every problem found in a set of manifests, one line each naming the file (and operation). */
export class TrustedDocumentsError extends Error {
  constructor(readonly problems: string[]) {
    super(problems.join('\n'));
    this.name = 'TrustedDocumentsError';
  }
}

/** `<app>@<version>.json`: the app as it names itself in apollographql-client-name, then its version. */
const FILE_NAME = /^([A-Za-z0-9][A-Za-z0-9._-]*)@([0-9A-Za-z][0-9A-Za-z.+_-]*)\.json$/;

export function appVersionOfFile(file: string): { app: string; version: string } | undefined {
  const match = FILE_NAME.exec(basename(file));
  return match ? { app: match[1], version: match[2] } : undefined;
}

/**
 * The manifest files a list of paths names: a file is itself, a folder is every `*.json` directly
 * in it (sorted; sub-folders and other files are not read, so a folder can hold a README).
 */
export function manifestFilesOf(paths: string[]): string[] {
  const files: string[] = [];
  for (const path of paths) {
    if (statSync(path).isDirectory()) {
      files.push(
        ...readdirSync(path)
          .filter((name) => name.endsWith('.json'))
          .sort()
          .map((name) => join(path, name)),
      );
    } else files.push(path);
  }
  return files;
}

const apolloManifest = z.object({
  format: z.literal('apollo-persisted-query-manifest'),
  version: z.literal(1, { message: 'only version 1 of the format is known' }),
  operations: z.array(
    z.object({
      id: z.string().min(1),
      name: z.string().min(1),
      type: z.enum(['query', 'mutation', 'subscription']),
      body: z.string().min(1),
    }),
  ),
});

const hashMap = z.record(z.string().min(1), z.string().min(1));

/** The hex digest of an id, with the `sha256:` prefix of the GraphQL-over-HTTP persisted documents appendix taken off. */
const hexOf = (id: string) => (id.startsWith('sha256:') ? id.slice('sha256:'.length) : id);

function singleOperation(body: string): OperationDefinitionNode {
  let doc: DocumentNode;
  try {
    doc = parse(body);
  } catch (e) {
    throw new Error(`body is not a GraphQL document (${(e as Error).message})`);
  }
  const operations = doc.definitions.filter((d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION);
  if (operations.length !== 1) throw new Error(`body holds ${operations.length} operations; a trusted document is one operation and its fragments`);
  if (doc.definitions.some((d) => d.kind !== Kind.OPERATION_DEFINITION && d.kind !== Kind.FRAGMENT_DEFINITION)) throw new Error('body holds type system definitions');
  if (!operations[0].name) throw new Error('the operation has no name');
  return operations[0];
}

/** Checks one operation: its id is the sha256 of its body, the body is one named operation of the stated name and type. */
function verifiedOperation(candidate: { id: string; body: string; name?: string; type?: OperationType }): TrustedOperation {
  const operation = singleOperation(candidate.body);
  const name = operation.name!.value;
  if (candidate.name !== undefined && candidate.name !== name) throw new Error(`named "${candidate.name}" but its body is operation ${name}`);
  if (candidate.type !== undefined && candidate.type !== operation.operation) throw new Error(`type "${candidate.type}" but its body is a ${operation.operation}`);
  const actual = documentHash(candidate.body);
  if (hexOf(candidate.id).toLowerCase() !== actual) {
    throw new Error(`id ${candidate.id} is not the sha256 of its body (that is ${actual}); the app's client would send ${actual}, so the id is wrong or the body was changed`);
  }
  return { id: actual, name, type: operation.operation, body: candidate.body };
}

/** Reads, parses and verifies one manifest file; every problem in it is reported at once. */
export function readManifestFile(file: string): LoadedManifest {
  const problems: string[] = [];
  const appVersion = appVersionOfFile(file);
  if (!appVersion) problems.push(`${file}: the file name must be <app>@<version>.json (e.g. shop-ios@2.4.0.json), naming the app version the manifest belongs to`);
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(file, 'utf8'));
  } catch (e) {
    throw new TrustedDocumentsError([...problems, `${file}: cannot read it as JSON (${(e as Error).message})`]);
  }
  const operations: TrustedOperation[] = [];
  let format: ManifestFormat;
  const check = (candidate: Parameters<typeof verifiedOperation>[0], label: string) => {
    try {
      operations.push(verifiedOperation(candidate));
    } catch (e) {
      problems.push(`${file}: ${label}: ${(e as Error).message}`);
    }
  };
  if (json !== null && typeof json === 'object' && 'format' in json) {
    format = 'apollo-persisted-query-manifest';
    const parsed = apolloManifest.safeParse(json);
    if (!parsed.success) {
      throw new TrustedDocumentsError([...problems, ...parsed.error.issues.map((i) => `${file}: ${i.path.join('.') || '(top level)'}: ${i.message}`)]);
    }
    parsed.data.operations.forEach((op, i) => check(op, `operation ${op.name} (operations[${i}])`));
  } else {
    format = 'hash-map';
    const parsed = hashMap.safeParse(json);
    if (!parsed.success) {
      throw new TrustedDocumentsError([...problems, `${file}: neither an Apollo persisted query manifest ({"format":"apollo-persisted-query-manifest",…}) nor a { "<sha256>": "<document>" } map`]);
    }
    for (const [id, body] of Object.entries(parsed.data)) {
      const name = /^\s*(?:query|mutation|subscription)\s+([_A-Za-z][_0-9A-Za-z]*)/m.exec(body)?.[1] ?? `with id ${id.slice(0, 16)}…`;
      check({ id, body }, `operation ${name}`);
    }
  }
  if (operations.length === 0 && problems.length === 0) problems.push(`${file}: holds no operation`);
  const seen = new Map<string, string>();
  for (const op of operations) {
    const other = seen.get(op.name);
    if (other !== undefined && other !== op.id) problems.push(`${file}: operation ${op.name} appears twice with different bodies; an app version sends one body per operation`);
    seen.set(op.name, op.id);
  }
  if (problems.length > 0) throw new TrustedDocumentsError(problems);
  return { file, app: appVersion!.app, version: appVersion!.version, format, operations };
}

/**
 * Reads every manifest the paths name (files, or folders of `*.json`). Throws a
 * TrustedDocumentsError listing every problem: a path that cannot be read, a file that is not a
 * manifest, an id that is not the sha256 of its body, one app version in two files, no manifest.
 */
export function readManifests(paths: string[]): LoadedManifest[] {
  const problems: string[] = [];
  const files: string[] = [];
  for (const path of paths) {
    try {
      files.push(...manifestFilesOf([path]));
    } catch (e) {
      problems.push(`${path}: cannot read it (${(e as Error).message})`);
    }
  }
  const manifests: LoadedManifest[] = [];
  for (const file of files) {
    try {
      manifests.push(readManifestFile(file));
    } catch (e) {
      if (!(e instanceof TrustedDocumentsError)) throw e;
      problems.push(...e.problems);
    }
  }
  const byVersion = new Map<string, string>();
  for (const m of manifests) {
    const key = `${m.app}@${m.version}`;
    const other = byVersion.get(key);
    if (other) problems.push(`${m.file}: ${key} is also in ${other}; one manifest per app version`);
    byVersion.set(key, m.file);
  }
  if (files.length === 0 && problems.length === 0) problems.push(`no manifest (*.json) in ${paths.join(', ')}`);
  if (problems.length > 0) throw new TrustedDocumentsError(problems);
  return manifests;
}
