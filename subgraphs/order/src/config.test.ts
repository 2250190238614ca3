import { ConfigError, DEV_JWT_SECRET } from '@shop/service-kit';
import { embeddedDataDir, loadOrderConfig, orderDatabaseUrl } from './config';

describe('order config', () => {
  it('defaults: port 4004, embedded database under DATA_DIR/order, in-process bus', () => {
    const config = loadOrderConfig({});
    expect(config.ORDER_PORT).toBe(4004);
    expect(orderDatabaseUrl(config)).toBeUndefined();
    expect(embeddedDataDir(config.DATA_DIR)).toBe('.data/order');
    expect(embeddedDataDir('memory://')).toBe('memory://');
    expect(config.AMQP_URL).toBeUndefined();
  });

  it('ORDER_DATABASE_URL is used as is and wins over DATABASE_URL, which derives <name>_order', () => {
    expect(orderDatabaseUrl(loadOrderConfig({ DATABASE_URL: 'postgres://db/shop' }))).toEqual({ value: 'postgres://db/shop', exact: false });
    expect(orderDatabaseUrl(loadOrderConfig({ DATABASE_URL: 'postgres://db/shop', ORDER_DATABASE_URL: 'postgres://db/orders' }))).toEqual({
      value: 'postgres://db/orders',
      exact: true,
    });
  });

  it('every bad value is named on its own line', () => {
    let error: unknown;
    try {
      loadOrderConfig({ ORDER_PORT: 'eighty', ORDER_DATABASE_URL: 'mysql://db/orders', AMQP_URL: 'http://rabbit' });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const problems = (error as ConfigError).problems;
    expect(problems).toHaveLength(3);
    expect(problems.join('\n')).toMatch(/ORDER_PORT: .*"eighty"/);
    expect(problems.join('\n')).toMatch(/ORDER_DATABASE_URL: must start with postgres:\/\/ or postgresql:\/\//);
    expect(problems.join('\n')).toMatch(/AMQP_URL: must start with amqp:\/\//);
  });

  it('production refuses the development JWT secret', () => {
    expect(() => loadOrderConfig({ NODE_ENV: 'production', JWT_SECRET: DEV_JWT_SECRET })).toThrow(/production refuses the development secret/);
  });
});
