import { Counter, Gauge, Histogram, type Registry } from 'prom-client';
import type { DeliverySettlement } from './bus';

/**
 * What the backbone measures, registered on the service's own registry (never prom-client's
 * global one: several services can share a process). Ask with `eventMetricsFor(registry)`; the
 * relay and the consumers of one service share the same instruments.
 */
export interface EventMetrics {
  /** rows waiting in the outbox (read from the database when scraped) */
  outboxBacklog: Gauge;
  /** time from the row's creation to the broker's confirm */
  relayLag: Histogram<'type'>;
  /** rows published (confirmed by the broker), by event type */
  published: Counter<'type'>;
  /** publish attempts that failed (the row stays pending and goes again), by event type */
  publishFailures: Counter<'type'>;
  /** events a consumer handled (acknowledged), by queue and type */
  processed: Counter<'queue' | 'type'>;
  /** of which: already in the inbox, skipped */
  duplicates: Counter<'queue' | 'type'>;
  /** deliveries whose handler failed (a handler fault, counted against the budget) and that will come again after a delay */
  retried: Counter<'queue' | 'type'>;
  /** deliveries that met an infrastructure fault (database or broker away, deadlock): retried until it passes, never parked */
  outageRetried: Counter<'queue' | 'type'>;
  /** messages parked in each queue's dead letters now (the depth of `<queue>.dlq`, read when scraped) */
  deadLetters: Gauge<'queue'>;
  /** messages parked in the queue's dead letters (handler failed too often, or poison) */
  deadLettered: Counter<'queue' | 'type'>;
  /**
   * Adds a source of the backlog gauge (one per relay); returns the function that removes it.
   * A source that fails (database down) leaves the gauge at its last value.
   */
  addBacklogSource(read: () => Promise<number>): () => void;
  /**
   * Adds the dead-letter count of `queue` to the `events_dead_letters` gauge; returns the function
   * that removes it. A count that fails (broker down) leaves that queue's value as it was.
   */
  addDeadLetterSource(queue: string, count: () => Promise<number>): () => void;
}

const byRegistry = new WeakMap<Registry, EventMetrics>();

const LAG_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300];

export function eventMetricsFor(registry: Registry): EventMetrics {
  const known = byRegistry.get(registry);
  if (known) return known;
  const sources = new Set<() => Promise<number>>();
  const deadLetterSources = new Map<string, () => Promise<number>>();
  const consumer = (name: string, help: string) => new Counter({ name, help, labelNames: ['queue', 'type'] as const, registers: [registry] });
  const metrics: EventMetrics = {
    outboxBacklog: new Gauge({
      name: 'outbox_backlog',
      help: 'Outbox rows not yet published',
      registers: [registry],
      async collect() {
        if (sources.size === 0) return;
        try {
          const counts = await Promise.all([...sources].map((read) => read()));
          this.set(counts.reduce((a, b) => a + b, 0));
        } catch {
          // the database is unreachable: readiness says so; keep the last value known
        }
      },
    }),
    relayLag: new Histogram({
      name: 'outbox_relay_lag_seconds',
      help: 'Time from an outbox row being written to the broker confirming it',
      labelNames: ['type'] as const,
      buckets: LAG_BUCKETS,
      registers: [registry],
    }),
    published: new Counter({ name: 'outbox_published_total', help: 'Outbox rows published (broker confirmed)', labelNames: ['type'] as const, registers: [registry] }),
    publishFailures: new Counter({
      name: 'outbox_publish_failures_total',
      help: 'Outbox publish attempts that failed (the row stays pending and is retried)',
      labelNames: ['type'] as const,
      registers: [registry],
    }),
    processed: consumer('events_processed_total', 'Events handled and acknowledged, by queue and type (duplicates included)'),
    duplicates: consumer('events_duplicates_total', 'Events already in the inbox, skipped, by queue and type'),
    retried: consumer('events_retried_total', 'Deliveries whose handler failed (handler fault) and that are retried later, by queue and type'),
    outageRetried: consumer(
      'events_outage_retried_total',
      'Deliveries that met an infrastructure fault (database or broker unreachable, deadlock) and wait for it to pass; never dead-lettered',
    ),
    deadLetters: new Gauge({
      name: 'events_dead_letters',
      help: 'Messages parked in the dead letters of each queue (alert on any: they need an operator)',
      labelNames: ['queue'] as const,
      registers: [registry],
      async collect() {
        await Promise.all(
          [...deadLetterSources].map(async ([queue, count]) => {
            try {
              this.set({ queue }, await count());
            } catch {
              // the broker is unreachable: readiness says so; keep the last value known
            }
          }),
        );
      },
    }),
    deadLettered: consumer('events_dead_lettered_total', 'Messages parked in dead letters, by queue and type ("unknown" when unreadable)'),
    addBacklogSource(read) {
      sources.add(read);
      return () => void sources.delete(read);
    },
    addDeadLetterSource(queue, count) {
      deadLetterSources.set(queue, count);
      return () => void (deadLetterSources.get(queue) === count && deadLetterSources.delete(queue));
    },
  };
  byRegistry.set(registry, metrics);
  return metrics;
}

/**
 * The `onSettled` hook of a consumer of `queue` that counts each delivery into
 * `events_processed_total`, `events_retried_total` (handler faults), `events_outage_retried_total`
 * (infrastructure faults) or `events_dead_lettered_total`.
 */
export function countSettlements(registry: Registry, queue: string): (settlement: DeliverySettlement) => void {
  const metrics = eventMetricsFor(registry);
  return ({ result, type, fault }) => {
    const labels = { queue, type: type ?? 'unknown' };
    if (result === 'processed') metrics.processed.inc(labels);
    else if (result === 'dead-lettered') metrics.deadLettered.inc(labels);
    else (fault === 'infrastructure' ? metrics.outageRetried : metrics.retried).inc(labels);
  };
}
