import type { Logger } from 'pino';
import { Connection } from 'rabbitmq-client';
import { parseAmqpNodes } from './amqp-nodes';

export interface RabbitConnectionOptions {
  /** AMQP_URL: one node, or a cluster's nodes comma-separated (see amqp-nodes.ts). */
  url: string;
  /** Shown in the broker's connection list. */
  connectionName: string;
  /** Longest wait between reconnection attempts. */
  reconnectMaxDelayMs: number;
  /** How long a channel (a publish) waits for the connection before it fails. */
  acquireTimeoutMs: number;
}

/**
 * The bus's one connection over the nodes of AMQP_URL; it reconnects by itself, and its
 * publishers and consumers follow. Returns the connection; errors are logged, not thrown.
 */
export function createRabbitConnection(options: RabbitConnectionOptions, logger: Logger): Connection {
  const nodes = parseAmqpNodes(options.url);
  const connection = new Connection({
    url: nodes.url,
    // a node lost: the connection moves on to the next one (round robin), consumers and publishers with it
    hosts: nodes.hosts,
    connectionName: options.connectionName,
    retryLow: 200,
    retryHigh: options.reconnectMaxDelayMs,
    acquireTimeout: options.acquireTimeoutMs,
    connectionTimeout: 5_000,
    heartbeat: 30,
    noDelay: true,
  });
  logOutages(connection, logger);
  return connection;
}

function logOutages(connection: Connection, logger: Logger): void {
  let connectionErrors = 0;
  connection.on('error', (err) => {
    connectionErrors += 1;
    // a broker outage reports every reconnection attempt: say it once, then now and then
    if (connectionErrors === 1 || connectionErrors % 50 === 0) logger.warn({ err, errors: connectionErrors }, 'RabbitMQ connection error');
  });
  connection.on('connection', () => {
    if (connectionErrors > 0) logger.info({ afterErrors: connectionErrors }, 'RabbitMQ reconnected');
    connectionErrors = 0;
  });
}
