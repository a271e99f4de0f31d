-- +goose Up
-- Every read of the category rollup is by customer (its key: customer, category, month), or a
-- pass over the whole table in the key's order (categories bought in a period); no query reads it
-- by month. The month index only cost every write of the rollup (an import of a million lines
-- writes hundreds of thousands of its rows).
DROP INDEX sales_category_monthly_month;

-- +goose Down
CREATE INDEX sales_category_monthly_month ON sales_category_monthly (month, category_id);
