import { Connection } from 'rabbitmq-client';
import { parseAmqpNodes } from './amqp-nodes';

/**
 * Deletes queues and, optionally, the exchange (test clean-up, tools). Missing ones are fine.
 * Queues are deleted even when they still hold messages.
 */
export async function deleteRabbitQueues(url: string, queues: readonly string[], exchange?: string): Promise<void> {
  const nodes = parseAmqpNodes(url);
  const connection = new Connection({ url: nodes.url, hosts: nodes.hosts, retryLow: 100, retryHigh: 500, connectionTimeout: 5_000 });
  try {
    await connection.onConnect(5_000);
    for (const queue of queues) await connection.queueDelete({ queue });
    if (exchange) await connection.exchangeDelete({ exchange });
  } finally {
    await connection.close();
  }
}
