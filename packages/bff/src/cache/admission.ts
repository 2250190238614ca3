/**
 * Which answers a full cache takes in: only a request seen before since the cache filled, so a
 * stream of one-off requests (`browse`: shoppers' own filters, sorts and pages, nearly never asked
 * twice) neither pushes out what is asked for again nor churns the cache's memory. The "doorkeeper"
 * of TinyLFU (Einziger, Friedman, Manes: "TinyLFU: A Highly Efficient Cache Admission Policy"),
 * kept as a bounded set of key hashes rather than a Bloom filter: exact up to hash collisions, and
 * a collision only lets an answer in one sighting early.
 *
 * Why: storing every miss's answer into a full 64 MB cache cost the gateway ~150 µs of CPU per
 * miss, nearly all of it the garbage collector promoting and freeing old pages, for entries never
 * read (`npm run bench:response-cache`: 268 µs per `browse` miss, against 118 with no cache and 108
 * with this admission).
 */
export interface Admission {
  /**
   * Whether the answer to this key may go in: true on its second sighting (which forgets the
   * first), false on its first (which is remembered, among the last `capacity` first sightings).
   */
  admits(key: string): boolean;
}

export function createAdmission({ capacity }: { capacity: number }): Admission {
  // insertion order is age: the oldest first sighting is forgotten first
  const sightings = new Set<number>();
  return {
    admits(key) {
      const hash = hashOf(key);
      if (sightings.delete(hash)) return true;
      sightings.add(hash);
      if (sightings.size > capacity) sightings.delete(sightings.values().next().value!);
      return false;
    },
  };
}

/**
 * A 53-bit hash of a string (cyrb53, public domain): two 32-bit multiplicative hashes mixed, so
 * the set holds a number per sighting instead of the key (a listing's key holds its variables,
 * ~100-300 characters).
 */
function hashOf(text: string): number {
  let h1 = 0xdeadbeef;
  let h2 = 0x41c6ce57;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    h1 = Math.imul(h1 ^ c, 2654435761);
    h2 = Math.imul(h2 ^ c, 1597334677);
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507) ^ Math.imul(h2 ^ (h2 >>> 13), 3266489909);
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507) ^ Math.imul(h1 ^ (h1 >>> 13), 3266489909);
  return 4294967296 * (2097151 & h2) + (h1 >>> 0);
}
