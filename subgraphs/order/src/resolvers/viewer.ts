import { isAdmin, type RequestContext } from '@shop/service-kit';
import type { Viewer } from '../domain/access';

/** The signed-in viewer as the domain's access rule sees it (null: anonymous). */
export const viewerOf = (ctx: RequestContext): Viewer | null => (ctx.viewer ? { sub: ctx.viewer.sub, isAdmin: isAdmin(ctx.viewer) } : null);
