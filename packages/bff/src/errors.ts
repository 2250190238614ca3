import type { ApolloServerPlugin } from '@apollo/server';
import { ErrorCode, type Logger, type Metrics } from '@shop/service-kit';
import type { GraphQLFormattedError } from 'graphql';
import type { BffContext } from './context';
import { limitOf } from './limits/query-limits';

/** Codes whose message is written for the client; any other error is masked. */
const CLIENT_CODES = new Set<string>([
  ...Object.values(ErrorCode).filter((c) => c !== ErrorCode.InternalServerError),
  'GRAPHQL_PARSE_FAILED',
  'GRAPHQL_VALIDATION_FAILED',
  'BAD_REQUEST',
  'PERSISTED_QUERY_NOT_FOUND',
  'PERSISTED_QUERY_NOT_SUPPORTED',
  'OPERATION_RESOLUTION_FAILURE',
  'SUBSCRIBER_TOO_SLOW',
]);

const codeOf = (e: { extensions?: Record<string, unknown> }) => String(e.extensions?.code ?? ErrorCode.InternalServerError);

/**
 * Shapes every error the BFF answers with: limit errors get QUERY_TOO_COMPLEX, client errors keep
 * their message, anything unexpected becomes "Internal server error" (its request id is added by
 * `errorReportingPlugin`; the cause is in the logs under that id). No stack traces: a client error's
 * trace says nothing useful and an internal one says too much.
 */
export function formatError(formatted: GraphQLFormattedError): GraphQLFormattedError {
  const { stacktrace: _dropped, ...extensions } = formatted.extensions ?? {};
  const limit = limitOf(formatted);
  if (limit !== undefined) {
    const message = formatted.message.replace(/^Syntax Error: /, '').replace('more that', 'more than');
    return { message, locations: formatted.locations, extensions: { ...extensions, code: ErrorCode.QueryTooComplex, limit } };
  }
  if (CLIENT_CODES.has(codeOf(formatted))) return { ...formatted, extensions };
  return { message: 'Internal server error', path: formatted.path, locations: formatted.locations, extensions: { code: ErrorCode.InternalServerError } };
}

/** Logs unexpected errors with the request id, puts that id on masked errors, counts errors by code. */
export function errorReportingPlugin(logger: Logger, metrics: Metrics): ApolloServerPlugin<BffContext> {
  return {
    async requestDidStart({ contextValue }) {
      const log = contextValue?.logger ?? logger;
      return {
        async didEncounterErrors({ errors }) {
          for (const error of errors) {
            if (!CLIENT_CODES.has(codeOf(error)) && limitOf(error) === undefined) {
              log.error({ err: error.originalError ?? error, path: error.path }, 'operation failed');
            }
          }
        },
        async willSendResponse({ response }) {
          if (response.body.kind !== 'single' || !response.body.singleResult.errors) return;
          const errors = response.body.singleResult.errors.map((e) => {
            metrics.graphqlErrors.inc({ code: codeOf(e) });
            return codeOf(e) === ErrorCode.InternalServerError ? { ...e, extensions: { ...e.extensions, requestId: contextValue.requestId } } : e;
          });
          response.body.singleResult.errors = errors;
        },
      };
    },
  };
}
