import type { ApolloServerPlugin, BaseContext } from '@apollo/server';
import type { IncomingHttpHeaders } from 'node:http';
import { Counter, Histogram, type Registry } from 'prom-client';

/** The headers Apollo clients (Apollo Client, Apollo iOS, Apollo Kotlin) send to name the app and its version. */
export const CLIENT_NAME_HEADER = 'apollographql-client-name';
export const CLIENT_VERSION_HEADER = 'apollographql-client-version';

/** Which app versions are known (have a loaded manifest); anything else shares one label value. */
export interface KnownClients {
  knows(app: string, version?: string): boolean;
}

/**
 * Label values for one request's client. Header values are chosen by callers, so only apps and
 * versions with a loaded manifest become labels; a missing header is `none`, anything else `other`.
 */
export function clientLabels(known: KnownClients, name: string | undefined, version: string | undefined): { client_name: string; client_version: string } {
  if (!name) return { client_name: 'none', client_version: version ? 'other' : 'none' };
  if (!known.knows(name)) return { client_name: 'other', client_version: version ? 'other' : 'none' };
  if (!version) return { client_name: name, client_version: 'none' };
  return { client_name: name, client_version: known.knows(name, version) ? version : 'other' };
}

/**
 * `bff_client_operation_duration_seconds{operation, client_name, client_version, outcome}`: every
 * GraphQL operation by the app version that sent it, so an operator sees which versions are still
 * in use before dropping one. Operation names are bounded like the service-wide metric (at most
 * `maxNames`, later ones `other`).
 */
export function clientOperationMetrics<Ctx extends BaseContext>(
  registry: Registry,
  known: KnownClients,
  maxNames = 200,
): { plugin: ApolloServerPlugin<Ctx>; cacheHit(headers: IncomingHttpHeaders, params: { operationName?: string; query?: string }): void } {
  const histogram = new Histogram({
    name: 'bff_client_operation_duration_seconds',
    help: 'GraphQL operations by operation, app (apollographql-client-name) and app version (apollographql-client-version; other: no manifest of that version loaded, none: header missing) and outcome',
    labelNames: ['operation', 'client_name', 'client_version', 'outcome'],
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers: [registry],
  });
  const names = new Set<string>();
  const operationLabel = (name: string | null | undefined) => {
    if (!name) return 'anonymous';
    if (names.has(name)) return name;
    if (names.size >= maxNames) return 'other';
    names.add(name);
    return name;
  };
  const plugin: ApolloServerPlugin<Ctx> = {
    async requestDidStart({ request }) {
      const stop = histogram.startTimer();
      const headers = request.http?.headers;
      const client = clientLabels(known, headers?.get(CLIENT_NAME_HEADER) ?? undefined, headers?.get(CLIENT_VERSION_HEADER) ?? undefined);
      return {
        async willSendResponse({ operationName, response }) {
          const errors = response.body.kind === 'single' ? (response.body.singleResult.errors ?? []) : [];
          stop({ operation: operationLabel(operationName), ...client, outcome: errors.length > 0 ? 'error' : 'ok' });
        },
      };
    },
  };
  return {
    plugin,
    // an answer from the response cache is an operation the app version ran all the same
    cacheHit(headers, params) {
      const name = params.operationName ?? /^\s*(?:query|mutation|subscription)\s+([_A-Za-z][_0-9A-Za-z]*)/m.exec(params.query ?? '')?.[1];
      const client = clientLabels(known, headerValue(headers[CLIENT_NAME_HEADER]), headerValue(headers[CLIENT_VERSION_HEADER]));
      histogram.observe({ operation: operationLabel(name), ...client, outcome: 'ok' }, 0);
    },
  };
}

const headerValue = (value: string | string[] | undefined) => (Array.isArray(value) ? value[0] : value);

/**
 * `bff_trusted_documents_refused_total{client_name, client_version, code}`: documents the gate
 * refused, by the app version that sent them. A release whose manifest was not deployed shows up
 * here (as its app with version `other`) before its users report it.
 */
export function refusedDocumentsCounter(registry: Registry, known: KnownClients): (headers: IncomingHttpHeaders, code: string) => void {
  const counter = new Counter({
    name: 'bff_trusted_documents_refused_total',
    help: 'Documents refused by the trusted-documents gate, by app, app version (other: no manifest of that version loaded, none: header missing) and error code',
    labelNames: ['client_name', 'client_version', 'code'],
    registers: [registry],
  });
  return (headers, code) => {
    const client = clientLabels(known, headerValue(headers[CLIENT_NAME_HEADER]), headerValue(headers[CLIENT_VERSION_HEADER]));
    counter.inc({ ...client, code: code === 'PERSISTED_QUERY_NOT_ALLOWED' || code === 'PERSISTED_QUERY_NOT_FOUND' ? code : 'BAD_REQUEST' });
  };
}
