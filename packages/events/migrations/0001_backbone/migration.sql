-- The event backbone's own tables. Every service applies this set before its own migrations.

-- Outbox: events written in the same transaction as the state change that caused them; the relay
-- publishes pending rows (published_at IS NULL) with publisher confirms and then stamps them.
CREATE TABLE outbox (
  id           uuid PRIMARY KEY,                 -- = envelope id, so a row is appended at most once
  seq          bigserial NOT NULL UNIQUE,        -- publishing order within the service
  routing_key  text NOT NULL,
  envelope     jsonb NOT NULL,
  created_at   timestamptz NOT NULL DEFAULT clock_timestamp(),
  published_at timestamptz,
  attempts     integer NOT NULL DEFAULT 0,       -- failed publishing attempts
  last_error   text
);

-- The relay only ever scans pending rows, oldest first; published rows stay out of this index.
CREATE INDEX outbox_pending ON outbox (seq) WHERE published_at IS NULL;
-- Pruning finds published rows past their retention period.
CREATE INDEX outbox_published ON outbox (published_at) WHERE published_at IS NOT NULL;

-- Wakes the relay as soon as the appending transaction commits (NOTIFY is delivered on commit,
-- once per statement); the relay's short poll only covers a lost LISTEN connection.
CREATE FUNCTION outbox_notify() RETURNS trigger AS $$
BEGIN
  PERFORM pg_notify('outbox', '');
  RETURN NULL;
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER outbox_notify AFTER INSERT ON outbox FOR EACH STATEMENT EXECUTE FUNCTION outbox_notify();

-- Inbox: one row per (consumer, event) handled, written in the handler's transaction, so a
-- redelivered or duplicated event finds its row and has no second effect.
CREATE TABLE inbox (
  consumer     text NOT NULL,
  event_id     uuid NOT NULL,
  event_type   text NOT NULL,
  handled_at   timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (consumer, event_id)
);

CREATE INDEX inbox_handled_at ON inbox (handled_at);

-- The newest aggregate version each consumer has applied, so an older fact arriving after a newer
-- one is ignored instead of overwriting it.
CREATE TABLE consumer_versions (
  consumer     text NOT NULL,
  subject      text NOT NULL,
  version      bigint NOT NULL,
  updated_at   timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (consumer, subject)
);
