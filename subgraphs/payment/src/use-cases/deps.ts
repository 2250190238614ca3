import type { Logger } from '@shop/service-kit';
import type { UnitOfWork } from '@shop/service-kit/database';
import type { PaymentStore } from '../data/store';
import type { SubgraphStart } from '@shop/subgraph-kit';
import type { settings } from '../config';
import { createHttpPaymentProvider } from '../provider/http-provider';
import type { PaymentProvider } from '../provider/provider';

/** Wakes the operation worker: something was recorded for it (it covers the commit with a few quick polls). */
export interface OperationSignal {
  notify(): void;
  /** the worker listens; returns the function that stops listening */
  listen(listener: () => void): () => void;
}

export function createOperationSignal(): OperationSignal {
  const listeners = new Set<() => void>();
  return {
    notify: () => listeners.forEach((listener) => listener()),
    listen(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}

/** How the worker paces its calls (the settings PAYMENT_WORKER_*). */
export interface OperationPacing {
  /** the worker looks for due operations at least this often */
  pollMs: number;
  /** first wait after the provider was unavailable or an outcome unknown; doubles per call */
  retryFirstMs: number;
  /** the longest such wait */
  retryMaxMs: number;
  /** how long a claim holds an operation: longer than a provider call may take */
  leaseMs: number;
}

/** What the use-cases run on; server.ts builds it (clock included, so tests can move time). */
export interface PaymentDeps {
  /** the repositories, alone or in one transaction */
  data: UnitOfWork<PaymentStore>;
  clock: () => Date;
  /** the payment provider (its HTTP adapter; tests pass a fake) */
  provider: PaymentProvider;
  /** rung when an operation is recorded */
  operationRecorded: OperationSignal;
  pacing: OperationPacing;
  logger: Logger;
}

/** The deps of the definition: the provider over HTTP and the worker's pacing, from the settings. */
export function createPaymentDeps({ data, clock, config, logger }: SubgraphStart<PaymentStore, typeof settings>): PaymentDeps {
  return {
    data,
    clock,
    logger,
    provider: createHttpPaymentProvider({ url: config.PAYMENT_PROVIDER_URL, apiKey: config.PAYMENT_PROVIDER_API_KEY, timeoutMs: config.PAYMENT_PROVIDER_TIMEOUT_MS }),
    operationRecorded: createOperationSignal(),
    pacing: {
      pollMs: config.PAYMENT_WORKER_POLL_MS,
      retryFirstMs: config.PAYMENT_RETRY_FIRST_MS,
      retryMaxMs: config.PAYMENT_RETRY_MAX_MS,
      // a claim outlives the longest call, so two workers never make the same call at once
      leaseMs: config.PAYMENT_PROVIDER_TIMEOUT_MS * 2 + 5_000,
    },
  };
}
