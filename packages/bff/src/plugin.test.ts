import type { ApolloServerPlugin } from '@apollo/server';
import type { BffContext } from './context';
import { combine, type BffPlugin, type ListeningBff } from './plugin';

const named = (name: string): BffPlugin => ({ name, setup: () => ({}) });
const apolloPlugin = (): ApolloServerPlugin<BffContext> => ({});

describe('combining what plugins contribute', () => {
  it('lists are joined in the BFF\'s order; single slots are filled by their one plugin', async () => {
    const [first, second] = [apolloPlugin(), apolloPlugin()];
    const forget = { forget: () => undefined };
    const combined = combine([named('a'), named('b')], [
      { apolloPlugins: [first], requests: { onShared: () => undefined }, inFlight: [forget], readiness: { store: async () => 'up' } },
      { apolloPlugins: [second], routes: { 'GET /x': () => undefined }, listening: () => ({ subscriptions: { count: () => 7, connections: () => 1 } }) },
    ]);
    expect(combined.apolloPlugins).toEqual([first, second]);
    expect(Object.keys(combined.requests)).toEqual(['onShared']);
    expect(Object.keys(combined.routes)).toEqual(['GET /x']);
    expect(Object.keys(combined.readiness)).toEqual(['store']);
    expect(combined.inFlight).toEqual([forget]);
    expect((await combined.listening({} as ListeningBff)).subscriptions?.count()).toBe(7);
  });

  it('two plugins filling the same slot → a start error naming both', () => {
    expect(() => combine([named('rate-limits'), named('my-limits')], [{ requests: { onShared: () => undefined } }, { requests: { onShared: () => undefined } }])).toThrow(
      'BFF plugins rate-limits and my-limits both contribute request stage onShared',
    );
  });

  it('a plugin that contributes nothing (its settings off) adds nothing', () => {
    const combined = combine([named('response-cache')], [{}]);
    expect([combined.apolloPlugins, combined.caches, combined.wrapRoutes, combined.validationRules]).toEqual([[], [], [], []]);
    expect(combined.noAutomaticPersistedQueries).toBe(false);
  });
});
