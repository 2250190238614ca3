/** A readiness check resolves when the dependency is usable and throws (with a reason) when not. */
export type ReadinessCheck = () => Promise<unknown>;

export type CheckStatus = 'ok' | 'degraded' | 'unavailable';

export interface HealthReport {
  /** `degraded`: ready (HTTP 200) with a dependency the service can do without for a while being down */
  status: CheckStatus;
  checks: Record<string, { status: CheckStatus; detail?: unknown; error?: string }>;
}

const CHECK_TIMEOUT_MS = 2_000;

const degradableChecks = new WeakSet<ReadinessCheck>();

/**
 * Marks a dependency the service stays useful without: when `check` fails the report says
 * `degraded` and the service stays ready. The broker is one: reads never touch it, and writes
 * keep committing their events to the outbox, which the relay publishes once the broker is back.
 * Taking such a service out of rotation would turn a broker outage into a full outage.
 */
export function degradable(check: ReadinessCheck): ReadinessCheck {
  const marked: ReadinessCheck = () => check();
  degradableChecks.add(marked);
  return marked;
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
    promise.then(
      (v) => (clearTimeout(timer), resolve(v)),
      (e) => (clearTimeout(timer), reject(e)),
    );
  });
}

/**
 * Runs every check at once, each bounded in time. `unavailable` when any essential check failed,
 * else `degraded` when a `degradable` one failed, else `ok`.
 */
export async function checkReadiness(checks: Record<string, ReadinessCheck>): Promise<HealthReport> {
  const entries = await Promise.all(
    Object.entries(checks).map(async ([name, check]) => {
      try {
        const detail = await withTimeout(Promise.resolve().then(check), CHECK_TIMEOUT_MS);
        return [name, detail === undefined ? { status: 'ok' as const } : { status: 'ok' as const, detail }] as const;
      } catch (e) {
        return [name, { status: degradableChecks.has(check) ? ('degraded' as const) : ('unavailable' as const), error: (e as Error).message }] as const;
      }
    }),
  );
  const report: HealthReport['checks'] = Object.fromEntries(entries);
  const statuses = Object.values(report).map((c) => c.status);
  const status: CheckStatus = statuses.includes('unavailable') ? 'unavailable' : statuses.includes('degraded') ? 'degraded' : 'ok';
  return { status, checks: report };
}
