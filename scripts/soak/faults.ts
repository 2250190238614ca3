/**
 * Runs the fault timeline against the soak's own infrastructure: the broker killed with -9 and
 * started again, the database stopped in immediate mode (a crash) and started again, every
 * connection to both cut by the TCP proxies the services go through — and the simulated payment
 * provider: its money calls failing with 503, their answers lost (done, then the connection held
 * past payment's timeout), its webhooks doubled and reordered, its process killed and started
 * again on the same port and ledger.
 */
import type { TcpProxy } from '@shop/service-kit/testing';
import type { RabbitNode } from '../rabbitmq/node';
import type { SoakPostgres } from './infrastructure';
import type { PlannedFault } from './options';

export interface FaultRecord extends PlannedFault {
  startedAt: number;
  /** when the dependency answered again */
  recoveredAt?: number;
  error?: string;
}

/** The simulator's fault controls (POST /_simulator/settings) and its process. */
export interface ProviderTarget {
  settings(change: { webhookChaos?: boolean; failNext?: { status: number; count: number }; hangNext?: { count: number } }): Promise<void>;
  /** kills the process, and starts it again after `downMs` on the same port and ledger */
  restart(downMs: number): Promise<void>;
}

export interface FaultTargets {
  postgres: SoakPostgres;
  rabbit: RabbitNode;
  proxies: TcpProxy[];
  provider: ProviderTarget;
  log(line: string): void;
}

/** enough for every money call of a window to fail: the budget is set back to 0 when it ends */
const EVERY_CALL = 1000;
/** the calls of a hang window whose answers are lost (each held 15 s, past payment's 5 s timeout) */
const HUNG_CALLS = 12;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function inject(fault: PlannedFault, targets: FaultTargets): Promise<void> {
  switch (fault.kind) {
    case 'broker-kill':
      await targets.rabbit.kill();
      await sleep(fault.forMs);
      await targets.rabbit.start();
      return;
    case 'db-stop':
      await targets.postgres.crash();
      await sleep(fault.forMs);
      await targets.postgres.start();
      return;
    case 'proxy-cut':
      for (const proxy of targets.proxies) proxy.cut();
      await sleep(fault.forMs);
      for (const proxy of targets.proxies) proxy.restore();
      return;
    case 'provider-5xx':
      await targets.provider.settings({ failNext: { status: 503, count: EVERY_CALL } });
      await sleep(fault.forMs);
      await targets.provider.settings({ failNext: { status: 503, count: 0 } });
      return;
    case 'provider-hang':
      await targets.provider.settings({ hangNext: { count: HUNG_CALLS } });
      await sleep(fault.forMs);
      await targets.provider.settings({ hangNext: { count: 0 } });
      return;
    case 'webhook-chaos':
      await targets.provider.settings({ webhookChaos: true });
      await sleep(fault.forMs);
      await targets.provider.settings({ webhookChaos: false });
      return;
    case 'provider-down':
      await targets.provider.restart(fault.forMs);
      return;
    default: {
      const never: never = fault.kind;
      throw new Error(`unknown fault ${String(never)}`);
    }
  }
}

/**
 * Starts the timeline now (t = 0); resolves with what happened once the last fault is over.
 * A fault that cannot be injected or undone is recorded and the soak fails on it.
 */
export async function runFaultTimeline(faults: readonly PlannedFault[], targets: FaultTargets, started = Date.now()): Promise<FaultRecord[]> {
  const records: FaultRecord[] = [];
  for (const fault of faults) {
    await sleep(Math.max(0, started + fault.atMs - Date.now()));
    const record: FaultRecord = { ...fault, startedAt: Date.now() };
    records.push(record);
    targets.log(`fault: ${fault.kind} for ${fault.forMs / 1000} s`);
    try {
      await inject(fault, targets);
      record.recoveredAt = Date.now();
      targets.log(`fault: ${fault.kind} over after ${((record.recoveredAt - record.startedAt) / 1000).toFixed(1)} s`);
    } catch (e) {
      record.error = (e as Error).message;
      targets.log(`fault: ${fault.kind} failed: ${record.error}`);
    }
  }
  return records;
}
