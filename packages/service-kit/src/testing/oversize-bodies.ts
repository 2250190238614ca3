/**
 * Sends `count` bodies of `bytes` to `url` one after another through Node's fetch, as a client that
 * does not read early answers: each either gets its HTTP answer or fails (reset, EPIPE), reported as
 * the error's text. A server that answers before reading the body loses most of these answers.
 */
export async function sendOversizeBodies(url: string, { count = 30, bytes = 3 * 1024 * 1024 } = {}): Promise<{ status: number | string; code?: unknown }[]> {
  const body = `{"query":"{ __typename }","variables":{"blob":"${'x'.repeat(bytes)}"}}`;
  const answers: { status: number | string; code?: unknown }[] = [];
  for (let i = 0; i < count; i++) {
    answers.push(
      await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', 'apollo-require-preflight': 'true' }, body }).then(
        async (res) => ({ status: res.status, code: ((await res.json()) as { errors?: { extensions?: { code?: unknown } }[] }).errors?.[0]?.extensions?.code }),
        (e: Error) => ({ status: `${e.message}: ${String((e.cause as Error | undefined)?.message ?? '')}` }),
      ),
    );
  }
  return answers;
}
