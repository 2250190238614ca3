import { createClient, type Client, type SubscribePayload } from 'graphql-ws/client';
import WebSocket from 'ws';

export interface WsConnection {
  client: Client;
  /** resolves with the close event's code and reason once the socket closes */
  closed: Promise<{ code: number; reason: string }>;
  dispose(): Promise<void>;
}

/** A real graphql-ws client for tests: connects at once, no retries, records how the socket closed. */
export function connectWs(httpUrl: string, token?: string | null): WsConnection {
  const url = `${httpUrl.replace(/^http/, 'ws')}/graphql`;
  let onClosed: (value: { code: number; reason: string }) => void = () => {};
  const closed = new Promise<{ code: number; reason: string }>((resolve) => {
    onClosed = resolve;
  });
  const client = createClient({
    url,
    webSocketImpl: WebSocket,
    lazy: false,
    retryAttempts: 0,
    connectionParams: token === undefined || token === null ? {} : { authorization: `Bearer ${token}` },
    onNonLazyError: () => {},
    on: {
      closed: (event) => {
        const e = event as { code: number; reason: string };
        onClosed({ code: e.code, reason: String(e.reason) });
      },
    },
  });
  return { client, closed, dispose: () => client.dispose() as Promise<void> };
}

export interface Collected<T = Record<string, unknown>> {
  results: { data?: T | null; errors?: { message: string; extensions?: Record<string, unknown> }[] }[];
  /** errors the operation ended with (graphql-ws `error` message or a socket error) */
  errors: unknown[];
  completed: boolean;
  /** resolves when the subscription completed or errored */
  ended: Promise<void>;
  /** when each result arrived (ms since epoch), for latency measurements */
  arrivals: number[];
  unsubscribe(): void;
}

/** Subscribes and records everything that arrives. */
export function collect<T = Record<string, unknown>>(client: Client, payload: SubscribePayload): Collected<T> {
  let end: () => void = () => {};
  const ended = new Promise<void>((resolve) => {
    end = resolve;
  });
  const collected: Collected<T> = {
    results: [],
    errors: [],
    completed: false,
    ended,
    arrivals: [],
    unsubscribe: () => {},
  };
  collected.unsubscribe = client.subscribe<T>(payload, {
    next: (value) => {
      collected.arrivals.push(Date.now());
      collected.results.push(value as Collected<T>['results'][number]);
    },
    error: (error) => {
      collected.errors.push(error);
      end();
    },
    complete: () => {
      collected.completed = true;
      end();
    },
  });
  return collected;
}
