-- Status changes are the hot write of an order (docs/performance.md, "REST ceiling"). An index on status
-- turns each change into a new entry in every index of the table; without one, and with room left on each
-- page, the change is a HOT update that touches no index. The status filter of the order lists now reads
-- the (store|customer, created_at) indexes and checks status per row.
DROP INDEX IF EXISTS orders_by_store;
DROP INDEX IF EXISTS orders_by_customer;
ALTER TABLE orders SET (fillfactor = 80);
