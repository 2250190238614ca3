import { decideReplicaUpdate, type ReplicaPrice } from './price-replica';

const v = (version: number, price: number, currencyCode = 'EUR'): ReplicaPrice => ({ productId: 'mug', name: 'Mug', price, currencyCode, version });

describe('decideReplicaUpdate', () => {
  it('first fact about a product → stored, no cart can hold it yet', () => {
    expect(decideReplicaUpdate(null, v(1, 1000))).toEqual({ kind: 'apply', repriceCarts: false });
  });

  it('newer version with a new price → stored and carts re-priced', () => {
    expect(decideReplicaUpdate(v(1, 1000), v(2, 900))).toEqual({ kind: 'apply', repriceCarts: true });
  });

  it('newer version, same price (e.g. renamed) → stored, carts keep their totals', () => {
    expect(decideReplicaUpdate(v(1, 1000), v(3, 1000))).toEqual({ kind: 'apply', repriceCarts: false });
  });

  it('a new currency re-prices carts', () => {
    expect(decideReplicaUpdate(v(1, 1000), v(2, 1000, 'USD'))).toEqual({ kind: 'apply', repriceCarts: true });
  });

  it('older or same version after a newer one → stale, ignored', () => {
    expect(decideReplicaUpdate(v(3, 900), v(2, 1000))).toEqual({ kind: 'stale' });
    expect(decideReplicaUpdate(v(3, 900), v(3, 1000))).toEqual({ kind: 'stale' });
  });
});
