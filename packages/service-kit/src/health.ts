/** A readiness check resolves when the dependency is usable and throws (with a reason) when not. */
export type ReadinessCheck = () => Promise<unknown>;

export interface HealthReport {
  status: 'ok' | 'unavailable';
  checks: Record<string, { status: 'ok' | 'unavailable'; detail?: unknown; error?: string }>;
}

const CHECK_TIMEOUT_MS = 2_000;

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
    promise.then(
      (v) => (clearTimeout(timer), resolve(v)),
      (e) => (clearTimeout(timer), reject(e)),
    );
  });
}

/** Runs every check at once, each bounded in time. */
export async function checkReadiness(checks: Record<string, ReadinessCheck>): Promise<HealthReport> {
  const entries = await Promise.all(
    Object.entries(checks).map(async ([name, check]) => {
      try {
        const detail = await withTimeout(Promise.resolve().then(check), CHECK_TIMEOUT_MS);
        return [name, detail === undefined ? { status: 'ok' as const } : { status: 'ok' as const, detail }] as const;
      } catch (e) {
        return [name, { status: 'unavailable' as const, error: (e as Error).message }] as const;
      }
    }),
  );
  const report: HealthReport['checks'] = Object.fromEntries(entries);
  const ok = Object.values(report).every((c) => c.status === 'ok');
  return { status: ok ? 'ok' : 'unavailable', checks: report };
}
