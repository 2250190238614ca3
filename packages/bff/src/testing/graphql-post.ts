/**
 * The one way BFF tests send a GraphQL request over HTTP: its own module so that the other
 * testing helpers (abuse.ts) import it from here, not through the package's index that
 * re-exports them (which made an import cycle).
 */
export interface GraphQLAnswer<T = Record<string, unknown>> {
  status: number;
  headers: Headers;
  data?: T | null;
  errors?: { message: string; path?: (string | number)[]; extensions?: Record<string, unknown> }[];
  /** the raw body, when it was not JSON */
  text?: string;
}

/** POSTs JSON to a GraphQL endpoint (with the preflight header CSRF prevention asks for) and reads the answer. */
export async function post<T = Record<string, unknown>>(
  url: string,
  body: unknown,
  { token, headers = {} }: { token?: string; headers?: Record<string, string> } = {},
): Promise<GraphQLAnswer<T>> {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}), ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  const text = await res.text();
  try {
    return { status: res.status, headers: res.headers, ...(JSON.parse(text) as object) };
  } catch {
    return { status: res.status, headers: res.headers, text };
  }
}
