import { DEFAULT_GATEWAYS, GATEWAY_KINDS } from './gateway-process';

describe('the gateways a plain `npm run bench` measures', () => {
  it('every peer and the web BFF both ways; never the baseline, which needs --baseline <checkout> (a plain run failed on it)', () => {
    expect(DEFAULT_GATEWAYS).not.toContain('web-bff-baseline');
    expect([...DEFAULT_GATEWAYS].sort()).toEqual(GATEWAY_KINDS.filter((g) => !['web-bff-256', 'web-bff-nocache', 'web-bff-baseline'].includes(g)).sort());
    expect(DEFAULT_GATEWAYS).toEqual(expect.arrayContaining(['web-bff', 'web-bff-plain', 'apollo', 'hive-rust-dedup']));
  });
});
