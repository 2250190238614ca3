-- The payment subgraph's own tables. Backbone tables (outbox, inbox, consumer_versions) come
-- from packages/events/migrations, applied before this. Money is kept in whole cents (bigint):
-- the provider is called in cents and every sum is exact.

CREATE TYPE "PaymentStatus" AS ENUM ('PENDING', 'AUTHORIZED', 'DECLINED', 'VOIDED', 'CAPTURED', 'PARTIALLY_REFUNDED', 'REFUNDED');
CREATE TYPE "PaymentOperationKind" AS ENUM ('AUTHORIZE', 'CAPTURE', 'VOID', 'REFUND');
CREATE TYPE "PaymentOperationState" AS ENUM ('PENDING', 'UNKNOWN', 'SUCCEEDED', 'FAILED');
CREATE TYPE "PaymentEventKind" AS ENUM ('AUTHORIZED', 'DECLINED', 'VOIDED', 'CAPTURED', 'CAPTURE_FAILED', 'REFUNDED');

-- One row per order that asked for a payment (OrderPaymentRequested), or that closed before it
-- did: such a row is a tombstone (requested_at NULL, closed_at set) so that a late request is
-- never sent to the provider. GraphQL shows only requested rows.
CREATE TABLE payments (
  order_id         text PRIMARY KEY,
  customer_id      text NOT NULL,
  currency         text NOT NULL CHECK (length(currency) = 3),
  -- the order's total after discount, as requested
  amount           bigint NOT NULL DEFAULT 0 CHECK (amount >= 0),
  status           "PaymentStatus" NOT NULL DEFAULT 'PENDING',
  -- the provider's token for the card until the authorization settles (then cleared); never logged
  token            text,
  brand            text,
  last4            text CHECK (last4 IS NULL OR last4 ~ '^[0-9]{4}$'),
  authorization_id text,
  -- the live authorization (0 after a void), cumulative captures and refunds
  authorized       bigint NOT NULL DEFAULT 0 CHECK (authorized >= 0),
  captured         bigint NOT NULL DEFAULT 0 CHECK (captured >= 0),
  refunded         bigint NOT NULL DEFAULT 0 CHECK (refunded >= 0 AND refunded <= captured),
  requested_at     timestamptz(3),
  -- the order was rejected or cancelled: authorizations are voided, requests never sent
  closed_at        timestamptz(3),
  close_reason     text,
  created_at       timestamptz(3) NOT NULL,
  updated_at       timestamptz(3) NOT NULL,
  CHECK (requested_at IS NOT NULL OR closed_at IS NOT NULL)
);

-- Every call the subgraph makes (or will make) to the provider, under its idempotency key:
-- the handlers record the intent (PENDING), the worker claims due rows and records the outcome.
CREATE TABLE payment_operations (
  idempotency_key  text PRIMARY KEY,
  order_id         text NOT NULL REFERENCES payments (order_id),
  kind             "PaymentOperationKind" NOT NULL,
  amount           bigint NOT NULL CHECK (amount >= 0),
  -- the order's capture attempt (CAPTURE only)
  attempt          integer,
  -- the admin's note and who asked (REFUND only)
  reason           text,
  requested_by     text,
  -- the flow that asked for it (correlation, causation, trace): the outcome's events continue it
  cause            jsonb NOT NULL,
  state            "PaymentOperationState" NOT NULL DEFAULT 'PENDING',
  -- provider calls made so far (unavailable answers included)
  attempts         integer NOT NULL DEFAULT 0,
  -- due for its next call (or status query) at; a claim moves it past its lease
  next_attempt_at  timestamptz(3) NOT NULL,
  -- what the provider answered last, for operators (message only: never a token)
  last_error       text,
  -- the settled outcome: the provider's ids, amounts and refusal code
  result           jsonb,
  created_at       timestamptz(3) NOT NULL,
  settled_at       timestamptz(3)
);

CREATE INDEX payment_operations_due_idx ON payment_operations (next_attempt_at) WHERE state IN ('PENDING', 'UNKNOWN');
CREATE INDEX payment_operations_order_idx ON payment_operations (order_id);

-- The payment's timeline, oldest first (Payment.events).
CREATE TABLE payment_events (
  id         bigserial PRIMARY KEY,
  order_id   text NOT NULL REFERENCES payments (order_id),
  kind       "PaymentEventKind" NOT NULL,
  amount     bigint,
  reason     text,
  at         timestamptz(3) NOT NULL
);

CREATE INDEX payment_events_order_idx ON payment_events (order_id, id);

-- The provider's webhooks already applied, by the provider's event id (evt_…, not a uuid, so not
-- the backbone's inbox): a duplicate delivery finds its row and changes nothing.
CREATE TABLE provider_webhooks (
  webhook_id      text PRIMARY KEY,
  type            text NOT NULL,
  idempotency_key text NOT NULL,
  received_at     timestamptz(3) NOT NULL
);
