import { renderGraphiQL } from '@graphql-yoga/render-graphiql';
import type { RouteHandler } from '@shop/service-kit';
import { gzipSync } from 'node:zlib';

/**
 * GET /graphiql: GraphiQL as one self-contained page (scripts, styles, editor workers and fonts
 * are inlined by @graphql-yoga/render-graphiql), so it works on a machine without internet —
 * unlike Apollo Sandbox, which loads from Apollo's CDN. Rendered once, served gzipped when asked.
 */
export function explorerRoute({ title, endpoint = '/graphql' }: { title: string; endpoint?: string }): RouteHandler {
  let page: { html: Buffer; gzipped: Buffer } | undefined;
  const render = () => {
    const html = Buffer.from(
      renderGraphiQL({
        title,
        endpoint,
        subscriptionsProtocol: 'WS',
        defaultQuery: [
          '# Anonymous queries need no token. To act as a customer, get one with',
          '#   npm run token -- --sub alice --roles customer',
          '# and put {"Authorization": "Bearer <token>"} in the Headers tab.',
          '{',
          '  brands { id name productCount }',
          '}',
          '',
        ].join('\n'),
        shouldPersistHeaders: true,
      }),
      'utf8',
    );
    return { html, gzipped: gzipSync(html) };
  };
  return (req, res) => {
    page ??= render();
    const gzip = /\bgzip\b/.test(String(req.headers['accept-encoding'] ?? ''));
    const body = gzip ? page.gzipped : page.html;
    res.writeHead(200, {
      'content-type': 'text/html; charset=utf-8',
      'content-length': body.length,
      'cache-control': 'no-cache',
      vary: 'accept-encoding',
      ...(gzip ? { 'content-encoding': 'gzip' } : {}),
    });
    res.end(body);
  };
}
