import { ApolloServer, HeaderMap, type BaseContext, type ContextThunk, type HTTPGraphQLResponse } from '@apollo/server';
import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from 'node:http';
import type { RouteHandler } from './http-server';

// Apollo Server over plain Node HTTP (Apollo Server 5 ships no built-in HTTP integration): the one
// adapter, used as a whole by every subgraph (graphqlRoute) and piece by piece by the BFFs' endpoint,
// which puts auth, rate limits, trusted documents and caching between the pieces.

/** The request's headers as Apollo Server takes them. */
export function headerMapOf(headers: IncomingHttpHeaders): HeaderMap {
  const map = new HeaderMap();
  for (const [key, value] of Object.entries(headers)) {
    if (value !== undefined) map.set(key, Array.isArray(value) ? value.join(', ') : value);
  }
  return map;
}

/**
 * The body as Apollo Server takes it: parsed JSON for a JSON content type, else the text (or
 * undefined when empty). `undefined` result: JSON that does not parse, answered 400 by the caller.
 */
export function graphqlBodyOf(req: IncomingMessage, body: Buffer): { body: unknown } | undefined {
  if (body.length === 0) return { body: undefined };
  const contentType = req.headers['content-type'] ?? '';
  if (!/json/i.test(contentType)) return { body: body.toString('utf8') };
  try {
    return { body: JSON.parse(body.toString('utf8')) as unknown };
  } catch {
    return undefined;
  }
}

/** A complete answer, the form a cache keeps and a shared execution hands to every caller. */
export interface CompleteAnswer {
  status: number;
  headers: [string, string][];
  body: string;
}

/** The answer as a complete one, or undefined for an incremental (@defer/@stream) answer. */
export const completeAnswerOf = (response: HTTPGraphQLResponse): CompleteAnswer | undefined =>
  response.body.kind === 'complete' ? { status: response.status ?? 200, headers: [...response.headers], body: response.body.string } : undefined;

/** Writes a complete answer. */
export function sendAnswer(res: ServerResponse, answer: CompleteAnswer): void {
  for (const [key, value] of answer.headers) res.setHeader(key, value);
  res.statusCode = answer.status;
  res.end(answer.body);
}

/** Writes Apollo's answer, complete or incremental (chunks as they come). */
export async function sendApolloResponse(res: ServerResponse, response: HTTPGraphQLResponse): Promise<void> {
  const complete = completeAnswerOf(response);
  if (complete) return sendAnswer(res, complete);
  for (const [key, value] of response.headers) res.setHeader(key, value);
  res.statusCode = response.status ?? 200;
  if (response.body.kind === 'chunked') for await (const chunk of response.body.asyncIterator) res.write(chunk);
  res.end();
}

const searchOf = (url = '') => (url.includes('?') ? url.slice(url.indexOf('?')) : '');

/** Serves an Apollo Server on a route. The body arrives already read and size-limited by the HTTP server. */
export function graphqlRoute<Ctx extends BaseContext>(
  apollo: ApolloServer<Ctx>,
  context: (req: IncomingMessage, res: ServerResponse) => Promise<Ctx>,
): RouteHandler {
  return async (req, res, body) => {
    const parsed = graphqlBodyOf(req, body);
    if (!parsed) {
      res.writeHead(400, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ errors: [{ message: 'Request body is not valid JSON', extensions: { code: 'BAD_REQUEST' } }] }));
      return;
    }
    const thunk: ContextThunk<Ctx> = () => context(req, res);
    const response = await apollo.executeHTTPGraphQLRequest({
      httpGraphQLRequest: { method: req.method ?? 'GET', headers: headerMapOf(req.headers), search: searchOf(req.url), body: parsed.body },
      context: thunk,
    });
    await sendApolloResponse(res, response);
  };
}
