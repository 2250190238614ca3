-- Search matches a stored word vector instead of computing to_tsvector(name || ' ' || sku) on
-- every row it looks at. When the planner walks a sort index and filters (a generic plan of a
-- prepared page statement, or a common word), the per-row to_tsvector was most of the cost: a
-- search page cost 4-10 ms on 10,000 products (pg_stat_statements under `npm run bench` browse);
-- with the stored vector the same plans cost 0.3-0.8 ms.
--
-- ADD COLUMN … STORED fills the column for every product in this migration's transaction and
-- holds the table's lock meanwhile (well under a second at 10,000 products; plan a window for
-- millions).
ALTER TABLE products ADD COLUMN search_vector tsvector GENERATED ALWAYS AS (to_tsvector('simple', name || ' ' || sku)) STORED;

-- Expand, then contract: during a rolling upgrade the replicas of the previous release still
-- search with the expression, so its index stays, renamed, until a later migration drops it
-- (docs/operations.md, "Migrations during a rolling upgrade").
ALTER INDEX products_search_idx RENAME TO products_search_expression_idx;
CREATE INDEX products_search_idx ON products USING gin (search_vector);
