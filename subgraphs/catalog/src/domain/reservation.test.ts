import { mergeLines, ORDER_ALREADY_CLOSED, releaseStock, reserveStock, type Reservation, type StockLevel } from './reservation';

const MUG = 'a0000000-0000-4000-8000-000000000001';
const TEA = 'a0000000-0000-4000-8000-000000000025';
const GONE = 'a0000000-0000-4000-8000-000000000999';

const stock = (...levels: StockLevel[]) => new Map(levels.map((l) => [l.productId, l]));
const mug = (availableQuantity: number): StockLevel => ({ productId: MUG, name: 'Blue Mug', availableQuantity });
const tea = (availableQuantity: number): StockLevel => ({ productId: TEA, name: 'Sencha Green Tea 100 g', availableQuantity });

describe('reserveStock (OrderPlaced)', () => {
  describe('an order the catalog has not seen', () => {
    it('enough of every product → reserve all lines, stock goes down by each quantity', () => {
      expect(reserveStock(null, [{ productId: MUG, quantity: 2 }, { productId: TEA, quantity: 5 }], stock(mug(3), tea(5)))).toEqual({
        kind: 'reserve',
        lines: [
          { productId: MUG, quantity: 2 },
          { productId: TEA, quantity: 5 },
        ],
        stock: [
          { productId: MUG, availableQuantity: 1 },
          { productId: TEA, availableQuantity: 0 },
        ],
      });
    });

    it('one line short → refuse the whole order (nothing reserved), the reason names what is left', () => {
      const decision = reserveStock(null, [{ productId: MUG, quantity: 2 }, { productId: TEA, quantity: 6 }], stock(mug(3), tea(5)));
      expect(decision).toEqual({
        kind: 'refuse',
        reason: "Only 5 of 'Sencha Green Tea 100 g' left (6 ordered)",
        unavailable: [{ productId: TEA, requested: 6, available: 5 }],
      });
    });

    it('out of stock and unknown products are named too', () => {
      const decision = reserveStock(null, [{ productId: MUG, quantity: 1 }, { productId: GONE, quantity: 1 }], stock(mug(0)));
      expect(decision).toMatchObject({
        kind: 'refuse',
        reason: `'Blue Mug' is out of stock; Product ${GONE} is not in the catalog`,
        unavailable: [
          { productId: MUG, requested: 1, available: 0 },
          { productId: GONE, requested: 1, available: 0 },
        ],
      });
    });

    it('the same product on two lines counts once with the quantities summed', () => {
      expect(reserveStock(null, [{ productId: MUG, quantity: 2 }, { productId: MUG, quantity: 2 }], stock(mug(3)))).toMatchObject({
        kind: 'refuse',
        unavailable: [{ productId: MUG, requested: 4, available: 3 }],
      });
      expect(mergeLines([{ productId: TEA, quantity: 1 }, { productId: MUG, quantity: 1 }, { productId: TEA, quantity: 2 }])).toEqual([
        { productId: MUG, quantity: 1 },
        { productId: TEA, quantity: 3 },
      ]);
    });
  });

  describe('an order already decided or closed → answer again, change nothing', () => {
    it.each<[string, Reservation, unknown]>([
      ['RESERVED', { status: 'RESERVED', lines: [{ productId: MUG, quantity: 1 }] }, { kind: 'reserved', lines: [{ productId: MUG, quantity: 1 }] }],
      ['REFUSED', { status: 'REFUSED', reason: "'Blue Mug' is out of stock" }, { kind: 'failed', reason: "'Blue Mug' is out of stock" }],
      ['RELEASED', { status: 'RELEASED', lines: [{ productId: MUG, quantity: 1 }] }, { kind: 'failed', reason: ORDER_ALREADY_CLOSED }],
      ['CLOSED (tombstone)', { status: 'CLOSED', reason: 'order rejected: coupon expired' }, { kind: 'failed', reason: ORDER_ALREADY_CLOSED }],
    ])('%s', (_label, existing, answer) => {
      expect(reserveStock(existing, [{ productId: MUG, quantity: 1 }], stock(mug(10)))).toEqual({ kind: 'repeat', answer });
    });
  });
});

describe('releaseStock (OrderRejected / OrderCancelled)', () => {
  it('RESERVED → release exactly the reserved lines', () => {
    expect(releaseStock({ status: 'RESERVED', lines: [{ productId: MUG, quantity: 2 }] }, 'order cancelled')).toEqual({
      kind: 'release',
      lines: [{ productId: MUG, quantity: 2 }],
    });
  });

  it('never seen → tombstone with the reason', () => {
    expect(releaseStock(null, 'order rejected: coupon expired')).toEqual({ kind: 'tombstone', reason: 'order rejected: coupon expired' });
  });

  it.each<[string, Reservation]>([
    ['REFUSED', { status: 'REFUSED', reason: 'x' }],
    ['RELEASED (second close)', { status: 'RELEASED', lines: [{ productId: MUG, quantity: 2 }] }],
    ['CLOSED', { status: 'CLOSED', reason: 'x' }],
  ])('%s → nothing held, nothing to release', (_label, existing) => {
    expect(releaseStock(existing, 'order cancelled')).toEqual({ kind: 'nothing' });
  });
});
