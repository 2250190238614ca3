-- The payment subgraph's own tables. Backbone tables (outbox, inbox, consumer_versions) come
-- from packages/events/migrations, applied before this.

CREATE TABLE payments (
  id         uuid PRIMARY KEY,
  name       text NOT NULL CHECK (name <> '' AND length(name) <= 100),
  created_at timestamptz(3) NOT NULL DEFAULT now()
);

CREATE INDEX payments_created_at_idx ON payments (created_at DESC);
