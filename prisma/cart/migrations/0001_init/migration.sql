-- Cart service: carts, their lines, the price replica and answered checkouts.

CREATE TABLE carts (
  id          text PRIMARY KEY,
  customer_id text NOT NULL UNIQUE,
  version     integer NOT NULL DEFAULT 0 CHECK (version >= 0),
  updated_at  timestamptz(3) NOT NULL DEFAULT now()
);

-- Replica of catalog prices; version = product version of the last applied event.
CREATE TABLE product_prices (
  product_id text PRIMARY KEY,
  name       text NOT NULL,
  price      numeric(12,2) NOT NULL CHECK (price >= 0),
  currency   text NOT NULL CHECK (length(currency) = 3),
  version    integer NOT NULL,
  updated_at timestamptz(3) NOT NULL DEFAULT now()
);

-- A line exists only for a product the replica knows (the cart prices it from there).
CREATE TABLE cart_lines (
  cart_id    text NOT NULL REFERENCES carts(id) ON DELETE CASCADE,
  product_id text NOT NULL REFERENCES product_prices(product_id),
  quantity   integer NOT NULL CHECK (quantity > 0 AND quantity <= 99),
  added_at   timestamptz(3) NOT NULL DEFAULT now(),
  PRIMARY KEY (cart_id, product_id)
);
-- re-pricing finds every cart holding a product
CREATE INDEX cart_lines_product_id_idx ON cart_lines (product_id);

-- The unique key is what makes two racing checkouts with one key produce one order.
CREATE TABLE checkouts (
  customer_id     text NOT NULL,
  idempotency_key text NOT NULL,
  order_id        text NOT NULL UNIQUE,
  cart_id         text NOT NULL,
  created_at      timestamptz(3) NOT NULL DEFAULT now(),
  PRIMARY KEY (customer_id, idempotency_key)
);
