import type { ApolloServer } from '@apollo/server';
import { ErrorCode, requestIds, type Auth, type Logger, type Viewer } from '@shop/service-kit';
import {
  getNamedType,
  GraphQLError,
  parse,
  print,
  specifiedRules,
  validate,
  type DocumentNode,
  type ExecutionArgs,
  type ExecutionResult,
  type GraphQLObjectType,
  type GraphQLSchema,
  type ValidationRule,
} from 'graphql';
import { CloseCode, type SubscribePayload } from 'graphql-ws';
import { useServer } from 'graphql-ws/use/ws';
import { decodeJwt, errors as joseErrors } from 'jose';
import type { IncomingMessage, Server } from 'node:http';
import { WebSocketServer, type WebSocket } from 'ws';
import type { BffContext } from '../context';
import { formatError } from '../errors';
import { requestValuesProblem } from '../http/request-values';
import type { GraphQLParams, Safelist } from '../trusted-documents/safelist';
import type { OrderFeed } from './order-feed';
import { orderQueryFor, orderUpdates, type OrderQuery } from './order-updates';

export interface SubscriptionServerOptions {
  httpServer: Server;
  path: string;
  schema: GraphQLSchema;
  apollo: ApolloServer<BffContext>;
  auth: Auth;
  logger: Logger;
  feed: OrderFeed;
  validationRules: ValidationRule[];
  maxTokens: number;
  maxMessageBytes: number;
  maxPerConnection: number;
  maxPerInstance: number;
  pendingOrderGraceMs: number;
  safelist?: Safelist;
  /** called with the number of live subscriptions whenever it changes */
  onCount?: (count: number) => void;
}

export interface SubscriptionServer {
  /** live subscriptions on this instance */
  count(): number;
  /** connections open on this instance */
  connections(): number;
  /** closes every socket with 1001 (going away) and stops accepting */
  stop(): Promise<void>;
}

interface Connection {
  viewer: Viewer;
  ids: { requestId: string; correlationId: string; traceparent?: string };
  clientKey: string;
  subscriptions: Set<string>;
  /** cancels the timer that closes the socket when its token expires */
  cancelExpiry?: () => void;
}

/** Subscribe arguments the hooks hand to `subscribe` (graphql-ws carries them as ExecutionArgs). */
interface OrderExecution extends ExecutionArgs {
  contextValue: { order: OrderQuery; connection: Connection; variables: Record<string, unknown>; operationName?: string };
}

const tooMany = (message: string) => new GraphQLError(message, { extensions: { code: ErrorCode.TooManySubscriptions } });

/**
 * graphql-ws on the BFF's own port and path. The token travels in connection_init's payload
 * (`{ "authorization": "Bearer <jwt>" }`); a missing, bad or expired one closes the socket with
 * 4401 before any data. Each subscription is validated like an HTTP document (limits, trusted
 * documents on mobile), capped per connection and per instance, and resolved through the gateway
 * as its subscriber (see order-updates.ts).
 */
export function startSubscriptionServer(options: SubscriptionServerOptions): SubscriptionServer {
  const { logger, auth } = options;
  const connections = new WeakMap<object, Connection>();
  let live = 0;
  let open = 0;
  const changed = (delta: number) => {
    live += delta;
    options.onCount?.(live);
  };

  const wss = new WebSocketServer({ server: options.httpServer, path: options.path, maxPayload: options.maxMessageBytes });
  wss.on('connection', (socket: WebSocket) => {
    open += 1;
    socket.once('close', () => {
      open -= 1;
    });
  });

  // late subscribers get the status changes they missed, when the Order type has its timeline
  const orderType = options.schema.getType('Order');
  const historyType = orderType && 'getFields' in orderType ? (orderType as GraphQLObjectType).getFields().history?.type : undefined;
  const historyFields = historyType ? (getNamedType(historyType) as GraphQLObjectType).getFields?.() : undefined;
  const withHistory = Boolean(historyFields?.status && historyFields?.reason);

  const closeUnauthorized = (socket: WebSocket, reason: string) => socket.close(CloseCode.Unauthorized, reason.slice(0, 120));

  const disposable = useServer<Record<string, unknown> | undefined, { connection?: Connection }>(
    {
      connectionInitWaitTimeout: 10_000,
      async onConnect(ctx) {
        const socket = ctx.extra.socket;
        const raw = ctx.connectionParams?.authorization ?? ctx.connectionParams?.Authorization;
        if (typeof raw !== 'string' || raw.trim() === '') {
          closeUnauthorized(socket, 'Unauthorized: send { "authorization": "Bearer <token>" } in connection_init');
          return false;
        }
        let viewer: Viewer | null;
        try {
          viewer = await auth.viewerFromHeader(raw);
        } catch (e) {
          closeUnauthorized(socket, `Unauthorized: ${(e as Error).message}`);
          return false;
        }
        if (!viewer) {
          closeUnauthorized(socket, 'Unauthorized');
          return false;
        }
        const request = ctx.extra.request as IncomingMessage;
        const connection: Connection = { viewer, ids: requestIds(request.headers), clientKey: `sub:${viewer.sub}`, subscriptions: new Set() };
        // a token that expires ends the connection it opened
        const exp = tokenExpiry(viewer.token);
        if (exp !== undefined) connection.cancelExpiry = atTime(exp * 1000, () => closeUnauthorized(socket, 'Unauthorized: token expired'));
        connections.set(ctx, connection);
        return true;
      },

      async onSubscribe(ctx, id, payload: SubscribePayload) {
        const connection = connections.get(ctx);
        if (!connection) return [new GraphQLError('Unauthorized', { extensions: { code: ErrorCode.Unauthenticated } })];
        const valuesProblem = requestValuesProblem({ variables: payload.variables, extensions: payload.extensions, operationName: payload.operationName });
        if (valuesProblem) return [valuesProblem];
        let params: GraphQLParams = { query: payload.query, operationName: payload.operationName ?? undefined, variables: payload.variables ?? undefined, extensions: payload.extensions ?? undefined };
        if (options.safelist) {
          const decision = options.safelist(params);
          if (!decision.allowed) return [decision.error];
          params = decision.params;
        }
        if (typeof params.query !== 'string' || params.query === '') return [new GraphQLError('A subscription needs a document (query) or a trusted document hash', { extensions: { code: 'BAD_REQUEST' } })];
        let document: DocumentNode;
        try {
          document = parse(params.query, { maxTokens: options.maxTokens });
        } catch (e) {
          return [e instanceof GraphQLError ? e : new GraphQLError(String(e))];
        }
        const errors = validate(options.schema, document, [...specifiedRules, ...options.validationRules]);
        if (errors.length > 0) return errors;
        const variables = (params.variables ?? {}) as Record<string, unknown>;
        const order = orderQueryFor(document, params.operationName, variables, { withHistory });
        if (order instanceof GraphQLError) return [order];
        if (connection.subscriptions.size >= options.maxPerConnection) return [tooMany(`At most ${options.maxPerConnection} subscriptions per connection`)];
        if (live >= options.maxPerInstance) return [tooMany('This server holds as many subscriptions as it can; try again later')];
        return {
          schema: options.schema,
          document,
          operationName: params.operationName,
          variableValues: variables,
          contextValue: { order, connection, variables, operationName: params.operationName },
        } satisfies OrderExecution;
      },

      subscribe(args: ExecutionArgs) {
        const { order, connection, variables, operationName } = (args as OrderExecution).contextValue;
        const subscriptionId = `${connection.ids.requestId}:${order.orderId}:${Math.random().toString(36).slice(2, 8)}`;
        const text = print(order.document);
        const resolve = async (): Promise<ExecutionResult> => {
          const context: BffContext = {
            viewer: connection.viewer,
            requestId: connection.ids.requestId,
            correlationId: connection.ids.correlationId,
            traceparent: connection.ids.traceparent,
            clientKey: connection.clientKey,
            logger: logger.child({ requestId: connection.ids.requestId, orderId: order.orderId }),
          };
          const response = await options.apollo.executeOperation({ query: text, variables, operationName }, { contextValue: context });
          if (response.body.kind !== 'single') throw new Error('incremental delivery is not supported in subscriptions');
          return response.body.singleResult as ExecutionResult;
        };
        const updates = orderUpdates({ query: order, viewer: connection.viewer, feed: options.feed, resolve, pendingOrderGraceMs: options.pendingOrderGraceMs });
        return counted(updates, () => {
          connection.subscriptions.add(subscriptionId);
          changed(+1);
        }, () => {
          connection.subscriptions.delete(subscriptionId);
          changed(-1);
        });
      },

      // errors sent over the socket get the same shaping as HTTP errors
      onError(ctx, _id, _payload, errors) {
        const formatted = errors.map((e) => formatError(e.toJSON()));
        const connection = connections.get(ctx);
        errors.forEach((error, i) => {
          if (formatted[i].extensions?.code !== ErrorCode.InternalServerError) return;
          logger.error({ err: error.originalError ?? error, requestId: connection?.ids.requestId }, 'subscription failed');
          formatted[i] = { ...formatted[i], extensions: { ...formatted[i].extensions, requestId: connection?.ids.requestId } };
        });
        return formatted;
      },
      onNext(_ctx, _id, _payload, _args, result) {
        const { errors, ...rest } = result;
        return errors ? { ...rest, errors: errors.map((e) => formatError('toJSON' in e ? (e as GraphQLError).toJSON() : e)) } : rest;
      },
      onClose(ctx) {
        const connection = connections.get(ctx);
        connection?.cancelExpiry?.();
      },
    },
    wss,
  );

  return {
    count: () => live,
    connections: () => open,
    async stop() {
      // graphql-ws closes every socket with 1001 Going Away, then the server
      await disposable.dispose();
    },
  };
}

/**
 * `exp` of an already verified JWT (seconds since the epoch), to end the connection when the token
 * does; undefined when it has none. Verification happened in `auth`, so this only reads the claim.
 */
export function tokenExpiry(token: string): number | undefined {
  try {
    const { exp } = decodeJwt(token);
    return typeof exp === 'number' ? exp : undefined;
  } catch (e) {
    // not a compact JWS (auth accepted it, so never a token of ours): no expiry timer, as before
    if (e instanceof joseErrors.JWTInvalid) return undefined;
    throw e;
  }
}

/** setTimeout's longest delay (2^31 - 1 ms, ~24.8 days); a longer one fires after 1 ms. */
const MAX_TIMER_DELAY_MS = 2 ** 31 - 1;

/**
 * Calls `then` at `atMs` (ms since the epoch), however far ahead: a delay beyond setTimeout's
 * maximum is waited out in steps (a token valid for a month closed its socket at once before).
 * The timer never keeps the process alive. @returns a function that cancels it.
 */
export function atTime(atMs: number, then: () => void, now: () => number = Date.now): () => void {
  let timer: NodeJS.Timeout | undefined;
  const schedule = () => {
    timer = setTimeout(check, Math.max(0, Math.min(atMs - now(), MAX_TIMER_DELAY_MS)));
    timer.unref();
  };
  // always from a timer, never synchronously: the caller finishes what it was doing first
  const check = () => (atMs - now() <= 0 ? then() : schedule());
  schedule();
  return () => clearTimeout(timer);
}

/**
 * Counts a subscription from its first pull to its end (completion, error or return): an iterator
 * graphql-ws drops before pulling it never counted.
 */
function counted<T>(inner: AsyncIterableIterator<T>, onStart: () => void, onEnd: () => void): AsyncIterableIterator<T> {
  let state: 'new' | 'running' | 'ended' = 'new';
  const end = () => {
    if (state === 'running') onEnd();
    state = 'ended';
  };
  return {
    async next() {
      if (state === 'new') {
        state = 'running';
        onStart();
      }
      try {
        const result = await inner.next();
        if (result.done) end();
        return result;
      } catch (error) {
        end();
        throw error;
      }
    },
    async return(value?: unknown) {
      try {
        return (await inner.return?.(value)) ?? { done: true, value: undefined };
      } finally {
        end();
      }
    },
    [Symbol.asyncIterator]() {
      return this;
    },
  };
}
