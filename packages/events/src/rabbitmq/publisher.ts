import type { AsyncMessage, Connection, Publisher } from 'rabbitmq-client';
import type { Envelope } from '../envelope';
import { copyProperties, HEADER, rawBody } from './messages';
import type { Topology } from './topology';

/** The bus's confirmed publishing: events to the exchange, retry and dead-letter copies to their queues. */
export interface Publishers {
  /** Publishes an event once every service queue exists; resolves on the broker's confirm. */
  publish(routingKey: string, envelope: Envelope): Promise<void>;
  /** Publishes a copy of `msg` to queue `target` (default exchange) with extra headers; resolves on the confirm. */
  forward(msg: AsyncMessage, target: string, headers: Record<string, unknown>): Promise<void>;
  /** Closes both channels; never throws. */
  close(): Promise<void>;
}

export function createPublishers(connection: Connection, topology: Topology): Publishers {
  const { exchange, exchangeDeclaration } = topology;
  // events go out on one confirmed channel, in call order; retries and dead letters on another,
  // so a slow dead-letter write never delays the outbox relay
  const events = renewedOnNack(() => connection.createPublisher({ confirm: true, maxAttempts: 2, exchanges: [exchangeDeclaration] }));
  const sideline = renewedOnNack(() => connection.createPublisher({ confirm: true, maxAttempts: 2 }));

  return {
    async publish(routingKey, envelope) {
      await topology.declareServiceQueues();
      await events.send(
        {
          exchange,
          routingKey,
          durable: true,
          contentType: 'application/json',
          messageId: envelope.id,
          type: envelope.type,
          correlationId: envelope.correlationId,
          appId: envelope.source,
          timestamp: Math.floor(Date.parse(envelope.time) / 1000) || undefined,
          // the W3C trace context rides in the headers too, where tracing tools look for it
          headers: envelope.traceparent ? { [HEADER.traceparent]: envelope.traceparent } : {},
        },
        Buffer.from(JSON.stringify(envelope)),
      );
    },

    forward: (msg, target, headers) =>
      sideline.send({ ...copyProperties(msg), exchange: '', routingKey: target, headers: { ...msg.headers, ...headers } }, rawBody(msg.body)),

    async close() {
      await Promise.allSettled([events.close(), sideline.close()]);
    },
  };
}

/**
 * A confirmed publisher that moves to a new channel after the broker refused a message (nack). A
 * nack means the broker could not enqueue it; after a quorum queue's leader moved to another node
 * (a node lost), RabbitMQ 3.10 can keep refusing on the channel that had messages in flight to the
 * old leader — every retry nacked, for as long as the channel lives, while a new channel publishes
 * at once (seen in e2e/rabbitmq-cluster). The caller retries as it does for any failed publish.
 */
function renewedOnNack(create: () => Publisher): Pick<Publisher, 'send' | 'close'> {
  let current = create();
  return {
    async send(...args: Parameters<Publisher['send']>) {
      const used = current;
      try {
        return await used.send(...args);
      } catch (error) {
        if ((error as { code?: unknown }).code === 'NACK' && current === used) {
          current = create();
          void used.close().catch(() => undefined);
        }
        throw error;
      }
    },
    close: () => current.close(),
  };
}
