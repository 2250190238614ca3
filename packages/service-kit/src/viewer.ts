// Who is calling: the one viewer type, for resolvers, use-cases and domain access rules alike.
// Plain TypeScript: domain modules import it through @shop/service-kit/domain.

export type Role = 'customer' | 'admin' | (string & {});

/** Who is calling, as the verified bearer token says. */
export interface Viewer {
  sub: string;
  roles: Role[];
  token: string;
}

export const isAdmin = (viewer: Viewer | null | undefined): boolean => !!viewer?.roles.includes('admin');
