import { GraphQLError } from 'graphql';
import { SignJWT, UnsecuredJWT } from 'jose';
import { createAuth, requireAdmin } from './auth';

const secret = 'test-secret-test-secret-test-secret-42';
const auth = createAuth(secret);
const codeOf = async (p: Promise<unknown>) => {
  try {
    await p;
    return 'no error';
  } catch (e) {
    return (e as GraphQLError).extensions?.code;
  }
};

describe('auth', () => {
  it('a signed token yields its viewer', async () => {
    const token = await auth.signToken({ sub: 'alice', roles: ['customer'] });
    await expect(auth.viewerFromHeader(`Bearer ${token}`)).resolves.toMatchObject({ sub: 'alice', roles: ['customer'] });
  });

  it('no header is anonymous', async () => {
    await expect(auth.viewerFromHeader(undefined)).resolves.toBeNull();
  });

  it('a token signed with another secret → UNAUTHENTICATED', async () => {
    const other = await createAuth('x'.repeat(40)).signToken({ sub: 'mallory', roles: ['admin'] });
    expect(await codeOf(auth.viewerFromHeader(`Bearer ${other}`))).toBe('UNAUTHENTICATED');
  });

  it('an expired token → UNAUTHENTICATED', async () => {
    const token = await new SignJWT({ roles: [] })
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject('alice')
      .setExpirationTime(Math.floor(Date.now() / 1000) - 60)
      .sign(new TextEncoder().encode(secret));
    expect(await codeOf(auth.viewerFromHeader(`Bearer ${token}`))).toBe('UNAUTHENTICATED');
  });

  it('a token that verified is remembered until it expires, then refused like any expired token', async () => {
    let clock = Date.now();
    const timed = createAuth(secret, { now: () => clock });
    const token = await timed.signToken({ sub: 'alice', roles: ['customer'], ttl: 60 });
    const first = await timed.verifyToken(token);
    expect(await timed.verifyToken(token)).toBe(first);
    clock += 61_000;
    expect(await codeOf(timed.verifyToken(token))).toBe('UNAUTHENTICATED');
    // the remembered token with one character of its signature changed is not the remembered token
    const fresh = createAuth(secret);
    const again = await fresh.signToken({ sub: 'alice', roles: ['customer'] });
    await fresh.verifyToken(again);
    const forged = again.slice(0, -2) + (again.at(-2) === 'A' ? 'B' : 'A') + again.at(-1);
    expect(await codeOf(fresh.verifyToken(forged))).toBe('UNAUTHENTICATED');
  });

  it('remembers at most maxRemembered tokens, and every one of them still verifies', async () => {
    const small = createAuth(secret, { maxRemembered: 2 });
    const tokens = await Promise.all(['a', 'b', 'c'].map((sub) => small.signToken({ sub, roles: [] })));
    for (const token of [...tokens, ...tokens]) expect((await small.verifyToken(token)).token).toBe(token);
  });

  it('alg none → UNAUTHENTICATED', async () => {
    const token = new UnsecuredJWT({ roles: ['admin'] }).setSubject('mallory').encode();
    expect(await codeOf(auth.viewerFromHeader(`Bearer ${token}`))).toBe('UNAUTHENTICATED');
  });

  it('garbage and non-bearer headers → UNAUTHENTICATED', async () => {
    expect(await codeOf(auth.viewerFromHeader('Bearer not.a.jwt'))).toBe('UNAUTHENTICATED');
    expect(await codeOf(auth.viewerFromHeader('Basic abc'))).toBe('UNAUTHENTICATED');
  });

  it('requireAdmin: customer → FORBIDDEN, anonymous → UNAUTHENTICATED', () => {
    expect(() => requireAdmin({ sub: 'a', roles: ['customer'], token: '' })).toThrow(/admin role/);
    expect(() => requireAdmin(null)).toThrow(GraphQLError);
  });
});
