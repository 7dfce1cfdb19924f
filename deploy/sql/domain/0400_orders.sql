-- Stores, orders and payments (docs/orders.md): list rows the store and order grains write in the same
-- transaction as their state, the per-store-per-day order number counter, and idempotency rows. Grain
-- state (menus, order lines, payments) lives in grain_state.

-- One row per store; the owner's list reads stores_by_owner.
CREATE TABLE IF NOT EXISTS stores (
    id          text        PRIMARY KEY,
    name        text        NOT NULL,
    owner_id    text        NOT NULL,
    created_at  timestamptz NOT NULL
);
CREATE INDEX IF NOT EXISTS stores_by_owner ON stores (owner_id, created_at DESC, id);

-- One row per order. The owner's board reads orders_by_store (by status, newest first), the customer's
-- list orders_by_customer. The unique (store, day, number) constraint is checked in the order's own
-- transaction: no two committed orders of a store share a number on a day.
CREATE TABLE IF NOT EXISTS orders (
    id              text        PRIMARY KEY,
    store_id        text        NOT NULL,
    customer_id     text        NOT NULL,
    business_day    date        NOT NULL,
    order_number    text        NOT NULL,
    status          text        NOT NULL,
    payment_status  text        NOT NULL,
    total_amount    bigint      NOT NULL,
    created_at      timestamptz NOT NULL,
    updated_at      timestamptz NOT NULL,
    CONSTRAINT orders_store_day_number_key UNIQUE (store_id, business_day, order_number)
);
CREATE INDEX IF NOT EXISTS orders_by_store ON orders (store_id, status, created_at DESC, id);
CREATE INDEX IF NOT EXISTS orders_by_store_created ON orders (store_id, created_at DESC, id);
CREATE INDEX IF NOT EXISTS orders_by_customer ON orders (customer_id, status, created_at DESC, id);
CREATE INDEX IF NOT EXISTS orders_by_customer_created ON orders (customer_id, created_at DESC, id);

-- The last order number handed out per store and UTC day. Taken with an upsert whose row lock orders
-- concurrent creates from any silo; it survives restarts because it is a row.
CREATE TABLE IF NOT EXISTS order_number_counters (
    store_id      text    NOT NULL,
    business_day  date    NOT NULL,
    last_number   integer NOT NULL,
    PRIMARY KEY (store_id, business_day)
);

-- Idempotency-Key of each order created with one, per customer. The order id is derived from
-- (customer, key), so duplicates meet in one grain; this row is the database's record and backstop.
CREATE TABLE IF NOT EXISTS order_idempotency_keys (
    customer_id      text        NOT NULL,
    idempotency_key  text        NOT NULL,
    order_id         text        NOT NULL,
    request_hash     text        NOT NULL,
    created_at       timestamptz NOT NULL,
    PRIMARY KEY (customer_id, idempotency_key)
);
