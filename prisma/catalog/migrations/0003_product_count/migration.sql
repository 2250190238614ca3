-- How many products there are, kept by the statements that add or remove them, so that the
-- storefront's unfiltered listing (its first page: every visit of the home page that the response
-- cache does not answer, e.g. a signed-in shopper's) reads one row for its totalCount instead of
-- counting every product: an index-only scan of 10,000 entries was 1.3-1.9 ms a listing, the
-- costliest statement of `npm run bench` browse. Exact, not an estimate: the triggers run in the
-- transaction that adds or removes products, so a reader sees the count of the products it sees.
-- Stock and price changes do not touch it; adding products serialises on its one row (admin
-- creations and the seed's bulk inserts: rare, and one update per statement, not per row).

-- no product may be added or removed between the first count and the triggers taking over
LOCK TABLE products IN SHARE ROW EXCLUSIVE MODE;

CREATE TABLE product_count (
  singleton boolean PRIMARY KEY DEFAULT true CHECK (singleton),
  total bigint NOT NULL
);
INSERT INTO product_count (total) SELECT count(*) FROM products;

CREATE FUNCTION product_count_added() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE product_count SET total = total + (SELECT count(*) FROM added);
  RETURN NULL;
END $$;

CREATE FUNCTION product_count_removed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE product_count SET total = total - (SELECT count(*) FROM removed);
  RETURN NULL;
END $$;

CREATE FUNCTION product_count_emptied() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE product_count SET total = 0;
  RETURN NULL;
END $$;

-- per statement, with the rows it added or removed: one update for a bulk insert of any size
CREATE TRIGGER products_counted_on_insert AFTER INSERT ON products REFERENCING NEW TABLE AS added FOR EACH STATEMENT EXECUTE FUNCTION product_count_added();
CREATE TRIGGER products_counted_on_delete AFTER DELETE ON products REFERENCING OLD TABLE AS removed FOR EACH STATEMENT EXECUTE FUNCTION product_count_removed();
CREATE TRIGGER products_counted_on_truncate AFTER TRUNCATE ON products FOR EACH STATEMENT EXECUTE FUNCTION product_count_emptied();
