/**
 * A bounded queue between a producer that must never wait (the event feed) and one consumer that
 * may be slow (a subscriber's socket). Overflow marks the mailbox so its consumer can give up.
 */
export class Mailbox<T> {
  private readonly items: T[] = [];
  private waiting: ((item: T | undefined) => void) | undefined;
  private closed = false;
  overflowed = false;

  constructor(private readonly capacity: number) {}

  /** Never blocks; beyond capacity the item is dropped and the mailbox marked overflowed. */
  push(item: T): void {
    if (this.closed) return;
    if (this.waiting) {
      const resolve = this.waiting;
      this.waiting = undefined;
      resolve(item);
      return;
    }
    if (this.items.length >= this.capacity) {
      this.overflowed = true;
      return;
    }
    this.items.push(item);
  }

  /** The next item; undefined when closed or after `timeoutMs` without one. */
  next(timeoutMs?: number): Promise<T | undefined> {
    if (this.items.length > 0) return Promise.resolve(this.items.shift());
    if (this.closed) return Promise.resolve(undefined);
    return new Promise((resolve) => {
      const timer = timeoutMs === undefined ? undefined : setTimeout(() => {
        if (this.waiting === settle) this.waiting = undefined;
        resolve(undefined);
      }, Math.max(0, timeoutMs));
      const settle = (item: T | undefined) => {
        if (timer) clearTimeout(timer);
        resolve(item);
      };
      this.waiting = settle;
    });
  }

  get isClosed(): boolean {
    return this.closed;
  }

  close(): void {
    this.closed = true;
    const resolve = this.waiting;
    this.waiting = undefined;
    resolve?.(undefined);
  }
}
