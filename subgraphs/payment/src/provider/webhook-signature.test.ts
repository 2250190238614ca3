import { createHmac } from 'node:crypto';
import { signWebhook, verifyWebhookSignature } from './webhook-signature';

const SECRET = 'whsec_test_0123456789abcdef';
const body = '{"id":"evt_1","type":"authorization.succeeded"}';
const at = { nowSeconds: 1_700_000_000, toleranceSeconds: 300 };

describe('webhook signature', () => {
  it('signs t=<seconds>,v1=<hex HMAC-SHA256 of "<t>.<body>">', () => {
    const v1 = createHmac('sha256', SECRET).update(`1700000000.${body}`).digest('hex');
    expect(signWebhook(SECRET, body, 1_700_000_000)).toBe(`t=1700000000,v1=${v1}`);
  });

  it('its own signature → valid, within the tolerance either way', () => {
    expect(verifyWebhookSignature(SECRET, body, signWebhook(SECRET, body, 1_700_000_000), at)).toBe(true);
    expect(verifyWebhookSignature(SECRET, body, signWebhook(SECRET, body, 1_700_000_000 - 300), at)).toBe(true);
    expect(verifyWebhookSignature(SECRET, body, signWebhook(SECRET, body, 1_700_000_000 + 300), at)).toBe(true);
  });

  it('older or newer than the tolerance → refused (a replayed old webhook)', () => {
    expect(verifyWebhookSignature(SECRET, body, signWebhook(SECRET, body, 1_700_000_000 - 301), at)).toBe(false);
    expect(verifyWebhookSignature(SECRET, body, signWebhook(SECRET, body, 1_700_000_000 + 301), at)).toBe(false);
  });

  it('another secret, a changed body, or a timestamp changed after signing → refused', () => {
    expect(verifyWebhookSignature(SECRET, body, signWebhook('whsec_other_0123456789abcdef', body, 1_700_000_000), at)).toBe(false);
    expect(verifyWebhookSignature(SECRET, body.replace('succeeded', 'failed'), signWebhook(SECRET, body, 1_700_000_000), at)).toBe(false);
    const signature = signWebhook(SECRET, body, 1_700_000_000).replace('t=1700000000', 't=1700000001');
    expect(verifyWebhookSignature(SECRET, body, signature, at)).toBe(false);
  });

  it.each(['', 'garbage', 't=1700000000', 'v1=abc', 't=x,v1=00', 't=1700000000,t=1700000000,v1=' + '0'.repeat(64)])('malformed header %j → refused, no exception', (header) => {
    expect(verifyWebhookSignature(SECRET, body, header, at)).toBe(false);
  });

  it('several v1 values (a secret being rolled) → valid when one matches', () => {
    const good = signWebhook(SECRET, body, 1_700_000_000);
    expect(verifyWebhookSignature(SECRET, body, `t=1700000000,v1=${'a'.repeat(64)},${good.split(',')[1]}`, at)).toBe(true);
  });
});
