import type { postGraphQL } from '@shop/service-kit/testing';

export type Gql<T> = Awaited<ReturnType<typeof postGraphQL<T>>>;

/**
 * A shopper's client: retries what failed (an error, or no answer) with the same variables until
 * `ok`, as real clients do — safe for checkout because its idempotency key makes a retry the same
 * checkout. Counts the retries; gives up after `timeoutMs`.
 */
export async function persist<T>(
  what: string,
  call: () => Promise<Gql<T>>,
  ok: (r: Gql<T>) => boolean,
  counters: { retries: number },
  timeoutMs = 60_000,
): Promise<Gql<T>> {
  const deadline = Date.now() + timeoutMs;
  for (let retry = 0; ; retry++) {
    const result = await call().catch((error: unknown) => ({ status: 0, errors: [{ message: String(error) }] }) as Gql<T>);
    if (ok(result)) return result;
    if (Date.now() > deadline) throw new Error(`${what}: still failing after ${timeoutMs / 1000} s: ${JSON.stringify(result.errors ?? result.data)}`);
    counters.retries += 1;
    // a client backing off between attempts (not a test waiting for a condition)
    await new Promise((resolve) => setTimeout(resolve, Math.min(1_000, 100 * 2 ** retry)));
  }
}
