/**
 * A table of work in flight by key: the first caller of a key runs it, every caller arriving
 * while it runs gets the same promise, and the key is free again as soon as it settles (nothing
 * is kept afterwards: this shares, it does not cache). `forget()` makes every later caller start
 * afresh while the callers already waiting keep their promise — used when the catalog announces a
 * change, so no request arriving after the announcement joins work begun before it.
 */
export interface InFlight<T> {
  /** the value of `work()`, or of the same key's work already running; `shared` tells which */
  run(key: string, work: () => Promise<T>): { value: Promise<T>; shared: boolean };
  /** later callers no longer join what is running now */
  forget(): void;
  /** keys in flight */
  size(): number;
}

export function createInFlight<T>(): InFlight<T> {
  let running = new Map<string, Promise<T>>();
  return {
    run(key, work) {
      const known = running.get(key);
      if (known) return { value: known, shared: true };
      const table = running;
      const value = work().finally(() => {
        // a forgotten table is no longer consulted; only this key's own promise is removed
        if (table.get(key) === value) table.delete(key);
      });
      table.set(key, value);
      return { value, shared: false };
    },
    forget() {
      running = new Map();
    },
    size: () => running.size,
  };
}
