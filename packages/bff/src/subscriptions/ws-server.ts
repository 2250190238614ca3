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
import { Counter, Gauge, type Registry } from 'prom-client';
import { WebSocketServer, type WebSocket } from 'ws';
import type { SubscriptionCaps } from '../config';
import type { BffContext } from '../context';
import type { RateLimiter } from '../limits/rate-limit';
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
  /** each subscribe takes one unit of the caller's HTTP budget (same limiter, same key); absent: none */
  rateLimiter?: RateLimiter;
  /** per customer and per address, beside maxPerConnection and maxPerInstance */
  caps: SubscriptionCaps;
  /**
   * a signed-in socket that holds no subscription this long is closed (1000): a client that keeps
   * its sockets open after their subscriptions end would otherwise hold the socket caps forever.
   * 0: never
   */
  idleSocketMs: number;
  /** the address a socket counts under for the per-address caps (default: its peer) */
  clientAddress?: (request: IncomingMessage) => string;
  /** where the caps, the open sockets and the refusals are shown (/metrics) */
  registry?: Registry;
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
  /** the client address the per-address caps count it under */
  address: string;
  socket: WebSocket;
  /** subscribe ids accepted and not ended yet: what the per-customer and per-address caps count */
  held: Set<string>;
  /** cancels the timer that closes the socket when its token expires */
  cancelExpiry?: () => void;
  /** closes the socket once it has held no subscription for idleSocketMs */
  idleTimer?: NodeJS.Timeout;
}

/** Subscribe arguments the hooks hand to `subscribe` (graphql-ws carries them as ExecutionArgs). */
interface OrderExecution extends ExecutionArgs {
  contextValue: { order: OrderQuery; connection: Connection; id: string; variables: Record<string, unknown>; operationName?: string };
}

const tooMany = (message: string) => new GraphQLError(message, { extensions: { code: ErrorCode.TooManySubscriptions } });
const rateLimited = (resetSeconds: number) => new GraphQLError(`Too many requests; try again in ${resetSeconds} s`, { extensions: { code: ErrorCode.RateLimited, retryAfterSeconds: resetSeconds } });

/** a socket closed for idleness: graphql-ws's client reconnects after it only if it still has subscriptions */
const CLOSE_IDLE = 1000;

/** graphql-ws's code for "too many": its client does not retry it. */
const CLOSE_TOO_MANY = CloseCode.TooManyInitialisationRequests;

/** Counts by key (customer, address) that forgets a key at zero, so idle clients cost no memory. */
function createTally() {
  const counts = new Map<string, number>();
  return {
    of: (key: string) => counts.get(key) ?? 0,
    add(key: string, delta: number) {
      const next = (counts.get(key) ?? 0) + delta;
      if (next <= 0) counts.delete(key);
      else counts.set(key, next);
    },
  };
}

type Refusal = 'connection' | 'instance' | 'customer' | 'address' | 'rate_limited' | 'sockets_customer' | 'sockets_address';

function subscriptionMetrics(options: SubscriptionServerOptions, open: () => number) {
  const registers = options.registry ? [options.registry] : [];
  const caps = new Gauge({ name: 'bff_subscription_caps', help: 'Configured graphql-ws caps: live subscriptions per connection, instance, customer, address; open sockets per customer, address', labelNames: ['cap'], registers });
  caps.set({ cap: 'per_connection' }, options.maxPerConnection);
  caps.set({ cap: 'per_instance' }, options.maxPerInstance);
  caps.set({ cap: 'per_customer' }, options.caps.maxPerCustomer);
  caps.set({ cap: 'per_address' }, options.caps.maxPerAddress);
  caps.set({ cap: 'sockets_per_customer' }, options.caps.maxSocketsPerCustomer);
  caps.set({ cap: 'sockets_per_address' }, options.caps.maxSocketsPerAddress);
  new Gauge({ name: 'bff_subscription_sockets', help: 'Open graphql-ws sockets', registers, collect() { this.set(open()); } });
  new Gauge({ name: 'bff_subscription_idle_socket_seconds', help: 'How long a signed-in graphql-ws socket may hold no subscription before it is closed (0: never)', registers }).set(options.idleSocketMs / 1000);
  const idleClosed = new Counter({ name: 'bff_subscription_sockets_idle_closed_total', help: 'graphql-ws sockets closed because they held no subscription for the idle time', registers });
  const refused = new Counter({ name: 'bff_subscriptions_refused_total', help: 'Subscribes and sockets refused by a cap or the rate budget (reason: connection, instance, customer, address, rate_limited, sockets_customer, sockets_address)', labelNames: ['reason'], registers });
  return { refused: (reason: Refusal) => refused.inc({ reason }), idleClosed: () => idleClosed.inc() };
}

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
  const { refused, idleClosed } = subscriptionMetrics(options, () => open);
  const clientAddressOf = options.clientAddress ?? ((request: IncomingMessage) => request.socket.remoteAddress ?? 'unknown');
  const socketsOf = { customer: createTally(), address: createTally() };
  const heldBy = { customer: createTally(), address: createTally() };
  const release = (connection: Connection, id: string) => {
    if (!connection.held.delete(id)) return;
    heldBy.customer.add(connection.viewer.sub, -1);
    heldBy.address.add(connection.address, -1);
    watchIdle(connection);
  };
  /** (Re)starts the idle clock of a connection that holds no subscription; stops it otherwise. */
  const watchIdle = (connection: Connection) => {
    clearTimeout(connection.idleTimer);
    connection.idleTimer = undefined;
    if (connection.held.size > 0 || options.idleSocketMs <= 0) return;
    connection.idleTimer = setTimeout(() => {
      idleClosed();
      connection.socket.close(CLOSE_IDLE, `Idle: no subscription for ${options.idleSocketMs / 1000} s`);
    }, options.idleSocketMs);
    connection.idleTimer.unref();
  };

  const wss = new WebSocketServer({ server: options.httpServer, path: options.path, maxPayload: options.maxMessageBytes });
  wss.on('connection', (socket: WebSocket, request: IncomingMessage) => {
    open += 1;
    const address = clientAddressOf(request);
    socketsOf.address.add(address, +1);
    socket.once('close', () => {
      open -= 1;
      socketsOf.address.add(address, -1);
    });
    // counted with this one: over the cap, this socket goes (the address's others stay)
    if (socketsOf.address.of(address) > options.caps.maxSocketsPerAddress) {
      refused('sockets_address');
      socket.close(CLOSE_TOO_MANY, `Too many connections from this address (at most ${options.caps.maxSocketsPerAddress})`);
    }
  });

  // late subscribers get the status changes they missed, when the Order type has its timeline
  const orderType = options.schema.getType('Order');
  const historyType = orderType && 'getFields' in orderType ? (orderType as GraphQLObjectType).getFields().history?.type : undefined;
  const historyFields = historyType ? (getNamedType(historyType) as GraphQLObjectType).getFields?.() : undefined;
  const withHistory = Boolean(historyFields?.status && historyFields?.reason);

  const closeUnauthorized = (socket: WebSocket, reason: string) => socket.close(CloseCode.Unauthorized, reason.slice(0, 120));

  /** The first cap a new subscribe of this connection would break, if any. */
  const capReached = (connection: Connection): { reason: Refusal; message: string } | undefined => {
    if (connection.subscriptions.size >= options.maxPerConnection) return { reason: 'connection', message: `At most ${options.maxPerConnection} subscriptions per connection` };
    if (heldBy.customer.of(connection.viewer.sub) >= options.caps.maxPerCustomer) return { reason: 'customer', message: `At most ${options.caps.maxPerCustomer} live subscriptions per customer` };
    if (heldBy.address.of(connection.address) >= options.caps.maxPerAddress) return { reason: 'address', message: `At most ${options.caps.maxPerAddress} live subscriptions per client address` };
    if (live >= options.maxPerInstance) return { reason: 'instance', message: 'This server holds as many subscriptions as it can; try again later' };
    return undefined;
  };

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
        if (socketsOf.customer.of(viewer.sub) >= options.caps.maxSocketsPerCustomer) {
          refused('sockets_customer');
          socket.close(CLOSE_TOO_MANY, `Too many connections for this customer (at most ${options.caps.maxSocketsPerCustomer})`);
          return false;
        }
        const sub = viewer.sub;
        socketsOf.customer.add(sub, +1);
        socket.once('close', () => socketsOf.customer.add(sub, -1));
        const connection: Connection = { viewer, ids: requestIds(request.headers), clientKey: `sub:${viewer.sub}`, subscriptions: new Set(), address: clientAddressOf(request), held: new Set(), socket };
        // a token that expires ends the connection it opened
        const exp = tokenExpiry(viewer.token);
        if (exp !== undefined) connection.cancelExpiry = atTime(exp * 1000, () => closeUnauthorized(socket, 'Unauthorized: token expired'));
        connections.set(ctx, connection);
        watchIdle(connection);
        return true;
      },

      async onSubscribe(ctx, id, payload: SubscribePayload) {
        const connection = connections.get(ctx);
        if (!connection) return [new GraphQLError('Unauthorized', { extensions: { code: ErrorCode.Unauthenticated } })];
        // every subscribe costs what an HTTP request does, refused or not: the same budget and key
        if (options.rateLimiter) {
          const rate = await options.rateLimiter.take(connection.clientKey);
          if (!rate.allowed) {
            refused('rate_limited');
            return [rateLimited(rate.resetSeconds)];
          }
        }
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
        const refusal = capReached(connection);
        if (refusal) {
          refused(refusal.reason);
          return [tooMany(refusal.message)];
        }
        // held from here (no await between the check and this) until it ends: a burst of subscribes cannot pass the caps together
        connection.held.add(id);
        heldBy.customer.add(connection.viewer.sub, +1);
        heldBy.address.add(connection.address, +1);
        watchIdle(connection);
        return {
          schema: options.schema,
          document,
          operationName: params.operationName,
          variableValues: variables,
          contextValue: { order, connection, id, variables, operationName: params.operationName },
        } satisfies OrderExecution;
      },

      subscribe(args: ExecutionArgs) {
        const { order, connection, id, variables, operationName } = (args as OrderExecution).contextValue;
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
        }, () => release(connection, id));
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
        // graphql-ws ended every iterator already; this covers one that never got an iterator
        for (const id of connection?.held ?? []) release(connection!, id);
        connection?.cancelExpiry?.();
        clearTimeout(connection?.idleTimer);
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
 * graphql-ws drops before pulling it never counted. `onFinally` runs once at its end, pulled or not.
 */
function counted<T>(inner: AsyncIterableIterator<T>, onStart: () => void, onEnd: () => void, onFinally: () => void): AsyncIterableIterator<T> {
  let state: 'new' | 'running' | 'ended' = 'new';
  const end = () => {
    if (state === 'running') onEnd();
    if (state !== 'ended') onFinally();
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
