import { describeChanges, diffSnapshots } from './schema-snapshot';

const before = 'type Query { product(id: ID!): Product }\ntype Product { id: ID! name: String! price: Int }';

describe('schema snapshot diff', () => {
  it('a removed field → BREAKING; an added field → SAFE', async () => {
    const after = 'type Query { product(id: ID!): Product }\ntype Product { id: ID! price: Int sku: String }';
    const changes = await diffSnapshots(before, after);
    expect(changes).toEqual([
      expect.objectContaining({ level: 'BREAKING', message: expect.stringContaining("'name' was removed") }),
      expect.objectContaining({ level: 'SAFE', message: expect.stringContaining("'sku' was added") }),
    ]);
    expect(describeChanges('mobile', changes)).toMatch(/1 breaking, 0 dangerous, 1 safe/);
  });

  it('identical schemas → no change', async () => {
    expect(await diffSnapshots(before, before)).toEqual([]);
  });
});
