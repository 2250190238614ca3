import { z } from 'zod';
import type { EventDefinition } from './event-definition';
import { envelopeSchema } from './envelope';

/** JSON-compatible values: what the document is made of. */
type Json = string | number | boolean | null | Json[] | { [key: string]: Json };

export interface AsyncApiOptions {
  /** Default exchange name shown in the bindings (each deployment sets EVENTS_EXCHANGE). */
  exchange?: string;
  /** Version of the document (the events carry their own major in the routing key). */
  version?: string;
}

const AMQP_BINDING_VERSION = '0.3.0';

/**
 * The AsyncAPI 3.0 document of `definitions`: one channel per routing key on the topic exchange,
 * one `send` operation per producer, and one message per event whose payload is the envelope
 * with `data` described by the definition's zod schema (via `z.toJSONSchema`). Deterministic:
 * the same definitions always give the same document, so a stale committed copy is detectable.
 */
export function createAsyncApiDocument(definitions: readonly EventDefinition[], options: AsyncApiOptions = {}): Record<string, Json> {
  const exchange = options.exchange ?? 'shop.events';
  const sorted = [...definitions].sort((a, b) => a.routingKey.localeCompare(b.routingKey));
  const channels: Record<string, Json> = {};
  const operations: Record<string, Json> = {};
  const messages: Record<string, Json> = {};

  for (const definition of sorted) {
    const channelId = definition.type;
    channels[channelId] = {
      address: definition.routingKey,
      title: definition.type,
      description: definition.description,
      messages: { [definition.type]: { $ref: `#/components/messages/${definition.type}` } },
      bindings: {
        amqp: {
          is: 'routingKey',
          exchange: { name: exchange, type: 'topic', durable: true, autoDelete: false, vhost: '/' },
          bindingVersion: AMQP_BINDING_VERSION,
        },
      },
    };
    operations[`${definition.source}Sends${definition.type}`] = {
      action: 'send',
      title: `${definition.source} publishes ${definition.type}`,
      summary: `Published by the ${definition.source} service through its outbox (publisher confirms, persistent).`,
      channel: { $ref: `#/channels/${channelId}` },
      messages: [{ $ref: `#/channels/${channelId}/messages/${definition.type}` }],
      bindings: { amqp: { deliveryMode: 2, mandatory: false, bindingVersion: AMQP_BINDING_VERSION } },
    };
    messages[definition.type] = {
      name: definition.type,
      title: `${definition.type} v${definition.version}`,
      summary: definition.description,
      contentType: 'application/json',
      correlationId: { description: 'The flow this event belongs to.', location: '$message.payload#/correlationId' },
      headers: { $ref: '#/components/schemas/AmqpHeaders' },
      payload: toJsonSchema(
        envelopeSchema.extend({
          type: z.literal(definition.type),
          version: z.literal(definition.version),
          source: z.literal(definition.source),
          data: definition.schema,
        }),
      ),
      bindings: { amqp: { messageType: definition.type, bindingVersion: AMQP_BINDING_VERSION } },
    };
  }

  return {
    asyncapi: '3.0.0',
    info: {
      title: 'Shop events',
      version: options.version ?? '1.0.0',
      description: [
        'Every fact the shop services publish. Generated from the zod event definitions in packages/events/src/definitions',
        'by `npm run asyncapi`; do not edit by hand (a test fails when this file is stale).',
        '',
        'One durable topic exchange; routing keys `<producer>.<entity>.<fact>.v<major>`. Each message is an',
        'envelope (id stable across redeliveries, correlationId, causationId, W3C traceparent, subject and',
        'sequence for ordering) around the event data. Delivery is at least once: consumers record event ids',
        'in an inbox and ignore facts older than the aggregate version they hold. A consuming service has a',
        'durable queue `<exchange>.<service>`, retry queues `<queue>.retry.<ms>` and a dead-letter queue `<queue>.dlq`.',
      ].join('\n'),
    },
    defaultContentType: 'application/json',
    servers: {
      rabbitmq: {
        host: 'localhost:5672',
        protocol: 'amqp',
        protocolVersion: '0.9.1',
        description: 'RabbitMQ (AMQP_URL); the exchange name comes from EVENTS_EXCHANGE.',
      },
    },
    channels,
    operations,
    components: {
      messages,
      schemas: {
        AmqpHeaders: {
          type: 'object',
          properties: {
            traceparent: { type: 'string', description: 'W3C trace context, copied from the envelope.' },
            'x-attempts': { type: 'integer', description: 'Deliveries that ended in a handler fault so far: the dead-letter budget (retries and dead letters only).' },
            'x-outage-retries': { type: 'integer', description: 'Retries in a row after infrastructure faults (database or broker away, deadlock); never dead-lettered (retries only).' },
            'x-error': { type: 'string', description: 'Last handler error (retries and dead letters only).' },
            'x-original-routing-key': { type: 'string', description: 'Routing key the event was published with (retries and dead letters).' },
          },
        },
      },
    },
  };
}

/** draft-07 JSON Schema (AsyncAPI's schema format), without the `$schema` marker. */
function toJsonSchema(schema: z.ZodType): Json {
  const { $schema: _marker, ...rest } = z.toJSONSchema(schema, { target: 'draft-7', io: 'input' }) as Record<string, Json>;
  return rest;
}

/**
 * YAML for a JSON-compatible document: block style, keys in insertion order, strings quoted
 * (JSON style) unless plainly safe. Enough for generated documents; no anchors, no tags.
 */
export function toYaml(value: Json, indent = 0): string {
  const pad = ' '.repeat(indent);
  if (Array.isArray(value)) {
    if (value.length === 0) return '[]';
    return value
      .map((item) => {
        const rendered = isBlock(item) ? toYaml(item, indent + 2).trimStart() : scalar(item);
        return `${pad}- ${rendered}`;
      })
      .join('\n');
  }
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value);
    if (entries.length === 0) return '{}';
    return entries
      .map(([key, item]) => {
        if (isBlock(item)) return `${pad}${scalar(key)}:\n${toYaml(item, indent + 2)}`;
        if (typeof item === 'string' && item.includes('\n') && !/^\s|\s$/.test(item)) {
          // a literal block keeps prose readable; every line indented under its key
          return `${pad}${scalar(key)}: |-\n${item.split('\n').map((line) => (line ? `${pad}  ${line}` : '')).join('\n')}`;
        }
        return `${pad}${scalar(key)}: ${toYaml(item, indent + 2)}`;
      })
      .join('\n');
  }
  return scalar(value);
}

function isBlock(value: Json): boolean {
  return value !== null && typeof value === 'object' && (Array.isArray(value) ? value.length > 0 : Object.keys(value).length > 0);
}

const PLAIN = /^[A-Za-z_$/][A-Za-z0-9_ .$/#-]*$/;
const RESERVED = /^(true|false|yes|no|on|off|null|y|n|~)$/i;

function scalar(value: Json): string {
  if (typeof value === 'string') {
    return PLAIN.test(value) && !RESERVED.test(value) && !value.endsWith(' ') && !value.includes(' #') ? value : JSON.stringify(value);
  }
  if (typeof value === 'object' && value !== null) return Array.isArray(value) ? '[]' : '{}';
  return JSON.stringify(value);
}
