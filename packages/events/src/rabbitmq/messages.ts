import type { AsyncMessage, Envelope as AmqpEnvelope, SyncMessage } from 'rabbitmq-client';

/** AMQP headers the backbone reads and writes. */
export const HEADER = {
  attempts: 'x-attempts',
  outageRetries: 'x-outage-retries',
  error: 'x-error',
  deadLetteredAt: 'x-dead-lettered-at',
  routingKey: 'x-original-routing-key',
  deadLetterId: 'x-dead-letter-id',
  replayedAt: 'x-replayed-at',
  traceparent: 'traceparent',
} as const;

/** The properties a forwarded copy keeps (not the delivery's exchange, routing key or tag). */
export function copyProperties(msg: AsyncMessage | SyncMessage): AmqpEnvelope {
  return {
    durable: true,
    contentType: msg.contentType,
    contentEncoding: msg.contentEncoding,
    messageId: msg.messageId,
    type: msg.type,
    correlationId: msg.correlationId,
    timestamp: msg.timestamp,
    appId: msg.appId,
  };
}

/** rabbitmq-client decodes JSON and text bodies; forwarded copies carry the bytes again. */
export function rawBody(body: unknown): Buffer {
  if (Buffer.isBuffer(body)) return body;
  if (typeof body === 'string') return Buffer.from(body);
  return Buffer.from(JSON.stringify(body));
}

export function bodyText(body: unknown): string {
  return rawBody(body).toString('utf8');
}
