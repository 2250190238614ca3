import { errors as joseErrors, jwtVerify, SignJWT } from 'jose';
import { forbidden, unauthenticated } from './errors';
import { isAdmin, type Role, type Viewer } from './viewer';

export { isAdmin, type Role, type Viewer } from './viewer';

export interface TokenOptions {
  sub: string;
  roles: Role[];
  /** lifetime, e.g. "8h", "15m" or seconds */
  ttl?: string | number;
}

export interface AuthOptions {
  /** the clock tokens are checked against (tests move it) */
  now?: () => number;
  /** most verified tokens remembered (default 10,000) */
  maxRemembered?: number;
}

/**
 * HS256 only: `alg: none` and every other algorithm is refused. A token that verified is
 * remembered until it expires: the same customer's token arrives with every request (at the BFF
 * and again at each subgraph it calls), and verifying it each time was 2-4 % of their CPU per
 * request. The whole token string is the key, so a remembered answer is the answer verification
 * would give again — until `exp`, which is checked on every use.
 */
export function createAuth(secret: string, options: AuthOptions = {}) {
  const key = new TextEncoder().encode(secret);
  const now = options.now ?? Date.now;
  const maxRemembered = options.maxRemembered ?? 10_000;
  const verified = new Map<string, { viewer: Viewer; expiresAtMs: number; notBeforeMs: number }>();

  async function signToken({ sub, roles, ttl = '8h' }: TokenOptions): Promise<string> {
    return new SignJWT({ roles })
      .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
      .setSubject(sub)
      .setIssuedAt()
      .setExpirationTime(typeof ttl === 'number' ? Math.floor(Date.now() / 1000) + ttl : ttl)
      .sign(key);
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
      const { payload } = await jwtVerify(token, key, { algorithms: ['HS256'], currentDate: new Date(now()) });
      const roles = Array.isArray(payload.roles) ? payload.roles.filter((r): r is string => typeof r === 'string') : [];
      if (typeof payload.sub !== 'string' || payload.sub === '') throw unauthenticated('Token has no subject');
      const viewer: Viewer = Object.freeze({ sub: payload.sub, roles: Object.freeze(roles) as Role[], token });
      // only tokens that expire are remembered (ours always do); the oldest goes first
      if (typeof payload.exp === 'number') {
        if (verified.size >= maxRemembered) verified.delete(verified.keys().next().value!);
        verified.set(token, { viewer, expiresAtMs: payload.exp * 1000, notBeforeMs: typeof payload.nbf === 'number' ? payload.nbf * 1000 : -Infinity });
      }
      return viewer;
    } catch (e) {
      if (e instanceof joseErrors.JWTExpired) throw unauthenticated('Token expired');
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
