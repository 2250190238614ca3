import { ConfigError, DEV_JWT_SECRET } from '@shop/service-kit';
import { z } from 'zod';
import { loadSubgraphConfig, subgraphConfigSchema } from './config';

// a real entry of the list of services: its port and settings derive from its name
const settings = { ORDER_SAGA_TIMEOUT_MS: z.coerce.number().int().min(1_000).default(600_000) };
const load = (env: Record<string, string>) => loadSubgraphConfig('order', settings, env);

describe('a subgraph’s settings', () => {
  it('defaults: its port from the list of services, embedded database, in-process bus, its own settings', () => {
    const config = load({});
    expect(config.port).toBe(4004);
    expect(config.database).toBeUndefined();
    expect(config.AMQP_URL).toBeUndefined();
    expect(config.ORDER_SAGA_TIMEOUT_MS).toBe(600_000);
  });

  it('<NAME>_DATABASE_URL is used as is and wins over DATABASE_URL, which derives <base>_<name>', () => {
    expect(load({ DATABASE_URL: 'postgres://db/shop' }).database).toEqual({ value: 'postgres://db/shop', exact: false });
    expect(load({ DATABASE_URL: 'postgres://db/shop', ORDER_DATABASE_URL: 'postgres://db/orders' }).database).toEqual({ value: 'postgres://db/orders', exact: true });
  });

  it('every bad value is named on its own line, its own settings too', () => {
    let error: unknown;
    try {
      load({ ORDER_PORT: 'eighty', ORDER_DATABASE_URL: 'mysql://db/orders', AMQP_URL: 'http://rabbit', ORDER_SAGA_TIMEOUT_MS: '5' });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const problems = (error as ConfigError).problems.join('\n');
    expect((error as ConfigError).problems).toHaveLength(4);
    expect(problems).toMatch(/ORDER_PORT: .*"eighty"/);
    expect(problems).toMatch(/ORDER_DATABASE_URL: must start with postgres:\/\/ or postgresql:\/\//);
    expect(problems).toMatch(/AMQP_URL: must start with amqp:\/\//);
    expect(problems).toMatch(/ORDER_SAGA_TIMEOUT_MS: /);
  });

  it('production requires GATEWAY_SECRET (no default; its introspection and _service answer only the gateway); HOST is the listen address', () => {
    expect(() => load({ NODE_ENV: 'production', JWT_SECRET: 'a-production-secret-of-more-than-32-chars' })).toThrow(/GATEWAY_SECRET: required in production/);
    expect(load({ NODE_ENV: 'production', JWT_SECRET: 'a-production-secret-of-more-than-32-chars', GATEWAY_SECRET: 'g'.repeat(32), HOST: '127.0.0.1' })).toMatchObject({ GATEWAY_SECRET: 'g'.repeat(32), HOST: '127.0.0.1' });
    expect(load({}).HOST).toBe('0.0.0.0');
  });

  it('production refuses the development JWT secret', () => {
    expect(() => load({ NODE_ENV: 'production', JWT_SECRET: DEV_JWT_SECRET })).toThrow(/production refuses the development secret/);
  });

  it('a name missing from the list of services is refused, naming the list', () => {
    expect(() => subgraphConfigSchema('payments', {})).toThrow(/no service "payments" in packages\/services\/services.json/);
  });
});

describe('development values production refuses', () => {
  const own = { PAYMENT_PROVIDER_API_KEY: z.string().min(1).default('dev-key') };
  const loadOwn = (env: Record<string, string>) => loadSubgraphConfig('order', own, env, { productionRefuses: { PAYMENT_PROVIDER_API_KEY: 'dev-key' } });
  const production = { NODE_ENV: 'production', JWT_SECRET: 'a-production-secret-of-more-than-32-chars', GATEWAY_SECRET: 'g'.repeat(32) };

  it('outside production the development value is the default', () => {
    expect(loadOwn({}).PAYMENT_PROVIDER_API_KEY).toBe('dev-key');
  });

  it('production refuses it, set or left unset, beside the other problems; a value of its own is accepted', () => {
    expect(() => loadOwn({ ...production, PAYMENT_PROVIDER_API_KEY: 'dev-key' })).toThrow(/PAYMENT_PROVIDER_API_KEY: production refuses the development value/);
    let error: unknown;
    try {
      loadOwn({ ...production, ORDER_PORT: 'eighty' });
    } catch (e) {
      error = e;
    }
    expect((error as ConfigError).problems).toEqual([expect.stringMatching(/^ORDER_PORT/), expect.stringMatching(/^PAYMENT_PROVIDER_API_KEY: production refuses/)]);
    expect(loadOwn({ ...production, PAYMENT_PROVIDER_API_KEY: 'live-key' }).PAYMENT_PROVIDER_API_KEY).toBe('live-key');
  });
});
