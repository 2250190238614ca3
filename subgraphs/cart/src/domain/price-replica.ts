import { type Cents } from '@shop/service-kit/domain';

/** A catalog fact about a product's price, as the replica stores it. */
export interface ReplicaPrice {
  productId: string;
  name: string;
  price: Cents;
  currencyCode: string;
  /** the product version the fact carries */
  version: number;
}

export type ReplicaUpdate =
  /** an older (or the same) version than the replica holds: a newer fact already won */
  | { kind: 'stale' }
  /** store it; re-price the carts holding the product when the amount or currency moved */
  | { kind: 'apply'; repriceCarts: boolean };

/** Newer product version wins; carts are re-priced only when what they show actually changes. */
export function decideReplicaUpdate(current: ReplicaPrice | null, incoming: ReplicaPrice): ReplicaUpdate {
  if (current && current.version >= incoming.version) return { kind: 'stale' };
  const repriceCarts = current !== null && (current.price !== incoming.price || current.currencyCode !== incoming.currencyCode);
  return { kind: 'apply', repriceCarts };
}
