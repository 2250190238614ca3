import { createServer, Socket, type AddressInfo, type Server } from 'node:net';

/** A dependency (database, broker) that tests can take away and give back. */
export interface TcpProxy {
  /** the address it listens on: 127.0.0.1 unless told otherwise */
  readonly host: string;
  /** the port the proxy listens on */
  readonly port: number;
  /** `url` with its host and port replaced by the proxy's: postgres://…, amqp://… */
  proxiedUrl(url: string): string;
  /**
   * The dependency goes "down": every open connection is cut and new ones are reset as soon as
   * they are accepted (what a client sees from a server that is restarting), until `restore`.
   */
  cut(): void;
  /** Connections are accepted and forwarded again. */
  restore(): void;
  /** true between `cut` and `restore` */
  readonly isCut: boolean;
  /** Connections currently forwarded. */
  readonly connections: number;
  /** Connections refused or cut since the proxy started (tests check the outage really happened). */
  readonly refused: number;
  close(): Promise<void>;
}

/**
 * A TCP proxy in front of a shared service (PostgreSQL, RabbitMQ), to make outages in tests
 * without touching the service itself (other runs use it): `cut()` drops every connection and
 * refuses new ones, `restore()` lets them through again. Listens on a random port of `listenHost`
 * (127.0.0.1; another address makes it the services' way in from another network host).
 */
export async function startTcpProxy(target: { host: string; port: number }, { listenHost = '127.0.0.1' }: { listenHost?: string } = {}): Promise<TcpProxy> {
  const pairs = new Set<{ client: Socket; upstream: Socket }>();
  let up = true;
  let refused = 0;
  const server: Server = createServer((client) => {
    if (!up) {
      refused += 1;
      client.on('error', () => undefined);
      client.destroy();
      return;
    }
    const upstream = new Socket();
    const pair = { client, upstream };
    pairs.add(pair);
    const drop = () => {
      client.destroy();
      upstream.destroy();
      pairs.delete(pair);
    };
    client.on('error', drop).on('close', drop);
    upstream.on('error', drop).on('close', drop);
    client.setNoDelay(true);
    upstream.setNoDelay(true);
    upstream.connect(target.port, target.host, () => {
      client.pipe(upstream);
      upstream.pipe(client);
    });
  });
  server.on('error', () => undefined);
  await new Promise<void>((resolve) => server.listen(0, listenHost, resolve));
  const port = (server.address() as AddressInfo).port;
  const cut = () => {
    up = false;
    for (const { client, upstream } of pairs) {
      refused += 1;
      // a reset, not a polite FIN: what a crashed or immediately stopped server leaves behind
      client.resetAndDestroy();
      upstream.destroy();
    }
    pairs.clear();
  };
  return {
    host: listenHost,
    port,
    proxiedUrl(url) {
      const proxied = new URL(url);
      proxied.hostname = listenHost;
      proxied.port = String(port);
      return proxied.toString();
    },
    cut,
    restore() {
      up = true;
    },
    get isCut() {
      return !up;
    },
    get connections() {
      return pairs.size;
    },
    get refused() {
      return refused;
    },
    async close() {
      cut();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** The host and port a URL points at (default port by scheme), for `startTcpProxy`. */
export function targetOf(url: string): { host: string; port: number } {
  const parsed = new URL(url);
  const defaults: Record<string, number> = { 'postgres:': 5432, 'postgresql:': 5432, 'amqp:': 5672, 'redis:': 6379 };
  return { host: parsed.hostname, port: Number(parsed.port || defaults[parsed.protocol] || 0) };
}
