import { payment } from '../src/server';

const production = { NODE_ENV: 'production', JWT_SECRET: 'a-production-secret-of-more-than-32-chars', GATEWAY_SECRET: 'g'.repeat(32) };

describe("payment's settings", () => {
  it('defaults: the simulator on 4090, a 5 s call timeout, a 300 s webhook tolerance', () => {
    expect(payment.loadConfig({})).toMatchObject({ port: 4005, PAYMENT_PROVIDER_URL: 'http://localhost:4090', PAYMENT_PROVIDER_TIMEOUT_MS: 5_000, PAYMENT_WEBHOOK_TOLERANCE_SECONDS: 300 });
  });

  it("production refuses the simulator's address and the development API key and webhook secret, set or left unset, and accepts its own", () => {
    expect(() => payment.loadConfig(production)).toThrow(/PAYMENT_PROVIDER_URL: production refuses[\s\S]*PAYMENT_PROVIDER_API_KEY: production refuses[\s\S]*PAYMENT_WEBHOOK_SECRET: production refuses/);
    const own = { ...production, PAYMENT_PROVIDER_URL: 'https://api.provider.example', PAYMENT_PROVIDER_API_KEY: 'sk_live_0123456789abcdef', PAYMENT_WEBHOOK_SECRET: 'whsec_live_0123456789abcdef' };
    expect(payment.loadConfig(own)).toMatchObject({ PAYMENT_PROVIDER_URL: 'https://api.provider.example', PAYMENT_PROVIDER_API_KEY: 'sk_live_0123456789abcdef' });
    expect(() => payment.loadConfig({ ...own, PAYMENT_PROVIDER_URL: 'http://localhost:4090' })).toThrow(/PAYMENT_PROVIDER_URL: production refuses/);
  });

  it('a provider URL that is not http(s) and a short secret are named', () => {
    expect(() => payment.loadConfig({ PAYMENT_PROVIDER_URL: 'ftp://x', PAYMENT_WEBHOOK_SECRET: 'short' })).toThrow(/PAYMENT_PROVIDER_URL[\s\S]*PAYMENT_WEBHOOK_SECRET: must be at least 16/);
  });
});
