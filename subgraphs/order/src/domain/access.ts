/** Who may see and act on an order: its customer and admins. Everyone else must not learn it exists. */
export interface Viewer {
  sub: string;
  isAdmin: boolean;
}

export const canSeeOrder = (customerId: string, viewer: Viewer | null): boolean =>
  viewer !== null && (viewer.isAdmin || viewer.sub === customerId);
