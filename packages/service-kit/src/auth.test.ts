import { GraphQLError } from 'graphql';
import { SignJWT, UnsecuredJWT } from 'jose';
import { createAuth, DEFAULT_CLOCK_SKEW_SECONDS, requireAdmin } from './auth';

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
    clock += (60 + DEFAULT_CLOCK_SKEW_SECONDS + 1) * 1000;
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

  describe('claims every token must satisfy', () => {
    const key = new TextEncoder().encode(secret);
    const nowSeconds = () => Math.floor(Date.now() / 1000);
    const signed = (claims: { exp?: number; iat?: number; nbf?: number; iss?: string; aud?: string }) => {
      const jwt = new SignJWT({ roles: ['customer'] }).setProtectedHeader({ alg: 'HS256' }).setSubject('alice');
      if (claims.exp !== undefined) jwt.setExpirationTime(claims.exp);
      if (claims.iat !== undefined) jwt.setIssuedAt(claims.iat);
      if (claims.nbf !== undefined) jwt.setNotBefore(claims.nbf);
      if (claims.iss !== undefined) jwt.setIssuer(claims.iss);
      if (claims.aud !== undefined) jwt.setAudience(claims.aud);
      return jwt.sign(key);
    };

    it('a token without exp → UNAUTHENTICATED (it would be valid forever)', async () => {
      expect(await codeOf(auth.verifyToken(await signed({ iat: nowSeconds() })))).toBe('UNAUTHENTICATED');
    });

    it('exp further ahead than the maximum lifetime → UNAUTHENTICATED; within it → accepted', async () => {
      const strict = createAuth(secret, { maxLifetimeSeconds: 3600 });
      expect(await codeOf(strict.verifyToken(await signed({ exp: nowSeconds() + 2 * 3600 })))).toBe('UNAUTHENTICATED');
      expect(await codeOf(strict.verifyToken(await signed({ iat: nowSeconds() - 100, exp: nowSeconds() + 2 * 3600 - 100 })))).toBe('UNAUTHENTICATED');
      expect(await codeOf(strict.verifyToken(await signed({ iat: nowSeconds(), exp: nowSeconds() + 1800 })))).toBe('no error');
      // the default maximum is a week: a year-long token is refused
      expect(await codeOf(auth.verifyToken(await signed({ exp: nowSeconds() + 365 * 24 * 3600 })))).toBe('UNAUTHENTICATED');
    });

    it('signToken refuses a ttl over the maximum lifetime', async () => {
      await expect(createAuth(secret, { maxLifetimeSeconds: 3600 }).signToken({ sub: 'a', roles: [], ttl: 7200 })).rejects.toThrow(/maximum of 3600 s/);
    });

    it('issuer and audience, when configured, must match; signToken sets them', async () => {
      const scoped = createAuth(secret, { issuer: 'https://id.shop.example', audience: 'shop-api' });
      const exp = nowSeconds() + 600;
      expect(await codeOf(scoped.verifyToken(await signed({ exp, iss: 'https://id.shop.example', aud: 'shop-api' })))).toBe('no error');
      expect(await codeOf(scoped.verifyToken(await signed({ exp, iss: 'https://evil.example', aud: 'shop-api' })))).toBe('UNAUTHENTICATED');
      expect(await codeOf(scoped.verifyToken(await signed({ exp, iss: 'https://id.shop.example', aud: 'another-api' })))).toBe('UNAUTHENTICATED');
      expect(await codeOf(scoped.verifyToken(await signed({ exp })))).toBe('UNAUTHENTICATED');
      expect(await codeOf(scoped.verifyToken(await scoped.signToken({ sub: 'alice', roles: [] })))).toBe('no error');
    });

    it('clock skew is tolerated up to its bound, no further (exp, nbf, iat)', async () => {
      const skewed = createAuth(secret, { clockSkewSeconds: 30 });
      expect(await codeOf(skewed.verifyToken(await signed({ exp: nowSeconds() - 10 })))).toBe('no error');
      expect(await codeOf(skewed.verifyToken(await signed({ exp: nowSeconds() - 120 })))).toBe('UNAUTHENTICATED');
      expect(await codeOf(skewed.verifyToken(await signed({ exp: nowSeconds() + 600, nbf: nowSeconds() + 10 })))).toBe('no error');
      expect(await codeOf(skewed.verifyToken(await signed({ exp: nowSeconds() + 600, nbf: nowSeconds() + 120 })))).toBe('UNAUTHENTICATED');
      expect(await codeOf(skewed.verifyToken(await signed({ exp: nowSeconds() + 600, iat: nowSeconds() + 10 })))).toBe('no error');
      expect(await codeOf(skewed.verifyToken(await signed({ exp: nowSeconds() + 600, iat: nowSeconds() + 120 })))).toBe('UNAUTHENTICATED');
    });
  });

  it('requireAdmin: customer → FORBIDDEN, anonymous → UNAUTHENTICATED', () => {
    expect(() => requireAdmin({ sub: 'a', roles: ['customer'], token: '' })).toThrow(/admin role/);
    expect(() => requireAdmin(null)).toThrow(GraphQLError);
  });
});
