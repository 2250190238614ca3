import { createTaggedLru } from './tagged-lru';

describe('tagged LRU', () => {
  it('over the entry bound, the least recently used goes first (a read makes an entry recent)', () => {
    const evicted: string[] = [];
    const lru = createTaggedLru<number>({ maxEntries: 2, onEvict: (key) => evicted.push(key) });
    lru.set('a', 1, []);
    lru.set('b', 2, []);
    expect(lru.get('a')).toBe(1);
    lru.set('c', 3, []);
    expect(evicted).toEqual(['b']);
    expect([lru.get('a'), lru.get('b'), lru.get('c')]).toEqual([1, undefined, 3]);
  });

  it('over the weight bound, old entries go until the rest fit; the weight follows replacements', () => {
    const lru = createTaggedLru<string>({ maxEntries: 100, maxWeight: 10, sizeOf: (s) => s.length });
    lru.set('a', 'xxxx', []);
    lru.set('b', 'yyyy', []);
    lru.set('a', 'zz', []);
    expect(lru.weight()).toBe(6);
    lru.set('c', 'wwwww', []);
    expect(lru.get('b')).toBeUndefined();
    expect(lru.weight()).toBe(7);
  });

  it('wouldEvict tells, before a set, whether that set would evict (by entries or by weight)', () => {
    const lru = createTaggedLru<string>({ maxEntries: 2, maxWeight: 10, sizeOf: (s) => s.length });
    lru.set('a', 'xxxx', []);
    expect([lru.wouldEvict(6), lru.wouldEvict(7)]).toEqual([false, true]);
    lru.set('b', 'yy', []);
    expect(lru.wouldEvict(0)).toBe(true);
    const unweighed = createTaggedLru<string>({ maxEntries: 1 });
    expect(unweighed.wouldEvict(1_000_000)).toBe(false);
  });

  it('dropping a tag drops every entry carrying it and nothing else; a replaced entry loses its old tags', () => {
    const lru = createTaggedLru<number>({ maxEntries: 100 });
    lru.set('list', 1, ['*list']);
    lru.set('p1', 2, ['p1']);
    lru.set('p1+p2', 3, ['p1', 'p2']);
    lru.set('p2', 4, ['p2']);
    expect(lru.dropTagged(['*list', 'p1'])).toBe(3);
    expect(lru.size()).toBe(1);
    lru.set('p2', 5, ['p3']);
    expect(lru.dropTagged(['p2'])).toBe(0);
    expect(lru.dropTagged(['p3'])).toBe(1);
  });

  it('clear empties entries, tags and weight', () => {
    const lru = createTaggedLru<string>({ maxEntries: 10, sizeOf: (s) => s.length });
    lru.set('a', 'abc', ['t']);
    expect(lru.clear()).toBe(1);
    expect([lru.size(), lru.weight(), lru.dropTagged(['t'])]).toEqual([0, 0, 0]);
  });
});
