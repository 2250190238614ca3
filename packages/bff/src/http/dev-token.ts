import { sendJson, type Auth, type RouteHandler } from '@shop/service-kit';
import { z } from 'zod';

/**
 * The people the storefront's "sign in as" picker offers in development. Any other customer
 * name works too; only these are listed.
 */
export const DEMO_IDENTITIES = [
  { sub: 'alice', name: 'Alice', roles: ['customer'] },
  { sub: 'bob', name: 'Bob', roles: ['customer'] },
  { sub: 'carol', name: 'Carol', roles: ['customer'] },
  { sub: 'admin', name: 'Admin (back office)', roles: ['admin'] },
] as const;

const tokenRequest = z.object({
  sub: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._@-]{0,63}$/, 'letters, digits and . _ @ -, at most 64'),
  roles: z.array(z.enum(['customer', 'admin'])).min(1).max(2),
});

const DEV_TOKEN_TTL_SECONDS = 12 * 60 * 60;

/**
 * Development-only sign-in, for demos and the browser tests: `GET /dev/identities` lists the demo
 * people, `POST /dev/token` with `{"sub":"alice","roles":["customer"]}` (JSON only, so a browser
 * always preflights it) answers `{ token, sub, roles, expiresAt }` signed with the BFF's own
 * secret. The BFF mounts these routes only outside production; a real deployment takes its
 * identity provider's tokens instead.
 */
export function devTokenRoutes(auth: Auth): Record<string, RouteHandler> {
  return {
    'GET /dev/identities': (_req, res) => sendJson(res, 200, { identities: DEMO_IDENTITIES }, { 'cache-control': 'no-store' }),
    'POST /dev/token': async (req, res, body) => {
      if (!/^application\/json\b/i.test(String(req.headers['content-type'] ?? ''))) {
        return sendJson(res, 415, { error: 'send {"sub": "...", "roles": ["customer"]} as application/json' });
      }
      let parsed: z.infer<typeof tokenRequest>;
      try {
        parsed = tokenRequest.parse(JSON.parse(body.toString('utf8')));
      } catch (e) {
        const message = e instanceof z.ZodError ? e.issues.map((i) => `${i.path.join('.') || 'body'}: ${i.message}`).join('; ') : 'body is not valid JSON';
        return sendJson(res, 400, { error: message });
      }
      const roles = [...new Set(parsed.roles)];
      const token = await auth.signToken({ sub: parsed.sub, roles, ttl: DEV_TOKEN_TTL_SECONDS });
      const expiresAt = new Date(Date.now() + DEV_TOKEN_TTL_SECONDS * 1000).toISOString();
      sendJson(res, 200, { token, sub: parsed.sub, roles, expiresAt }, { 'cache-control': 'no-store' });
    },
  };
}
