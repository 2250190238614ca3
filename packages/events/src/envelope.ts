import { traceparentOf } from '@shop/service-kit/trace-context';
import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import type { EventDefinition, EventData } from './event-definition';
import { definitionByType } from './definitions';

/** What travels on the wire for every event. `id` is stable across redeliveries. */
export interface Envelope<TData = unknown, TType extends string = string> {
  id: string;
  type: TType;
  version: number;
  /** producing service */
  source: string;
  /** ISO-8601 time the fact happened */
  time: string;
  /** id of the request or flow that started it all */
  correlationId: string;
  /** id of the event (or request) that caused this one */
  causationId: string | null;
  /** W3C trace context, so one checkout is one trace */
  traceparent: string | null;
  /** aggregate the fact is about (productId, orderId, cartId) */
  subject: string;
  /** aggregate version after this fact; consumers ignore a lower one arriving late */
  sequence: number | null;
  data: TData;
}

export type EnvelopeOf<C extends EventDefinition> = Envelope<EventData<C>, C['type']>;

/** The envelope's own fields, `data` left open (each definition's schema checks it). */
export const envelopeSchema = z.object({
  id: z.uuid().describe('Event id, stable across redeliveries (consumers deduplicate on it).'),
  type: z.string().min(1).describe('Event type: a past-tense fact, subject first.'),
  version: z.number().int().positive().describe('Major version of the event schema (also in the routing key).'),
  source: z.string().min(1).describe('Producing service.'),
  time: z.iso.datetime({ offset: true }).describe('When the fact happened (ISO-8601).'),
  correlationId: z.string().min(1).max(200).describe('The request or flow that started it all.'),
  causationId: z.string().min(1).max(200).nullable().describe('The event or request that caused this one.'),
  traceparent: z.string().max(200).nullable().describe('W3C trace context, so one checkout is one trace.'),
  subject: z.string().min(1).max(200).describe('Aggregate the fact is about (productId, cartId, orderId).'),
  sequence: z.number().int().nonnegative().nullable().describe('Aggregate version after this fact; consumers ignore a lower one arriving late.'),
  data: z.unknown(),
});

/** The message cannot be processed whatever we retry: dead-letter it at once. */
export class PoisonMessageError extends Error {
  constructor(message: string, readonly details?: unknown) {
    super(message);
    this.name = 'PoisonMessageError';
  }
}

export interface EnvelopeMeta {
  subject: string;
  sequence?: number | null;
  correlationId: string;
  causationId?: string | null;
  /** W3C trace context; default (undefined or null): the span active where the envelope is created, if any */
  traceparent?: string | null;
  time?: Date;
  id?: string;
}

/** What an event carries of the request or event that caused it. */
export type Causation = Pick<EnvelopeMeta, 'correlationId' | 'causationId' | 'traceparent'>;

/**
 * The causation of events a request causes: the request's correlation id, the request id as the
 * cause, and its trace. The one way every subgraph turns a request into an event's causation.
 */
export const causedByRequest = (request: {
  correlationId: string;
  requestId: string;
  traceparent?: string | null;
}): { correlationId: string; causationId: string; traceparent: string | null } => ({
  correlationId: request.correlationId,
  causationId: request.requestId,
  traceparent: request.traceparent ?? null,
});

/** Builds an envelope, validating `data` against the definition's schema (producers never write bad events). */
export function createEnvelope<C extends EventDefinition>(definition: C, data: EventData<C>, meta: EnvelopeMeta): EnvelopeOf<C> {
  const parsed = definition.schema.safeParse(data);
  if (!parsed.success) {
    throw new Error(`${definition.type} does not match its schema: ${z.prettifyError(parsed.error)}`);
  }
  return {
    id: meta.id ?? randomUUID(),
    type: definition.type,
    version: definition.version,
    source: definition.source,
    time: (meta.time ?? new Date()).toISOString(),
    correlationId: meta.correlationId,
    causationId: meta.causationId ?? null,
    // a producer that names no trace context writes the one it runs in (a request's span), if any
    traceparent: meta.traceparent ?? traceparentOf() ?? null,
    subject: meta.subject,
    sequence: meta.sequence ?? null,
    data: parsed.data as EventData<C>,
  };
}

/**
 * Validates a received message: the envelope, a known type, and `data` against that type's
 * schema. Anything wrong → PoisonMessageError (consumers dead-letter it without retrying).
 */
export function parseEnvelope(raw: unknown): Envelope {
  let value = raw;
  if (typeof raw === 'string' || Buffer.isBuffer(raw)) {
    try {
      value = JSON.parse(raw.toString());
    } catch {
      throw new PoisonMessageError('message body is not JSON');
    }
  }
  const envelope = envelopeSchema.safeParse(value);
  if (!envelope.success) throw new PoisonMessageError(`bad envelope: ${z.prettifyError(envelope.error)}`);
  const definition = definitionByType.get(envelope.data.type);
  if (!definition) throw new PoisonMessageError(`unknown event type ${envelope.data.type}`);
  if (definition.version !== envelope.data.version) {
    throw new PoisonMessageError(`${envelope.data.type} v${envelope.data.version} is not supported (expected v${definition.version})`);
  }
  const data = definition.schema.safeParse(envelope.data.data);
  if (!data.success) throw new PoisonMessageError(`${definition.type} data does not match its schema: ${z.prettifyError(data.error)}`);
  return { ...envelope.data, data: data.data } as Envelope;
}

/** Narrows a parsed envelope to one definition's type. */
export function isEvent<C extends EventDefinition>(envelope: Envelope, definition: C): envelope is EnvelopeOf<C> {
  return envelope.type === definition.type;
}
