/**
 * Drives one gateway with autocannon at a fixed concurrency for a bounded time (and a bounded
 * number of requests), and reads every answer: a non-2xx status, a GraphQL `errors` entry or a
 * non-empty `userErrors` list counts as an error. Latencies are kept per response for exact
 * percentiles (autocannon's own summary has no p95).
 */
import autocannon from 'autocannon';
import type { BenchRequest } from './workloads';

export interface LoadOptions {
  url: string;
  connections: number;
  durationSeconds: number;
  /** hard cap on requests in this run, whatever the duration */
  maxRequests: number;
  next: () => BenchRequest;
}

export interface LoadResult {
  /** answered requests */
  requests: number;
  /** requests sent, answered or not (the ones in flight when time is up are abandoned) */
  sent: number;
  seconds: number;
  rps: number;
  p50: number;
  p95: number;
  p99: number;
  /** responses with a non-2xx status */
  non2xx: number;
  /** 2xx responses carrying GraphQL errors or userErrors */
  graphqlErrors: number;
  /** connection errors and timeouts */
  transportErrors: number;
  /** a few error bodies, to say what went wrong */
  samples: string[];
  /** latency by request kind (a workload of several kinds, e.g. `mix`): count, p50, p95, ms */
  byKind: Partial<Record<BenchRequest['kind'], { count: number; p50: number; p95: number }>>;
}

export const percentile = (sorted: number[], p: number): number =>
  sorted.length === 0 ? NaN : sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];

const USER_ERRORS = /"userErrors":\[\{/;

export async function runLoad(options: LoadOptions): Promise<LoadResult> {
  const target = new URL(options.url);
  const latencies: number[] = [];
  // one request at a time per connection: its context holds the kind and start of the one in flight
  const kindLatencies = new Map<BenchRequest['kind'], number[]>();
  let graphqlErrors = 0;
  let non2xx = 0;
  let sent = 0;
  const samples: string[] = [];
  const note = (what: string) => {
    if (samples.length < 5) samples.push(what.slice(0, 400));
  };

  const instance = autocannon({
    url: target.origin,
    connections: options.connections,
    duration: options.durationSeconds,
    maxOverallRequests: options.maxRequests,
    timeout: 30,
    requests: [
      {
        method: 'POST',
        path: target.pathname,
        setupRequest(request: Record<string, unknown>, context: Record<string, unknown>) {
          sent += 1;
          const next = options.next();
          context.kind = next.kind;
          context.startedAt = performance.now();
          const headers: Record<string, string> = { 'content-type': 'application/json', accept: 'application/json' };
          if (next.token) headers.authorization = `Bearer ${next.token}`;
          return { ...request, headers, body: next.body };
        },
        onResponse(status: number, body: string, context: Record<string, unknown>) {
          const kind = context.kind as BenchRequest['kind'];
          let ofKind = kindLatencies.get(kind);
          if (!ofKind) kindLatencies.set(kind, (ofKind = []));
          ofKind.push(performance.now() - (context.startedAt as number));
          if (status < 200 || status > 299) {
            non2xx += 1;
            note(`HTTP ${status}: ${body}`);
          } else if (body.includes('"errors"') || USER_ERRORS.test(body)) {
            graphqlErrors += 1;
            note(body);
          }
        },
      },
    ],
  });
  instance.on('response', (_client: unknown, _status: number, _bytes: number, responseTime: number) => {
    latencies.push(responseTime);
  });
  const result = await instance;
  latencies.sort((a, b) => a - b);
  const requests = latencies.length;
  const seconds = result.duration;
  return {
    requests,
    sent,
    seconds,
    rps: requests / seconds,
    p50: percentile(latencies, 50),
    p95: percentile(latencies, 95),
    p99: percentile(latencies, 99),
    non2xx,
    graphqlErrors,
    transportErrors: result.errors + result.timeouts,
    samples,
    byKind: Object.fromEntries(
      [...kindLatencies].map(([kind, values]) => {
        values.sort((a, b) => a - b);
        return [kind, { count: values.length, p50: percentile(values, 50), p95: percentile(values, 95) }];
      }),
    ),
  };
}
