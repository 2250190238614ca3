-- The catalog: brands, categories, products (price, stock, version) and stock reservations per order.
-- Mirrors prisma/catalog/schema.prisma; the SQL-only parts are marked "SQL only".

CREATE TABLE brands (
  id         uuid PRIMARY KEY,
  name       text NOT NULL CHECK (btrim(name) <> ''),
  created_at timestamptz(3) NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX brands_name_key ON brands (name);

CREATE TABLE categories (
  id         uuid PRIMARY KEY,
  name       text NOT NULL CHECK (btrim(name) <> ''),
  created_at timestamptz(3) NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX categories_name_key ON categories (name);

CREATE TABLE products (
  id                 uuid PRIMARY KEY,
  sku                text NOT NULL CHECK (btrim(sku) <> ''),
  name               text NOT NULL CHECK (btrim(name) <> ''),
  description        text,
  brand_id           uuid NOT NULL REFERENCES brands (id) ON UPDATE CASCADE ON DELETE RESTRICT,
  category_id        uuid NOT NULL REFERENCES categories (id) ON UPDATE CASCADE ON DELETE RESTRICT,
  price              numeric(12, 2) NOT NULL CHECK (price >= 0),
  currency           char(3) NOT NULL DEFAULT 'EUR',
  image_url          text,
  -- SQL only: the last line of defence behind the domain rule "stock never below zero"
  available_quantity integer NOT NULL CHECK (available_quantity >= 0),
  version            integer NOT NULL DEFAULT 1 CHECK (version >= 1),
  created_at         timestamptz(3) NOT NULL DEFAULT now(),
  updated_at         timestamptz(3) NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX products_sku_key ON products (sku);
-- filters (brandIds, categoryIds, inStockOnly) and the per-brand/category product counts
CREATE INDEX products_brand_id_id_idx ON products (brand_id, id);
CREATE INDEX products_category_id_id_idx ON products (category_id, id);
CREATE INDEX products_available_quantity_idx ON products (available_quantity);
-- sorts, each with the id tie-break the keyset cursors compare on
CREATE INDEX products_price_id_idx ON products (price, id);
CREATE INDEX products_created_at_id_idx ON products (created_at, id);
-- SQL only: NAME_ASC/NAME_DESC sort case-insensitively in byte order, identical on every server
CREATE INDEX products_name_sort_idx ON products ((lower(name) COLLATE "C"), id);
-- SQL only: word-prefix text search over name and sku (pg_trgm is not available in PGlite)
CREATE INDEX products_search_idx ON products USING gin (to_tsvector('simple', name || ' ' || sku));

CREATE TYPE reservation_status AS ENUM ('RESERVED', 'REFUSED', 'RELEASED', 'CLOSED');

CREATE TABLE stock_reservations (
  order_id   text PRIMARY KEY,
  status     reservation_status NOT NULL,
  reason     text,
  created_at timestamptz(3) NOT NULL DEFAULT now(),
  updated_at timestamptz(3) NOT NULL DEFAULT now()
);
CREATE INDEX stock_reservations_status_idx ON stock_reservations (status);

CREATE TABLE stock_reservation_lines (
  order_id   text NOT NULL REFERENCES stock_reservations (order_id) ON UPDATE CASCADE ON DELETE CASCADE,
  product_id uuid NOT NULL REFERENCES products (id) ON UPDATE CASCADE ON DELETE RESTRICT,
  quantity   integer NOT NULL CHECK (quantity > 0),
  PRIMARY KEY (order_id, product_id)
);
CREATE INDEX stock_reservation_lines_product_id_idx ON stock_reservation_lines (product_id);
