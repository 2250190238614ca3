/**
 * The one store behind both caches of public data (response cache, entity cache): least recently
 * used goes first, bounded by entries and optionally by a size, and every entry carries tags (the
 * entity keys it shows, or a "list" tag) so that a change drops exactly what it touches.
 *
 * Why not `lru-cache`: its eviction is fine, but the tag index would have to be kept beside it
 * through its `dispose` callback anyway, and a `Map` (iteration in insertion order = recency
 * order) already gives the LRU in a few lines with no extra work per hit.
 */
export interface TaggedLru<V> {
  /** the value, now the most recently used; undefined when absent */
  get(key: string): V | undefined;
  /** keeps the value (replacing one under the same key), then evicts down to the bounds; `tags` is kept as given, not copied */
  set(key: string, value: V, tags: readonly string[]): void;
  /** drops every entry carrying one of the tags; returns how many */
  dropTagged(tags: readonly string[]): number;
  /** drops everything; returns how many */
  clear(): number;
  size(): number;
  /** the sum of `sizeOf` over the entries (0 without `sizeOf`) */
  weight(): number;
  /** whether keeping one more entry of this weight would evict another (by entries or by weight) */
  wouldEvict(weight: number): boolean;
}

export interface TaggedLruOptions<V> {
  maxEntries: number;
  /** bound on the sum of `sizeOf` (e.g. bytes of bodies); absent: entries only */
  maxWeight?: number;
  sizeOf?: (value: V) => number;
  /** told of each entry evicted to stay within the bounds (not of those dropped or cleared) */
  onEvict?: (key: string, value: V) => void;
}

interface Slot<V> {
  value: V;
  tags: readonly string[];
  weight: number;
}

export function createTaggedLru<V>(options: TaggedLruOptions<V>): TaggedLru<V> {
  // insertion order is recency order: a hit moves its entry to the end, eviction takes the first
  const entries = new Map<string, Slot<V>>();
  const keysByTag = new Map<string, Set<string>>();
  const maxWeight = options.maxWeight ?? Infinity;
  let weight = 0;
  const overBounds = (count: number, total: number) => count > options.maxEntries || total > maxWeight;

  const remove = (key: string, slot: Slot<V>) => {
    entries.delete(key);
    weight -= slot.weight;
    for (const tag of slot.tags) {
      const keys = keysByTag.get(tag);
      keys?.delete(key);
      if (keys?.size === 0) keysByTag.delete(tag);
    }
  };

  return {
    get(key) {
      const slot = entries.get(key);
      if (!slot) return undefined;
      entries.delete(key);
      entries.set(key, slot);
      return slot.value;
    },
    set(key, value, tags) {
      const old = entries.get(key);
      if (old) remove(key, old);
      const slot: Slot<V> = { value, tags, weight: options.sizeOf?.(value) ?? 0 };
      entries.set(key, slot);
      weight += slot.weight;
      for (const tag of slot.tags) {
        let keys = keysByTag.get(tag);
        if (!keys) keysByTag.set(tag, (keys = new Set()));
        keys.add(key);
      }
      while (overBounds(entries.size, weight)) {
        const [oldestKey, oldest] = entries.entries().next().value!;
        remove(oldestKey, oldest);
        options.onEvict?.(oldestKey, oldest.value);
      }
    },
    dropTagged(tags) {
      let dropped = 0;
      for (const tag of tags) {
        const keys = keysByTag.get(tag);
        if (!keys) continue;
        for (const key of [...keys]) {
          const slot = entries.get(key);
          if (!slot) continue;
          remove(key, slot);
          dropped += 1;
        }
      }
      return dropped;
    },
    clear() {
      const dropped = entries.size;
      entries.clear();
      keysByTag.clear();
      weight = 0;
      return dropped;
    },
    size: () => entries.size,
    weight: () => weight,
    wouldEvict: (more) => overBounds(entries.size + 1, weight + more),
  };
}
