-- Foreign keys and CHECK constraints for kubectl pgindex audit and import (ConstraintAuditTest, ConstraintImportTest).
CREATE TABLE customers (id bigint PRIMARY KEY, region text NOT NULL, UNIQUE (id, region));
CREATE TABLE orders (id bigint PRIMARY KEY, customer_id bigint NOT NULL, amount numeric NOT NULL, status text,
  CONSTRAINT orders_amount_check CHECK (amount >= 0));
CREATE TABLE invoices (id bigint PRIMARY KEY, order_id bigint, customer_id bigint, region text, total numeric);
INSERT INTO customers SELECT g, 'r' || g % 3 FROM generate_series(1, 50) g;
INSERT INTO orders SELECT g, g % 50 + 1, g, CASE WHEN g % 4 = 0 THEN 'open' ELSE 'done' END
  FROM generate_series(1, 500) g;
INSERT INTO invoices SELECT g, g, g % 50 + 1, 'r' || (g % 50 + 1) % 3, g FROM generate_series(1, 200) g;

-- a valid foreign key with an index that leads with its column
CREATE INDEX orders_customer_idx ON orders (customer_id, id);
ALTER TABLE orders ADD CONSTRAINT orders_customer_fk FOREIGN KEY (customer_id) REFERENCES customers (id)
  ON DELETE CASCADE;
-- a valid foreign key without an index, deferrable
ALTER TABLE invoices ADD CONSTRAINT invoices_order_fk FOREIGN KEY (order_id) REFERENCES orders (id)
  ON UPDATE RESTRICT DEFERRABLE INITIALLY DEFERRED;
-- a composite foreign key left NOT VALID, without an index
ALTER TABLE invoices ADD CONSTRAINT invoices_customer_region_fk FOREIGN KEY (customer_id, region)
  REFERENCES customers (id, region) MATCH FULL ON DELETE SET NULL NOT VALID;
-- a CHECK left NOT VALID, and a valid one
ALTER TABLE invoices ADD CONSTRAINT invoices_total_check CHECK (total > 0 AND total < 1000000) NOT VALID;
ALTER TABLE orders ADD CONSTRAINT orders_status_check CHECK (status IN ('open', 'done'));

-- the same constraint name on two tables of a schema
CREATE SCHEMA billing;
CREATE TABLE billing.credits (id int PRIMARY KEY, amount int CONSTRAINT positive CHECK (amount > 0));
CREATE TABLE billing.debits (id int PRIMARY KEY, amount int CONSTRAINT positive CHECK (amount > 0));

-- a partitioned table: the partitions' copies are covered by the parent's constraints
CREATE TABLE events (id bigint NOT NULL, customer_id bigint REFERENCES customers (id), at date NOT NULL,
  CONSTRAINT events_id_check CHECK (id > 0)) PARTITION BY RANGE (at);
CREATE TABLE events_2026 PARTITION OF events FOR VALUES FROM ('2026-01-01') TO ('2027-01-01');
CREATE INDEX events_customer_idx ON events (customer_id);

-- not expressible
ALTER TABLE orders ADD CONSTRAINT orders_id_check CHECK (id > 0) NO INHERIT;
ALTER TABLE orders ADD CONSTRAINT orders_dollar_check CHECK (status <> '$') NOT VALID;
CREATE TABLE "Weird-Table" (x int CONSTRAINT weird_x_check CHECK (x > 0));
