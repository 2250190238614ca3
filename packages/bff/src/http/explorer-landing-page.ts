import type { ApolloServerPlugin } from '@apollo/server';
import { ApolloServerPluginLandingPageLocalDefault } from '@apollo/server/plugin/landingPage/default';

const APOLLO_OFFLINE_LINE = /<p>Apollo Sandbox cannot be loaded; it appears that you might be offline\.<\/p>/;

/** What GET /graphql says when Apollo's CDN cannot be reached (the page shows it until Sandbox covers it). */
export const OFFLINE_EXPLORER_MESSAGE =
  '<p>Apollo Sandbox cannot be loaded: it comes from Apollo\'s CDN, which this browser cannot reach (offline or a closed network).</p>' +
  '<p>The offline explorer works without it: <a href="/graphiql">open GraphiQL at /graphiql</a>.</p>';

/**
 * Apollo Sandbox on GET /graphql (Apollo's local-development landing page), with its offline
 * fallback pointing at the self-contained GraphiQL on /graphiql instead of only saying "offline".
 */
export function explorerLandingPage<T extends object>(): ApolloServerPlugin<T> {
  const sandbox = ApolloServerPluginLandingPageLocalDefault({ embed: true, includeCookies: false, footer: false }) as ApolloServerPlugin<T>;
  return {
    async serverWillStart(service) {
      const listener = await sandbox.serverWillStart?.(service);
      if (!listener?.renderLandingPage) return listener;
      const render = listener.renderLandingPage.bind(listener);
      return {
        ...listener,
        async renderLandingPage() {
          const page = await render();
          const html = async () => {
            const text = typeof page.html === 'string' ? page.html : await page.html();
            // a newer Apollo page without that line is served as it is (a test names the change)
            return text.replace(APOLLO_OFFLINE_LINE, OFFLINE_EXPLORER_MESSAGE);
          };
          return { html };
        },
      };
    },
  };
}
