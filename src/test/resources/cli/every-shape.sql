-- Every index shape the PostgresIndex API can express, and a few it cannot (kubectl pgindex import tests).
CREATE TABLE orders (
  id bigint PRIMARY KEY,
  customer_id bigint NOT NULL,
  email text,
  status text,
  created_at timestamptz,
  total numeric,
  code varchar(20),
  payload jsonb,
  tags text[],
  loc point,
  doc tsvector,
  external_ref text UNIQUE
);
INSERT INTO orders SELECT g, g % 100, 'u' || g || '@example.com', CASE WHEN g % 3 = 0 THEN 'open' ELSE 'done' END,
  now() - g * interval '1 minute', g, 'C' || g, jsonb_build_object('g', g), ARRAY['t' || (g % 7)], point(g, g),
  to_tsvector('simple', 'order ' || g), 'ref-' || g FROM generate_series(1, 2000) g;
CREATE INDEX orders_lower_email_idx ON orders (lower(email));
CREATE INDEX orders_open_idx ON orders (created_at) WHERE status = 'open';
CREATE INDEX orders_code_in_idx ON orders (created_at) WHERE code IN ('C1', 'C2');
CREATE INDEX orders_customer_cover_idx ON orders (customer_id) INCLUDE (total, status);
CREATE INDEX orders_code_pattern_idx ON orders (code varchar_pattern_ops);
CREATE INDEX orders_status_c_idx ON orders (status COLLATE "C");
CREATE UNIQUE INDEX orders_email_nnd_idx ON orders (email) NULLS NOT DISTINCT;
CREATE INDEX orders_code_hash_idx ON orders USING hash (code);
CREATE INDEX orders_payload_gin_idx ON orders USING gin (payload jsonb_path_ops);
CREATE INDEX orders_tags_gin_idx ON orders USING gin (tags) WITH (fastupdate = off);
CREATE INDEX orders_loc_gist_idx ON orders USING gist (loc);
CREATE INDEX orders_loc_spgist_idx ON orders USING spgist (loc);
CREATE INDEX orders_created_brin_idx ON orders USING brin (created_at) WITH (pages_per_range = 32);
CREATE INDEX orders_created_desc_idx ON orders (created_at DESC NULLS LAST, id) WITH (fillfactor = 70);
CREATE INDEX "Orders_ByStatus" ON orders (status, created_at);

CREATE TABLE events (id bigint NOT NULL, at timestamptz NOT NULL, kind text) PARTITION BY RANGE (at);
CREATE TABLE events_2025 PARTITION OF events FOR VALUES FROM ('2025-01-01') TO ('2026-01-01');
CREATE TABLE events_2026 PARTITION OF events FOR VALUES FROM ('2026-01-01') TO ('2027-01-01');
INSERT INTO events SELECT g, timestamptz '2025-06-01' + g * interval '1 hour', 'k' || (g % 5) FROM generate_series(1, 2000) g;
CREATE INDEX events_kind_at_idx ON events (kind, at);

CREATE SCHEMA billing;
CREATE TABLE billing.invoices (id int PRIMARY KEY, due date);
CREATE INDEX invoices_due_idx ON billing.invoices (due);

CREATE MATERIALIZED VIEW order_totals AS SELECT customer_id, sum(total) AS total FROM orders GROUP BY customer_id;
CREATE UNIQUE INDEX order_totals_customer_idx ON order_totals (customer_id);

-- not expressible
CREATE TABLE bookings (id int, during tsrange, EXCLUDE USING gist (during WITH &&));
CREATE INDEX orders_doc_siglen_idx ON orders USING gist (doc tsvector_ops (siglen = 32));
CREATE TABLE slots (pos int UNIQUE DEFERRABLE INITIALLY DEFERRED);
CREATE TABLE "Weird-Table" (x int);
CREATE INDEX weird_x_idx ON "Weird-Table" (x);
CREATE TABLE people ("user id" int, name text);
CREATE INDEX people_user_id_idx ON people ("user id");
