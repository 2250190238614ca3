/**
 * How an append reaches the relays of its own process without NOTIFY (see migration
 * 0002_outbox_without_notify for why the trigger went). `appendToOutbox` runs inside the caller's
 * transaction, before its commit, so a relay woken at once may not see the rows yet: a signal puts
 * every relay of the process into a short eager phase of quick polls that covers the commit.
 */
type Listener = () => void;

const listeners = new Set<Listener>();

/** Registers a relay; returns the function that unregisters it. */
export function onOutboxAppended(listener: Listener): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

/** Called by `appendToOutbox`: rows are about to be committed in this process. */
export function signalOutboxAppended(): void {
  for (const listener of listeners) listener();
}
