import { DomainError } from '@shop/service-kit/domain';
import { decidePriceChange, decideStockAdjustment, MAX_STOCK, normalizeSku, validateNewProduct, validatePrice, type NewProductInput } from './product';

const BRAND = 'b0000000-0000-4000-8000-000000000001';
const CATEGORY = 'c0000000-0000-4000-8000-000000000001';
const input = (over: Partial<NewProductInput> = {}): NewProductInput => ({
  sku: 'mug-1',
  name: '  Blue Mug ',
  brandId: BRAND,
  categoryId: CATEGORY,
  price: '12.50',
  initialStock: 10,
  ...over,
});

const failure = (run: () => unknown): { code: string; field: string | null; message: string } => {
  try {
    run();
  } catch (e) {
    if (e instanceof DomainError) return { code: String(e.code), field: e.field, message: e.message };
    throw e;
  }
  throw new Error('expected a DomainError');
};

describe('validateNewProduct', () => {
  it('a valid product → trimmed name, upper-case SKU, price in cents, description and image null when absent', () => {
    expect(validateNewProduct(input())).toEqual({
      sku: 'MUG-1',
      name: 'Blue Mug',
      description: null,
      brandId: BRAND,
      categoryId: CATEGORY,
      priceCents: 1250,
      availableQuantity: 10,
      imageUrl: null,
    });
  });

  it('zero price and zero stock are allowed (a free sample, sold out at launch)', () => {
    expect(validateNewProduct(input({ price: '0', initialStock: 0 }))).toMatchObject({ priceCents: 0, availableQuantity: 0 });
  });

  it.each([
    ['negative price', { price: '-0.01' }, 'input.price'],
    ['three fraction digits', { price: '1.999' }, 'input.price'],
    ['not a number', { price: 'abc' }, 'input.price'],
    ['price beyond numeric(12,2)', { price: '10000000000.00' }, 'input.price'],
    ['negative stock', { initialStock: -1 }, 'input.initialStock'],
    ['fractional stock', { initialStock: 1.5 }, 'input.initialStock'],
    ['stock beyond int4', { initialStock: MAX_STOCK + 1 }, 'input.initialStock'],
    ['blank name', { name: '   ' }, 'input.name'],
    ['name of 201 characters', { name: 'x'.repeat(201) }, 'input.name'],
    ['SKU with spaces', { sku: 'MUG 1' }, 'input.sku'],
    ['empty SKU', { sku: '' }, 'input.sku'],
    ['brand id not a UUID', { brandId: 'acme' }, 'input.brandId'],
    ['category id not a UUID', { categoryId: '42' }, 'input.categoryId'],
    ['image URL not http(s)', { imageUrl: 'javascript:alert(1)' }, 'input.imageUrl'],
    ['image URL not absolute', { imageUrl: '/img/mug.png' }, 'input.imageUrl'],
  ])('%s → BAD_INPUT on its field', (_label, over, field) => {
    expect(failure(() => validateNewProduct(input(over)))).toMatchObject({ code: 'BAD_INPUT', field });
  });

  it('normalizeSku trims and upper-cases, so SKUs compare case-insensitively', () => {
    expect(normalizeSku('  nv-mug-blue ')).toBe('NV-MUG-BLUE');
  });
});

describe('prices', () => {
  it('validatePrice reads exact cents, never floats', () => {
    expect(validatePrice('0.10', 'price') + validatePrice('0.20', 'price')).toBe(30);
    expect(validatePrice('1299', 'price')).toBe(129_900);
  });

  it('a new price → the change; the same price again → nothing to do', () => {
    expect(decidePriceChange({ priceCents: 1250 }, '9.99')).toEqual({ priceCents: 999 });
    expect(decidePriceChange({ priceCents: 1250 }, '12.50')).toBeNull();
  });

  it('a negative new price → BAD_INPUT on price', () => {
    expect(failure(() => decidePriceChange({ priceCents: 1250 }, '-1.00'))).toMatchObject({ code: 'BAD_INPUT', field: 'price' });
  });
});

describe('decideStockAdjustment', () => {
  const mug = { name: 'Blue Mug', availableQuantity: 3 };

  it('adds and removes stock', () => {
    expect(decideStockAdjustment(mug, 7)).toEqual({ availableQuantity: 10 });
    expect(decideStockAdjustment(mug, -3)).toEqual({ availableQuantity: 0 });
  });

  it('removing more than is available → BAD_INPUT naming what is left, never below zero', () => {
    expect(failure(() => decideStockAdjustment(mug, -4))).toEqual({
      code: 'BAD_INPUT',
      field: 'delta',
      message: "Only 3 of 'Blue Mug' in stock; cannot remove 4",
    });
  });

  it('a zero delta or one that overflows the stock column → BAD_INPUT', () => {
    expect(failure(() => decideStockAdjustment(mug, 0))).toMatchObject({ code: 'BAD_INPUT', field: 'delta' });
    expect(failure(() => decideStockAdjustment(mug, MAX_STOCK))).toMatchObject({ code: 'BAD_INPUT', field: 'delta' });
  });
});
