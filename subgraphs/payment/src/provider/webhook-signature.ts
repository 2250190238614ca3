import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * The provider's webhook signature: header `Provider-Signature: t=<unix seconds>,v1=<hex
 * HMAC-SHA256(secret, "<t>.<raw body>")>`. Signing the timestamp with the body lets the receiver
 * refuse a replayed old webhook (tolerance) as well as a forged one.
 */
export function signWebhook(secret: string, rawBody: string, unixSeconds: number): string {
  return `t=${unixSeconds},v1=${hmac(secret, `${unixSeconds}.${rawBody}`)}`;
}

/**
 * Whether `header` is a valid signature of `rawBody` (exactly the bytes received) made with
 * `secret` less than `toleranceSeconds` from `nowSeconds`, either way. Several v1= values are
 * accepted (a provider rolling its secret sends one per secret); they are compared in constant time.
 */
export function verifyWebhookSignature(secret: string, rawBody: string, header: string, at: { nowSeconds: number; toleranceSeconds: number }): boolean {
  const parts = header.split(',').map((p) => p.trim().split('='));
  const timestamps = parts.filter(([k]) => k === 't').map(([, v]) => v);
  const signatures = parts.filter(([k, v]) => k === 'v1' && v !== undefined && /^[0-9a-f]{64}$/.test(v)).map(([, v]) => Buffer.from(v, 'hex'));
  if (timestamps.length !== 1 || !/^\d{1,12}$/.test(timestamps[0] ?? '') || signatures.length === 0) return false;
  const t = Number(timestamps[0]);
  if (Math.abs(at.nowSeconds - t) > at.toleranceSeconds) return false;
  const expected = Buffer.from(hmac(secret, `${t}.${rawBody}`), 'hex');
  // every candidate is compared, so the time taken says nothing about which one (or how much of it) matched
  return signatures.map((s) => timingSafeEqual(s, expected)).includes(true);
}

const hmac = (secret: string, text: string) => createHmac('sha256', secret).update(text).digest('hex');
