import type { PaymentDeps } from './deps';
import { runOperation } from './run-operation';

export interface OperationWorker {
  /** one pass now: claims and runs every due operation; resolves to how many ran (tests) */
  drain(): Promise<number>;
  /** stops polling and waits for the operations in flight (their outcomes are recorded) */
  stop(): Promise<void>;
}

/** Operations claimed at once; each is one provider call in flight. */
const BATCH = 16;
/**
 * After a handler records an operation (signal), its transaction commits a moment later: these
 * quick looks cover the commit, so a payment is sent within milliseconds rather than at the next poll.
 * On a loaded machine (a busy database, a starved process) the commit can come most of a second
 * after the signal: the last looks reach that far, or the operation would wait for the poll.
 */
const EAGER_MS = [5, 25, 100, 400, 1_000, 2_500];

/**
 * The worker that makes the provider calls: claims due operations (FOR UPDATE SKIP LOCKED, with a
 * lease, so replicas share the work and a crashed one's claims come back), runs each
 * (run-operation.ts), woken when an operation is recorded and polling at least every `pollMs`.
 */
export function startOperationWorker(deps: PaymentDeps): OperationWorker {
  const { pacing, logger } = deps;
  let stopped = false;
  let running: Promise<number> | null = null;
  let again = false;
  let failures = 0;
  const timers = new Set<NodeJS.Timeout>();

  const pass = async (): Promise<number> => {
    let ran = 0;
    for (;;) {
      const due = await deps.data.store.operations.claimDue(deps.clock(), pacing.leaseMs, BATCH);
      await Promise.all(
        due.map((operation) =>
          runOperation(deps, operation).then(
            (turn) => {
              const fields = { idempotencyKey: operation.idempotencyKey, kind: operation.kind, attempts: operation.attempts + 1 };
              if (turn.kind === 'recorded') logger.info({ ...fields, result: turn.result }, 'payment operation settled');
              // the provider away or its answer lost: said each time, it is what an operator looks for
              else logger.warn({ ...fields, state: turn.kind, reason: turn.reason }, 'payment operation not settled; due again later');
            },
            // the claim's lease runs out and the operation is due again: a bug or an outage never loses it
            (err: unknown) => logger.warn({ err, idempotencyKey: operation.idempotencyKey, kind: operation.kind }, 'payment operation failed; due again after its lease'),
          ),
        ),
      );
      ran += due.length;
      if (due.length < BATCH || stopped) return ran;
    }
  };

  const drain = (): Promise<number> => {
    if (running !== null) {
      again = true;
      return running;
    }
    running = pass()
      .then(
        (ran) => {
          failures = 0;
          return ran;
        },
        (err: unknown) => {
          failures += 1;
          // a database outage fails every pass: say it once, then now and then
          if (failures === 1 || failures % 20 === 0) logger.warn({ err, failures }, 'payment worker pass failed; the next one tries again');
          return 0;
        },
      )
      .finally(() => {
        running = null;
        if (again && !stopped) {
          again = false;
          void drain();
        }
      });
    return running;
  };

  const later = (ms: number) => {
    const timer = setTimeout(() => {
      timers.delete(timer);
      if (!stopped) void drain();
    }, ms);
    timer.unref();
    timers.add(timer);
  };

  const poll = setInterval(() => void drain(), pacing.pollMs);
  poll.unref();
  const unlisten = deps.operationRecorded.listen(() => EAGER_MS.forEach(later));
  void drain();

  return {
    drain,
    async stop() {
      stopped = true;
      clearInterval(poll);
      unlisten();
      for (const timer of timers) clearTimeout(timer);
      timers.clear();
      await running;
    },
  };
}
