-- The order subgraph: an append-only event store, the order-number sequence and the
-- order_history read model. Mirrors prisma/order/schema.prisma; SQL-only parts are marked.

CREATE TABLE order_events (
  stream_id   text NOT NULL CHECK (btrim(stream_id) <> ''),
  version     integer NOT NULL CHECK (version >= 1),
  type        text NOT NULL,
  data        jsonb NOT NULL,
  metadata    jsonb NOT NULL DEFAULT '{}',
  recorded_at timestamptz(3) NOT NULL DEFAULT now(),
  position    bigserial NOT NULL,
  -- optimistic concurrency: a second append at the same version violates the key
  PRIMARY KEY (stream_id, version)
);
CREATE UNIQUE INDEX order_events_position_key ON order_events (position);
CREATE INDEX order_events_type_idx ON order_events (type);

-- SQL only: the event store is append-only; history is never rewritten
CREATE FUNCTION order_events_refuse_change() RETURNS trigger AS $$
BEGIN
  RAISE EXCEPTION 'order_events is append-only (% refused)', TG_OP;
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER order_events_append_only BEFORE UPDATE OR DELETE ON order_events
  FOR EACH ROW EXECUTE FUNCTION order_events_refuse_change();

-- SQL only: order numbers SO-10001, SO-10002, … (gaps possible: a number taken by a
-- transaction that rolled back is not reused)
CREATE SEQUENCE order_number_seq START WITH 10001;

CREATE TABLE order_history (
  order_id      text PRIMARY KEY,
  customer_id   text NOT NULL,
  number        text NOT NULL,
  status        text NOT NULL CHECK (status IN ('PENDING', 'CONFIRMED', 'REJECTED', 'CANCELLED', 'SHIPPED')),
  status_reason text,
  placed_at     timestamptz(3) NOT NULL,
  subtotal      numeric(12, 2) NOT NULL CHECK (subtotal >= 0),
  discount      numeric(12, 2) NOT NULL CHECK (discount >= 0),
  total         numeric(12, 2) NOT NULL CHECK (total >= 0),
  currency_code char(3) NOT NULL,
  coupon_code   text,
  lines         jsonb NOT NULL,
  version       integer NOT NULL CHECK (version >= 1),
  updated_at    timestamptz(3) NOT NULL
);
CREATE UNIQUE INDEX order_history_number_key ON order_history (number);
-- myOrders: newest first, keyset on (placed_at, order_id)
CREATE INDEX order_history_customer_id_placed_at_order_id_idx ON order_history (customer_id, placed_at DESC, order_id DESC);
-- the admin's list, optionally by status
CREATE INDEX order_history_status_placed_at_order_id_idx ON order_history (status, placed_at DESC, order_id DESC);
CREATE INDEX order_history_placed_at_order_id_idx ON order_history (placed_at DESC, order_id DESC);
