import { createHmac } from 'node:crypto';
import { signatureHeader } from './webhooks';

describe('webhook signature', () => {
  it('t=<seconds>,v1=<hex HMAC-SHA256 of "<t>.<body>">', () => {
    const body = '{"id":"evt_1"}';
    const expected = createHmac('sha256', 'whsec_test_0123456789').update(`1700000000.${body}`).digest('hex');
    expect(signatureHeader('whsec_test_0123456789', body, 1_700_000_000)).toBe(`t=1700000000,v1=${expected}`);
  });
  it('another body or another time → another signature', () => {
    const a = signatureHeader('whsec_test_0123456789', '{}', 1);
    expect(signatureHeader('whsec_test_0123456789', '{ }', 1)).not.toBe(a);
    expect(signatureHeader('whsec_test_0123456789', '{}', 2)).not.toBe(a);
  });
});
