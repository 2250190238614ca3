import { Gauge, type Registry } from 'prom-client';
import type { OperationRepository } from './data/operation-repository';

const KINDS = ['AUTHORIZE', 'CAPTURE', 'VOID', 'REFUND'] as const;
const STATES = ['PENDING', 'UNKNOWN'] as const;

/**
 * Provider calls not settled yet, read when /metrics is scraped: how many by kind and state, and
 * the age of the oldest. A growing count or age means the provider is away (PENDING: unavailable,
 * retried with backoff) or its outcomes are not known yet (UNKNOWN: status queries pending).
 */
export function openOperationGauges(registry: Registry, operations: Pick<OperationRepository, 'openCounts'>, clock: () => Date): void {
  let last: Awaited<ReturnType<OperationRepository['openCounts']>> | null = null;
  const read = async () => {
    try {
      last = await operations.openCounts();
    } catch {
      // the database is unreachable: readiness says so; keep the last values known
    }
    return last ?? [];
  };
  new Gauge({
    name: 'payment_operations_open',
    help: 'Provider calls recorded and not settled yet, by kind and state (PENDING: due or retried after unavailable; UNKNOWN: outcome lost, status query pending)',
    labelNames: ['kind', 'state'],
    registers: [registry],
    async collect() {
      const rows = await read();
      for (const kind of KINDS) for (const state of STATES) this.set({ kind, state }, rows.find((r) => r.kind === kind && r.state === state)?.count ?? 0);
    },
  });
  new Gauge({
    name: 'payment_operation_oldest_open_seconds',
    help: 'Age of the oldest provider call not settled yet (0 when none)',
    registers: [registry],
    async collect() {
      const rows = last ?? (await read());
      const oldest = Math.min(...rows.map((r) => r.oldest.getTime()));
      this.set(rows.length === 0 ? 0 : Math.max(0, (clock().getTime() - oldest) / 1000));
    },
  });
}
