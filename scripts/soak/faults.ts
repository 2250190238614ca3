/**
 * Runs the fault timeline against the soak's own infrastructure: the broker killed with -9 and
 * started again, the database stopped in immediate mode (a crash) and started again, and every
 * connection to both cut by the TCP proxies the services go through.
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

export interface FaultTargets {
  postgres: SoakPostgres;
  rabbit: RabbitNode;
  proxies: TcpProxy[];
  log(line: string): void;
}

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
