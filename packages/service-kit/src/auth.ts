import { errors as joseErrors, jwtVerify, SignJWT } from 'jose';
import { forbidden, unauthenticated } from './errors';

export type Role = 'customer' | 'admin' | (string & {});

/** Who is calling, as the verified bearer token says. */
export interface Viewer {
  sub: string;
  roles: Role[];
  token: string;
}

export const isAdmin = (viewer: Viewer | null | undefined): boolean => !!viewer?.roles.includes('admin');

export interface TokenOptions {
  sub: string;
  roles: Role[];
  /** lifetime, e.g. "8h", "15m" or seconds */
  ttl?: string | number;
}

/** HS256 only: `alg: none` and every other algorithm is refused. */
export function createAuth(secret: string) {
  const key = new TextEncoder().encode(secret);

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
    try {
      const { payload } = await jwtVerify(token, key, { algorithms: ['HS256'] });
      const roles = Array.isArray(payload.roles) ? payload.roles.filter((r): r is string => typeof r === 'string') : [];
      if (typeof payload.sub !== 'string' || payload.sub === '') throw unauthenticated('Token has no subject');
      return { sub: payload.sub, roles, token };
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
