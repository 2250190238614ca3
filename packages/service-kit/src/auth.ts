import { decodeJwt, errors as joseErrors, jwtVerify, SignJWT } from 'jose';
import type { BaseConfig } from './config';
import { forbidden, unauthenticated } from './errors';
import { isAdmin, type Role, type Viewer } from './viewer';

export { isAdmin, type Role, type Viewer } from './viewer';

export interface TokenOptions {
  sub: string;
  roles: Role[];
  /** lifetime, e.g. "8h", "15m" or seconds */
  ttl?: string | number;
}

/** What a token must satisfy beyond its signature (JWT_* settings, `tokenRulesOf`). */
export interface TokenRules {
  /** `iss` every token must carry (and signToken sets); unset: not checked */
  issuer?: string;
  /** `aud` every token must name (and signToken sets); unset: not checked */
  audience?: string;
  /** longest accepted lifetime: `exp` at most this far after `iat` and after now (default 7 days) */
  maxLifetimeSeconds?: number;
  /** how far the issuer's clock may differ from ours, for `exp`, `nbf` and `iat` (default 30 s) */
  clockSkewSeconds?: number;
}

export interface AuthOptions extends TokenRules {
  /** the clock tokens are checked against (tests move it) */
  now?: () => number;
  /** most verified tokens remembered (default 10,000) */
  maxRemembered?: number;
}

export const DEFAULT_MAX_TOKEN_LIFETIME_SECONDS = 7 * 24 * 3600;
export const DEFAULT_CLOCK_SKEW_SECONDS = 30;

/** The token rules of a service's validated settings (baseConfigSchema's JWT_* keys). */
export const tokenRulesOf = (settings: Pick<BaseConfig, 'JWT_ISSUER' | 'JWT_AUDIENCE' | 'JWT_MAX_LIFETIME_SECONDS' | 'JWT_CLOCK_SKEW_SECONDS'>): TokenRules => ({
  issuer: settings.JWT_ISSUER,
  audience: settings.JWT_AUDIENCE,
  maxLifetimeSeconds: settings.JWT_MAX_LIFETIME_SECONDS,
  clockSkewSeconds: settings.JWT_CLOCK_SKEW_SECONDS,
});

/**
 * HS256 only: `alg: none` and every other algorithm is refused. `exp` is required and may lie at
 * most `maxLifetimeSeconds` ahead (a token that never expires would be a password that cannot be
 * changed); `iss`/`aud` are checked when configured; clock differences count up to
 * `clockSkewSeconds`, no more. A token that verified is
 * remembered until it expires: the same customer's token arrives with every request (at the BFF
 * and again at each subgraph it calls), and verifying it each time was 2-4 % of their CPU per
 * request. The whole token string is the key, so a remembered answer is the answer verification
 * would give again — until `exp`, which is checked on every use.
 */
export function createAuth(secret: string, options: AuthOptions = {}) {
  const key = new TextEncoder().encode(secret);
  const now = options.now ?? Date.now;
  const maxRemembered = options.maxRemembered ?? 10_000;
  const maxLifetimeSeconds = options.maxLifetimeSeconds ?? DEFAULT_MAX_TOKEN_LIFETIME_SECONDS;
  const skewSeconds = options.clockSkewSeconds ?? DEFAULT_CLOCK_SKEW_SECONDS;
  const verified = new Map<string, { viewer: Viewer; expiresAtMs: number; notBeforeMs: number }>();

  async function signToken({ sub, roles, ttl = '8h' }: TokenOptions): Promise<string> {
    const issuedAt = Math.floor(now() / 1000);
    const jwt = new SignJWT({ roles })
      .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
      .setSubject(sub)
      .setIssuedAt(issuedAt)
      .setExpirationTime(typeof ttl === 'number' ? issuedAt + ttl : ttl);
    if (options.issuer) jwt.setIssuer(options.issuer);
    if (options.audience) jwt.setAudience(options.audience);
    const token = await jwt.sign(key);
    const { exp } = decodeJwt(token);
    if (typeof exp === 'number' && exp - issuedAt > maxLifetimeSeconds) {
      throw new Error(`token lifetime ${exp - issuedAt} s is over the maximum of ${maxLifetimeSeconds} s (JWT_MAX_LIFETIME_SECONDS)`);
    }
    return token;
  }

  /** Lifetime rules jose has no option for: not too far ahead, not issued in the future. */
  function checkLifetime(exp: number, iat: unknown, atSeconds: number): void {
    if (exp - atSeconds > maxLifetimeSeconds + skewSeconds) throw unauthenticated('Token lifetime exceeds the maximum');
    if (typeof iat === 'number') {
      if (iat > atSeconds + skewSeconds) throw unauthenticated('Token issued in the future');
      if (exp - iat > maxLifetimeSeconds + skewSeconds) throw unauthenticated('Token lifetime exceeds the maximum');
    }
  }

  /**
   * Reads `Authorization: Bearer <jwt>`. No header → null (anonymous); a header that does not
   * verify (bad signature, expired, wrong algorithm, malformed) → UNAUTHENTICATED.
   */
  async function viewerFromHeader(header: string | null | undefined): Promise<Viewer | null> {
    if (header === undefined || header === null || header.trim() === '') return null;
    const match = /^Bearer\s+(\S+)$/i.exec(header.trim());
    if (!match) throw unauthenticated('Authorization header must be "Bearer <token>"');
    return verifyToken(match[1]);
  }

  async function verifyToken(token: string): Promise<Viewer> {
    const known = verified.get(token);
    if (known) {
      const at = now();
      if (at < known.expiresAtMs && at >= known.notBeforeMs) return known.viewer;
      verified.delete(token);
    }
    try {
      const at = now();
      const { payload } = await jwtVerify(token, key, {
        algorithms: ['HS256'],
        currentDate: new Date(at),
        requiredClaims: ['exp'],
        clockTolerance: skewSeconds,
        ...(options.issuer ? { issuer: options.issuer } : {}),
        ...(options.audience ? { audience: options.audience } : {}),
      });
      const exp = payload.exp as number; // required above: jose refuses a token without a numeric exp
      checkLifetime(exp, payload.iat, at / 1000);
      const roles = Array.isArray(payload.roles) ? payload.roles.filter((r): r is string => typeof r === 'string') : [];
      if (typeof payload.sub !== 'string' || payload.sub === '') throw unauthenticated('Token has no subject');
      const viewer: Viewer = Object.freeze({ sub: payload.sub, roles: Object.freeze(roles) as Role[], token });
      // remembered as long as jose would accept it (skew included); the oldest goes first
      if (verified.size >= maxRemembered) verified.delete(verified.keys().next().value!);
      verified.set(token, { viewer, expiresAtMs: (exp + skewSeconds) * 1000, notBeforeMs: typeof payload.nbf === 'number' ? (payload.nbf - skewSeconds) * 1000 : -Infinity });
      return viewer;
    } catch (e) {
      if (e instanceof joseErrors.JWTExpired) throw unauthenticated('Token expired');
      if (e instanceof joseErrors.JWTClaimValidationFailed && e.claim === 'exp') throw unauthenticated('Token has no expiry (exp)');
      if (e instanceof joseErrors.JOSEError) throw unauthenticated('Invalid token');
      throw e;
    }
  }

  return { signToken, viewerFromHeader, verifyToken };
}
export type Auth = ReturnType<typeof createAuth>;

/** The signed-in customer, or UNAUTHENTICATED. */
export function requireViewer(viewer: Viewer | null | undefined): Viewer {
  if (!viewer) throw unauthenticated();
  return viewer;
}

/** An admin, or UNAUTHENTICATED / FORBIDDEN. */
export function requireAdmin(viewer: Viewer | null | undefined): Viewer {
  const v = requireViewer(viewer);
  if (!isAdmin(v)) throw forbidden('This operation needs the admin role');
  return v;
}
