import { ApolloServer, HeaderMap, type BaseContext, type ContextThunk } from '@apollo/server';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { RouteHandler } from './http-server';

/**
 * Serves an Apollo Server on a plain Node HTTP route (Apollo Server 5 ships no built-in HTTP
 * integration). The body arrives already read and size-limited by the HTTP server.
 */
export function graphqlRoute<Ctx extends BaseContext>(
  apollo: ApolloServer<Ctx>,
  context: (req: IncomingMessage, res: ServerResponse) => Promise<Ctx>,
): RouteHandler {
  return async (req, res, body) => {
    const headers = new HeaderMap();
    for (const [key, value] of Object.entries(req.headers)) {
      if (value !== undefined) headers.set(key, Array.isArray(value) ? value.join(', ') : value);
    }
    const search = (req.url ?? '').includes('?') ? (req.url ?? '').slice((req.url ?? '').indexOf('?')) : '';
    const contentType = headers.get('content-type') ?? '';
    let parsed: unknown = body.length ? body.toString('utf8') : undefined;
    if (body.length && contentType.includes('json')) {
      try {
        parsed = JSON.parse(body.toString('utf8'));
      } catch {
        res.writeHead(400, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ errors: [{ message: 'Request body is not valid JSON', extensions: { code: 'BAD_REQUEST' } }] }));
        return;
      }
    }
    const thunk: ContextThunk<Ctx> = () => context(req, res);
    const response = await apollo.executeHTTPGraphQLRequest({
      httpGraphQLRequest: { method: req.method ?? 'GET', headers, search, body: parsed },
      context: thunk,
    });
    for (const [key, value] of response.headers) res.setHeader(key, value);
    res.statusCode = response.status ?? 200;
    if (response.body.kind === 'complete') {
      res.end(response.body.string);
      return;
    }
    for await (const chunk of response.body.asyncIterator) res.write(chunk);
    res.end();
  };
}
