import { withCors } from '../http/cors';
import type { BffPlugin } from '../plugin';

/** Cross-origin access for the browser origins in `config.corsOrigins` (none: no CORS headers at all). */
export function cors(): BffPlugin {
  return {
    name: 'cors',
    setup: ({ config }) => ({ wrapRoutes: (routes) => withCors(config.corsOrigins ?? [], routes) }),
  };
}
