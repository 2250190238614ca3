-- NOTIFY in the appending transaction serializes the commits of every transaction that sends one
-- (PostgreSQL holds a global lock on the notification queue through the commit, fsync included):
-- measured with pgbench at 20 clients, inserts fell from ~2,100 to ~340 per second, and 100
-- concurrent checkouts timed out behind it. Appends now wake the relays of their own process
-- directly (src/outbox-signal.ts); relays of other processes find the rows by their short poll.
DROP TRIGGER IF EXISTS outbox_notify ON outbox;
DROP FUNCTION IF EXISTS outbox_notify();
