import { Gauge } from 'prom-client';
import { DEFAULT_IDLE_SOCKET_SECONDS, DEFAULT_SUBSCRIPTION_CAPS, type SubscriptionCaps } from '../config';
import type { BffPlugin } from '../plugin';
import { startOrderFeed } from '../subscriptions/order-feed';
import { startSubscriptionServer } from '../subscriptions/ws-server';

/**
 * Live order updates (`orderUpdated`) over graphql-ws on the BFF's own port and /graphql path:
 * the order feed from the bus, and the subscription server under the same document rules, gate
 * and rate budget as HTTP (`config.subscriptions` caps).
 */
export function orderUpdates(): BffPlugin {
  return {
    name: 'order-updates',
    async setup({ config, logger, metrics, bus, auth, clientAddress, own }) {
      const feed = own(await startOrderFeed(bus, { name: config.name, logger, registry: metrics.registry }), (f) => f.stop());
      const gauge = new Gauge({ name: 'bff_subscriptions', help: 'Live graphql-ws subscriptions', registers: [metrics.registry] });
      return {
        listening({ httpServer, apollo, schema, validationRules, requests }) {
          const ws = own(
            startSubscriptionServer({
              httpServer,
              path: '/graphql',
              schema,
              apollo,
              auth,
              logger,
              feed,
              validationRules,
              maxTokens: config.limits.maxTokens,
              maxMessageBytes: config.limits.maxBodyBytes,
              maxPerConnection: config.subscriptions.maxPerConnection,
              maxPerInstance: config.subscriptions.maxPerInstance,
              pendingOrderGraceMs: config.subscriptions.pendingOrderGraceMs,
              safelist: requests.safelist,
              rateLimiter: requests.rateLimiter,
              caps: { ...DEFAULT_SUBSCRIPTION_CAPS, ...definedOnly(config.subscriptions) },
              idleSocketMs: config.subscriptions.idleSocketMs ?? DEFAULT_IDLE_SOCKET_SECONDS * 1000,
              registry: metrics.registry,
              clientAddress,
              onCount: (n) => gauge.set(n),
            }),
            (server) => server.stop(),
          );
          return { subscriptions: { count: () => ws.count(), connections: () => ws.connections() } };
        },
      };
    },
  };
}

/** The caps a config sets (a config built in code may leave some out: the defaults stand). */
function definedOnly(subscriptions: Partial<SubscriptionCaps>): Partial<SubscriptionCaps> {
  const { maxPerCustomer, maxPerAddress, maxSocketsPerCustomer, maxSocketsPerAddress } = subscriptions;
  return Object.fromEntries(Object.entries({ maxPerCustomer, maxPerAddress, maxSocketsPerCustomer, maxSocketsPerAddress }).filter(([, v]) => v !== undefined));
}
