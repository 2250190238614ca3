import { DEV_API_KEY, loadProviderConfig } from './config';

describe('payment provider simulator settings', () => {
  it('nothing set → development defaults: port 4090, the dev API key, webhooks to the payment subgraph', () => {
    const config = loadProviderConfig({});
    expect(config.PAYMENT_PROVIDER_PORT).toBe(4090);
    expect(config.PAYMENT_PROVIDER_API_KEY).toBe(DEV_API_KEY);
    expect(config.PAYMENT_PROVIDER_WEBHOOK_URL).toBe('http://localhost:4005/webhooks/provider');
    expect(config.PAYMENT_PROVIDER_TOKEN_TTL_SECONDS).toBe(3600);
    expect(config.PAYMENT_PROVIDER_WEBHOOK_CHAOS).toBe(false);
  });

  it('NODE_ENV=production → refuses to start, whatever else is set', () => {
    expect(() => loadProviderConfig({ NODE_ENV: 'production', PAYMENT_PROVIDER_API_KEY: 'a-real-looking-key-0123456789' })).toThrow(/does not start with NODE_ENV=production/);
  });

  it('bad values → one line each, secrets hidden', () => {
    let message = '';
    try {
      loadProviderConfig({ PAYMENT_PROVIDER_PORT: 'x', PAYMENT_WEBHOOK_SECRET: 'short', PAYMENT_PROVIDER_WEBHOOK_URL: 'ftp://x', PAYMENT_PROVIDER_WEBHOOK_CHAOS: 'maybe' });
    } catch (e) {
      message = (e as Error).message;
    }
    expect(message).toMatch(/PAYMENT_PROVIDER_PORT: .*got "x"/);
    expect(message).toMatch(/PAYMENT_WEBHOOK_SECRET: .*given value hidden/);
    expect(message).not.toContain('short');
    expect(message).toMatch(/PAYMENT_PROVIDER_WEBHOOK_URL/);
    expect(message).toMatch(/PAYMENT_PROVIDER_WEBHOOK_CHAOS: must be on or off/);
  });

  it('an empty webhook URL → webhooks off', () => {
    expect(loadProviderConfig({ PAYMENT_PROVIDER_WEBHOOK_URL: '' }).PAYMENT_PROVIDER_WEBHOOK_URL).toBe('');
  });
});
