import { SignJWT } from 'jose';
import { atTime, tokenExpiry } from './ws-server';

const KEY = new TextEncoder().encode('a-test-secret-of-at-least-32-bytes!!');
const sign = (claims: Record<string, unknown>) => new SignJWT(claims).setProtectedHeader({ alg: 'HS256' }).sign(KEY);
/** A compact JWS whose payload is exactly `payload` (signature irrelevant: the token is verified elsewhere). */
const withPayload = (payload: string) => `eyJhbGciOiJIUzI1NiJ9.${Buffer.from(payload).toString('base64url')}.c2ln`;

describe('when a subscription connection ends with its token', () => {
  it('a signed token with exp → that exp, in seconds', async () => {
    expect(tokenExpiry(await sign({ sub: 'customer-1', exp: 1_900_000_000 }))).toBe(1_900_000_000);
  });

  it('a payload whose base64url needs - and _ → still read', () => {
    const payload = JSON.stringify({ sub: '>>>???', exp: 1_800_000_000 });
    expect(Buffer.from(payload).toString('base64url')).toMatch(/[-_]/);
    expect(tokenExpiry(withPayload(payload))).toBe(1_800_000_000);
  });

  it('no exp, or an exp that is not a number → undefined (no timer)', async () => {
    expect(tokenExpiry(await sign({ sub: 'customer-1' }))).toBeUndefined();
    expect(tokenExpiry(withPayload('{"exp":"1900000000"}'))).toBeUndefined();
  });

  it('not a compact JWS (garbage, payload not JSON, not an object) → undefined, no throw', () => {
    expect(tokenExpiry('not-a-token')).toBeUndefined();
    expect(tokenExpiry('a.%%%.c')).toBeUndefined();
    expect(tokenExpiry(withPayload('not json'))).toBeUndefined();
    expect(tokenExpiry(withPayload('[1900000000]'))).toBeUndefined();
  });
});

describe('the expiry timer (atTime)', () => {
  afterEach(() => jest.useRealTimers());

  it('a token expiring in 30 days (beyond setTimeout\'s ~24.8-day maximum) → nothing fires now, it fires at expiry', () => {
    jest.useFakeTimers({ now: 1_000_000 });
    const day = 24 * 3600 * 1000;
    const fired = jest.fn();
    atTime(Date.now() + 30 * day, fired);
    jest.advanceTimersByTime(1_000);
    expect(fired).not.toHaveBeenCalled();
    jest.advanceTimersByTime(30 * day - 2_000);
    expect(fired).not.toHaveBeenCalled();
    jest.advanceTimersByTime(1_000);
    expect(fired).toHaveBeenCalledTimes(1);
  });

  it('cancelled → never fires; already past → fires from a timer, not synchronously', () => {
    jest.useFakeTimers({ now: 1_000_000 });
    const cancelled = jest.fn();
    atTime(Date.now() + 5_000, cancelled)();
    const past = jest.fn();
    atTime(Date.now() - 5_000, past);
    expect(past).not.toHaveBeenCalled();
    jest.advanceTimersByTime(10_000);
    expect(cancelled).not.toHaveBeenCalled();
    expect(past).toHaveBeenCalledTimes(1);
  });
});
