import { randomBytes, randomUUID } from 'node:crypto';
import { createServer, Socket, type AddressInfo, type Server } from 'node:net';
import type { DeadLetter, EventBus } from '../bus';
import type { EventDefinition } from '../event-definition';
import type { Envelope, EnvelopeMeta } from '../envelope';
import { deleteRabbitQueues } from '../rabbitmq/admin';
import type { RabbitEventBus } from '../rabbitmq/rabbit-bus';

/** The RabbitMQ broker tests run against. */
export const TEST_AMQP_URL = process.env.TEST_AMQP_URL ?? 'amqp://guest:guest@127.0.0.1:5672';

// ---------------------------------------------------------------------------------------------
// RabbitMQ: one exchange per test run, deleted with its queues afterwards
// ---------------------------------------------------------------------------------------------

export interface RabbitTestNamespace {
  url: string;
  /** Unique per run, so runs sharing a broker never see each other's messages. */
  exchange: string;
  /** Registers a bus so that `cleanup` deletes every queue it declared. Returns it. */
  track<B extends RabbitEventBus>(bus: B): B;
  /**
   * Deletes the queues of every tracked bus, the queues of `services` (`<exchange>.<service>` and
   * its `.dlq`, for buses created inside services under test) and the exchange.
   */
  cleanup(services?: readonly string[]): Promise<void>;
}

export function rabbitTestNamespace(label = 'events', url = TEST_AMQP_URL): RabbitTestNamespace {
  const exchange = `test.${label}.${Date.now().toString(36)}.${randomBytes(3).toString('hex')}`;
  const buses: RabbitEventBus[] = [];
  return {
    url,
    exchange,
    track(bus) {
      buses.push(bus);
      return bus;
    },
    async cleanup(services = []) {
      const queues = new Set(buses.flatMap((b) => b.declaredQueues()));
      for (const service of services) {
        queues.add(`${exchange}.${service}`);
        queues.add(`${exchange}.${service}.dlq`);
      }
      await deleteRabbitQueues(url, [...queues], exchange);
    },
  };
}

// ---------------------------------------------------------------------------------------------
// A broker that can go away: a TCP proxy in front of RabbitMQ
// ---------------------------------------------------------------------------------------------

export interface BrokerProxy {
  /** The broker URL through the proxy. */
  url: string;
  /** Drops every open connection and refuses new ones (the broker is "down"). */
  cut(): void;
  /** Accepts connections again. */
  restore(): void;
  /** Connections currently open through the proxy. */
  readonly connections: number;
  close(): Promise<void>;
}

/**
 * A TCP proxy in front of the broker, to drop connections and make the broker unreachable in
 * reliability tests without touching the real broker (other runs share it).
 */
export async function startBrokerProxy(brokerUrl = TEST_AMQP_URL): Promise<BrokerProxy> {
  const target = new URL(brokerUrl);
  const sockets = new Set<Socket>();
  let up = true;
  const server: Server = createServer((client) => {
    if (!up) return client.destroy();
    const upstream = new Socket();
    sockets.add(client).add(upstream);
    const drop = () => {
      client.destroy();
      upstream.destroy();
      sockets.delete(client);
      sockets.delete(upstream);
    };
    client.on('error', drop).on('close', drop);
    upstream.on('error', drop).on('close', drop);
    upstream.connect(Number(target.port || 5672), target.hostname, () => {
      client.pipe(upstream);
      upstream.pipe(client);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const proxied = new URL(brokerUrl);
  proxied.hostname = '127.0.0.1';
  proxied.port = String((server.address() as AddressInfo).port);
  const cut = () => {
    up = false;
    for (const socket of sockets) socket.destroy();
    sockets.clear();
  };
  return {
    url: proxied.toString(),
    cut,
    restore() {
      up = true;
    },
    get connections() {
      return [...sockets].length / 2;
    },
    async close() {
      cut();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

// ---------------------------------------------------------------------------------------------
// Messages and waiting
// ---------------------------------------------------------------------------------------------

/**
 * An envelope whose `data` breaks its definition (what a buggy or foreign producer might send):
 * the metadata is valid, so it is routed like a real event, and consumers must dead-letter it.
 */
export function createPoisonEnvelope(definition: EventDefinition, badData: unknown, meta: Partial<EnvelopeMeta> = {}): Envelope {
  return {
    id: meta.id ?? randomUUID(),
    type: definition.type,
    version: definition.version,
    source: definition.source,
    time: (meta.time ?? new Date()).toISOString(),
    correlationId: meta.correlationId ?? randomUUID(),
    causationId: meta.causationId ?? null,
    traceparent: meta.traceparent ?? null,
    subject: meta.subject ?? 'poison',
    sequence: meta.sequence ?? null,
    data: badData,
  };
}

/** Waits until `queue`'s dead letters include one matching `predicate`; resolves to it. */
export async function waitForDeadLetter(
  bus: EventBus,
  queue: string,
  predicate: (letter: DeadLetter) => boolean = () => true,
  { timeoutMs = 10_000, intervalMs = 50 }: { timeoutMs?: number; intervalMs?: number } = {},
): Promise<DeadLetter> {
  const deadline = Date.now() + timeoutMs;
  let seen: DeadLetter[] = [];
  for (;;) {
    seen = await bus.deadLetters(queue).list();
    const found = seen.find(predicate);
    if (found) return found;
    if (Date.now() > deadline) {
      throw new Error(`no matching dead letter in ${queue} after ${timeoutMs} ms; saw ${JSON.stringify(seen.map((d) => ({ id: d.id, error: d.error })))}`);
    }
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}
