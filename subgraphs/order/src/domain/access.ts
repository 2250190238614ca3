import { isAdmin, type Viewer } from '@shop/service-kit/domain';

/** Who may see and act on an order: its customer and admins. Everyone else must not learn it exists. */
export const canSeeOrder = (customerId: string, viewer: Viewer | null): boolean =>
  viewer !== null && (isAdmin(viewer) || viewer.sub === customerId);
