import { DEMO_BRANDS, DEMO_CATEGORIES, DEMO_PRODUCTS, demoCatalogOf, demoProductId } from './demo-catalog';

describe('demoCatalogOf: the demo catalog grown to N products', () => {
  const catalog = demoCatalogOf(10_000);

  it('starts with the 64 demo products unchanged, then editions of them, N in all', () => {
    expect(catalog).toHaveLength(10_000);
    expect(catalog.slice(0, DEMO_PRODUCTS.length)).toEqual(DEMO_PRODUCTS);
    expect(catalog[64]).toMatchObject({ id: demoProductId(65), sku: 'NV-MUG-BLUE-0001', name: 'Compact Blue Mug No. 1', brandId: DEMO_PRODUCTS[0].brandId });
    expect(demoCatalogOf(10)).toEqual(DEMO_PRODUCTS.slice(0, 10));
  });

  it('ids and SKUs are unique; every product has a known brand and category, a price and a stock level', () => {
    expect(new Set(catalog.map((p) => p.id)).size).toBe(10_000);
    expect(new Set(catalog.map((p) => p.sku)).size).toBe(10_000);
    const brands = new Set<string>(DEMO_BRANDS.map((b) => b.id));
    const categories = new Set<string>(DEMO_CATEGORIES.map((c) => c.id));
    const wrong = catalog.filter(
      (p) => !brands.has(p.brandId) || !categories.has(p.categoryId) || !/^\d+\.\d{2}$/.test(p.price) || Number(p.price) <= 0 || p.availableQuantity < 0,
    );
    expect(wrong).toEqual([]);
    expect(catalog.some((p) => p.availableQuantity === 0)).toBe(true);
  });

  it('is deterministic: the same N gives the same catalog', () => {
    expect(demoCatalogOf(500)).toEqual(catalog.slice(0, 500));
  });
});
