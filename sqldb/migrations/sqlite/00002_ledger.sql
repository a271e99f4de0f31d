-- +goose Up
-- The money side of the customer file (SPEC §C2). Amounts are integers in ten-thousandths of the
-- currency unit, quantities in thousandths, rates in millionths; business dates are YYYY-MM-DD.
CREATE TABLE product_categories (
    id         INTEGER PRIMARY KEY,
    code       TEXT    NOT NULL UNIQUE,
    name       TEXT    NOT NULL,
    created_at TEXT    NOT NULL
);

CREATE TABLE products (
    id          INTEGER PRIMARY KEY,
    code        TEXT    NOT NULL UNIQUE,
    name        TEXT    NOT NULL,
    category_id INTEGER REFERENCES product_categories (id),
    uom         TEXT    NOT NULL DEFAULT '',
    list_price  INTEGER NOT NULL DEFAULT 0,
    active      INTEGER NOT NULL DEFAULT 1,
    version     INTEGER NOT NULL DEFAULT 1,
    created_at  TEXT    NOT NULL,
    updated_at  TEXT    NOT NULL
);
CREATE INDEX products_category ON products (category_id);

-- An import: who ran which file when, and what it did. Records created by an import point to it,
-- which is their creation entry in history (a million created lines need no million change rows).
CREATE TABLE imports (
    id          INTEGER PRIMARY KEY,
    kind        TEXT    NOT NULL,
    file_name   TEXT    NOT NULL,
    file_sha256 TEXT    NOT NULL,
    user_id     INTEGER NOT NULL,
    at          TEXT    NOT NULL,
    summary     TEXT    NOT NULL DEFAULT '{}'
);

CREATE TABLE import_mappings (
    name       TEXT    PRIMARY KEY,
    kind       TEXT    NOT NULL,
    mapping    TEXT    NOT NULL,
    user_id    INTEGER NOT NULL,
    updated_at TEXT    NOT NULL
);

-- Orders name their customer and rep without foreign keys, for the speed of large imports as
-- order lines do: customers with booked documents are not deleted (the store refuses), users are
-- deactivated, never deleted, and `kam check` reports orders whose customer is missing.
CREATE TABLE orders (
    id          INTEGER PRIMARY KEY,
    order_no    TEXT    NOT NULL UNIQUE,
    kind        TEXT    NOT NULL DEFAULT 'order',
    return_of   INTEGER REFERENCES orders (id),
    order_date  TEXT    NOT NULL,
    customer_id INTEGER NOT NULL,
    unit_id     INTEGER REFERENCES units (id) ON DELETE SET NULL,
    rep_id      INTEGER,
    currency    TEXT    NOT NULL DEFAULT 'CNY',
    fx_rate     INTEGER NOT NULL DEFAULT 1000000,
    note        TEXT    NOT NULL DEFAULT '',
    import_id   INTEGER,
    version     INTEGER NOT NULL DEFAULT 1,
    created_at  TEXT    NOT NULL,
    updated_at  TEXT    NOT NULL
);
CREATE INDEX orders_customer ON orders (customer_id, order_date);
CREATE INDEX orders_date ON orders (order_date, id);

-- Lines are keyed by their order and number: one b-tree, and the natural key of an import row.
-- They carry no foreign keys: a million-line import would spend most of its time in per-row
-- reference checks. Only the import and the order delete write lines, both keep the references,
-- and `kam check` reports any line without its order or product.
CREATE TABLE order_lines (
    order_id   INTEGER NOT NULL,
    line_no    INTEGER NOT NULL,
    product_id INTEGER NOT NULL,
    quantity   INTEGER NOT NULL,
    unit_price INTEGER NOT NULL,
    discount   INTEGER NOT NULL DEFAULT 0,
    amount     INTEGER NOT NULL,
    cost       INTEGER NOT NULL,
    PRIMARY KEY (order_id, line_no)
) WITHOUT ROWID;

CREATE TABLE invoices (
    id           INTEGER PRIMARY KEY,
    invoice_no   TEXT    NOT NULL UNIQUE,
    customer_id  INTEGER NOT NULL REFERENCES customers (id),
    order_id     INTEGER REFERENCES orders (id) ON DELETE SET NULL,
    invoice_date TEXT    NOT NULL,
    due_date     TEXT    NOT NULL,
    amount       INTEGER NOT NULL,
    currency     TEXT    NOT NULL DEFAULT 'CNY',
    paid         INTEGER NOT NULL DEFAULT 0,
    note         TEXT    NOT NULL DEFAULT '',
    import_id    INTEGER,
    version      INTEGER NOT NULL DEFAULT 1,
    created_at   TEXT    NOT NULL,
    updated_at   TEXT    NOT NULL
);
CREATE INDEX invoices_customer ON invoices (customer_id, due_date);
CREATE INDEX invoices_due ON invoices (due_date, id);

CREATE TABLE payments (
    id           INTEGER PRIMARY KEY,
    reference    TEXT    NOT NULL UNIQUE,
    customer_id  INTEGER NOT NULL REFERENCES customers (id),
    payment_date TEXT    NOT NULL,
    amount       INTEGER NOT NULL,
    currency     TEXT    NOT NULL DEFAULT 'CNY',
    method       TEXT    NOT NULL DEFAULT '',
    invoice_no   TEXT    NOT NULL DEFAULT '',
    note         TEXT    NOT NULL DEFAULT '',
    import_id    INTEGER,
    version      INTEGER NOT NULL DEFAULT 1,
    created_at   TEXT    NOT NULL,
    updated_at   TEXT    NOT NULL
);
CREATE INDEX payments_customer ON payments (customer_id, payment_date);
CREATE INDEX payments_date ON payments (payment_date, id);

CREATE TABLE payment_allocations (
    payment_id INTEGER NOT NULL REFERENCES payments (id) ON DELETE CASCADE,
    invoice_id INTEGER NOT NULL REFERENCES invoices (id) ON DELETE CASCADE,
    amount     INTEGER NOT NULL,
    PRIMARY KEY (payment_id, invoice_id)
) WITHOUT ROWID;
CREATE INDEX payment_allocations_invoice ON payment_allocations (invoice_id);

CREATE TABLE expense_codes (
    code    TEXT PRIMARY KEY,
    name_zh TEXT NOT NULL,
    name_en TEXT NOT NULL
);
INSERT INTO expense_codes (code, name_zh, name_en) VALUES
    ('ap', '广告与促销 (A&P)', 'Advertising & promotion (A&P)'),
    ('rebate', '返利', 'Rebates'),
    ('logistics', '物流费用', 'Logistics'),
    ('service', '服务费用', 'Service'),
    ('visits', '销售拜访', 'Sales visits'),
    ('financing', '财务费用', 'Financing cost');

CREATE TABLE costs (
    id           INTEGER PRIMARY KEY,
    reference    TEXT    NOT NULL UNIQUE,
    customer_id  INTEGER NOT NULL REFERENCES customers (id),
    entry_date   TEXT    NOT NULL,
    expense_code TEXT    NOT NULL REFERENCES expense_codes (code),
    amount       INTEGER NOT NULL,
    note         TEXT    NOT NULL DEFAULT '',
    import_id    INTEGER,
    version      INTEGER NOT NULL DEFAULT 1,
    created_at   TEXT    NOT NULL,
    updated_at   TEXT    NOT NULL
);
CREATE INDEX costs_customer ON costs (customer_id, entry_date);
CREATE INDEX costs_date ON costs (entry_date, id);

CREATE TABLE financials (
    id                  INTEGER PRIMARY KEY,
    customer_id         INTEGER NOT NULL REFERENCES customers (id) ON DELETE CASCADE,
    period              TEXT    NOT NULL,
    current_assets      INTEGER NOT NULL DEFAULT 0,
    current_liabilities INTEGER NOT NULL DEFAULT 0,
    revenue             INTEGER NOT NULL DEFAULT 0,
    net_profit          INTEGER NOT NULL DEFAULT 0,
    total_assets        INTEGER NOT NULL DEFAULT 0,
    inventory           INTEGER NOT NULL DEFAULT 0,
    receivables         INTEGER NOT NULL DEFAULT 0,
    cost_of_sales       INTEGER NOT NULL DEFAULT 0,
    import_id           INTEGER,
    version             INTEGER NOT NULL DEFAULT 1,
    created_at          TEXT    NOT NULL,
    updated_at          TEXT    NOT NULL,
    UNIQUE (customer_id, period)
);

CREATE TABLE wallet_estimates (
    customer_id INTEGER NOT NULL REFERENCES customers (id) ON DELETE CASCADE,
    category_id INTEGER NOT NULL REFERENCES product_categories (id),
    year        INTEGER NOT NULL,
    amount      INTEGER NOT NULL,
    updated_at  TEXT    NOT NULL,
    PRIMARY KEY (customer_id, category_id, year)
) WITHOUT ROWID;

-- Rollups, kept current by every write of lines and costs in the same transaction, in the ledger
-- currency. category_id 0 holds products without a category. `kam check` recomputes them.
CREATE TABLE sales_monthly (
    customer_id  INTEGER NOT NULL,
    month        TEXT    NOT NULL,
    net_revenue  INTEGER NOT NULL DEFAULT 0,
    returns      INTEGER NOT NULL DEFAULT 0,
    cost         INTEGER NOT NULL DEFAULT 0,
    gross_profit INTEGER NOT NULL DEFAULT 0,
    orders       INTEGER NOT NULL DEFAULT 0,
    lines        INTEGER NOT NULL DEFAULT 0,
    quantity     INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (customer_id, month)
) WITHOUT ROWID;
CREATE INDEX sales_monthly_month ON sales_monthly (month, customer_id);

CREATE TABLE sales_category_monthly (
    customer_id  INTEGER NOT NULL,
    category_id  INTEGER NOT NULL,
    month        TEXT    NOT NULL,
    net_revenue  INTEGER NOT NULL DEFAULT 0,
    returns      INTEGER NOT NULL DEFAULT 0,
    cost         INTEGER NOT NULL DEFAULT 0,
    gross_profit INTEGER NOT NULL DEFAULT 0,
    orders       INTEGER NOT NULL DEFAULT 0,
    lines        INTEGER NOT NULL DEFAULT 0,
    quantity     INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (customer_id, category_id, month)
) WITHOUT ROWID;
CREATE INDEX sales_category_monthly_month ON sales_category_monthly (month, category_id);

CREATE TABLE cost_monthly (
    customer_id  INTEGER NOT NULL,
    month        TEXT    NOT NULL,
    expense_code TEXT    NOT NULL,
    amount       INTEGER NOT NULL DEFAULT 0,
    entries      INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (customer_id, month, expense_code)
) WITHOUT ROWID;
CREATE INDEX cost_monthly_month ON cost_monthly (month, customer_id);

-- +goose Down
DROP TABLE cost_monthly;
DROP TABLE sales_category_monthly;
DROP TABLE sales_monthly;
DROP TABLE wallet_estimates;
DROP TABLE financials;
DROP TABLE costs;
DROP TABLE expense_codes;
DROP TABLE payment_allocations;
DROP TABLE payments;
DROP TABLE invoices;
DROP TABLE order_lines;
DROP TABLE orders;
DROP TABLE import_mappings;
DROP TABLE imports;
DROP TABLE products;
DROP TABLE product_categories;
