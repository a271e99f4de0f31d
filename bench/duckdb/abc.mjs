// ABC by net revenue in DuckDB, the comparison of bench/analytics.sh: the raw order lines are
// loaded into an in-memory table (not timed), then the classification is timed: net revenue per
// customer over the period (amount = quantity × unit price rounded half away from zero to 4
// decimals, minus the discount: KAM's one rounding of a line, kam.Money.Times; rounding after the
// discount differs by 0.0001 on a line whose discount exceeds its unrounded gross), ranked by revenue descending and code ascending, A while the running total of
// the positive revenues before the customer is below 80% of their total, B below 95%, C the rest
// and every customer whose revenue is zero or negative.
//
// Usage: node abc.mjs FILE FROM_DATE TO_DATE_EXCLUSIVE [repeats]
// Prints one JSON object: load seconds, each run's seconds, and the class counts and revenues.
import { DuckDBInstance } from '@duckdb/node-api';

const [file, from, to, repeatsArg] = process.argv.slice(2);
const repeats = Number(repeatsArg || 3);
const instance = await DuckDBInstance.create(':memory:');
const db = await instance.connect();

let t0 = performance.now();
await db.run(`CREATE TABLE lines AS SELECT * FROM read_csv('${file.replaceAll("'", "''")}', header = true,
  columns = {'order_no': 'VARCHAR', 'line_no': 'INTEGER', 'order_date': 'DATE', 'customer_code': 'VARCHAR',
    'customer_name': 'VARCHAR', 'product_code': 'VARCHAR', 'product_name': 'VARCHAR', 'category': 'VARCHAR',
    'quantity': 'DECIMAL(18,3)', 'unit_price': 'DECIMAL(18,4)', 'discount': 'DECIMAL(18,4)', 'cost': 'DECIMAL(18,4)',
    'currency': 'VARCHAR', 'rep': 'VARCHAR'})`);
const load = (performance.now() - t0) / 1000;

const abc = `
WITH revenue AS (
  SELECT customer_code, SUM(ROUND(quantity * unit_price, 4) - discount) AS net
  FROM lines WHERE order_date >= DATE '${from}' AND order_date < DATE '${to}'
  GROUP BY customer_code
), ranked AS (
  SELECT customer_code, net,
    COALESCE(SUM(CASE WHEN net > 0 THEN net ELSE 0 END) OVER (ORDER BY net DESC, customer_code
      ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING), 0) AS before,
    SUM(CASE WHEN net > 0 THEN net ELSE 0 END) OVER () AS total
  FROM revenue
), classed AS (
  SELECT CASE WHEN net <= 0 THEN 'C' WHEN before < 0.80 * total THEN 'A'
              WHEN before < 0.95 * total THEN 'B' ELSE 'C' END AS class, net
  FROM ranked
)
SELECT class, COUNT(*)::BIGINT AS customers, SUM(net)::VARCHAR AS revenue FROM classed GROUP BY class ORDER BY class`;

const runs = [];
let classes;
for (let i = 0; i < repeats; i++) {
  t0 = performance.now();
  const reader = await db.runAndReadAll(abc);
  const rows = reader.getRows();
  runs.push((performance.now() - t0) / 1000);
  classes = Object.fromEntries(rows.map(([c, n, r]) => [c, { customers: Number(n), revenue: r }]));
}
const lineCount = (await db.runAndReadAll('SELECT COUNT(*)::BIGINT FROM lines')).getRows()[0][0];
console.log(JSON.stringify({ lines: Number(lineCount), load_seconds: load, runs_seconds: runs, classes }));
