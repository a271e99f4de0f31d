#!/usr/bin/env bash
# Portfolio analytics benchmark (issue: portfolio analytics, performance), on SQLite and on
# PostgreSQL:
#   load   N order lines (default 10,000,000) of C customers (default 100,000) over 24 months
#          (2024–2025, made by bench/orderlines, seed 1) through `kam import orders` (timed, with
#          its peak RSS);
#   (a)    a full reclassification of the 12 months of 2025: `kam classify --period 2025`, every
#          model, results stored (timed, best of 3). Compared in the same run with DuckDB
#          (@duckdb/node-api from npm, installed into a scratch folder) computing ABC alone from
#          the same raw lines held in its memory (best of 3; loading its table is not timed).
#          The ratio is KAM's full run / DuckDB's ABC; goal < 1. The two ABC results must agree:
#          A and B customers and revenue, to the ten-thousandth.
#          Also printed, to tell the storage's cost from KAM's own (best of 3 each): the database
#          engine alone (sqlite3's C library, psql's server time) summing the rollup rows of the
#          two years a run reads, and storing one narrow result row per customer into a copy of
#          the results table.
#   (b)    the dashboard pages and the analytics API at that size: 8 concurrent clients (wrk),
#          p50/p95/p99 per endpoint; baseline in the same run: GET /healthz. Goal: p95 < 100 ms.
#
# Usage: bench/analytics.sh [lines] [customers] [seconds per endpoint]   (10000000 100000 10)
# PostgreSQL: KAM_BENCH_POSTGRES_DSN names a database the script drops and creates again
#   (default postgres://postgres@127.0.0.1:5432/kam_bench?sslmode=disable); KAM_BENCH_SKIP_POSTGRES=1
#   runs SQLite only.
# KAM_BENCH_ENDPOINTS (optional) replaces the list of (b), one path per line; "UI " before a path
#   means a UI page (session cookie), otherwise an API path (bearer token).
# Needs Node.js and npm (for DuckDB), wrk, psql, GNU time.
set -euo pipefail
cd "$(dirname "$0")/.."
lines=${1:-10000000}
customers=${2:-100000}
seconds=${3:-10}
dsn=${KAM_BENCH_POSTGRES_DSN:-postgres://postgres@127.0.0.1:5432/kam_bench?sslmode=disable}
pgdb=$(basename "${dsn%%\?*}")
pgadmin=${dsn/\/$pgdb/\/postgres}

for c in node npm wrk psql sqlite3; do command -v $c >/dev/null || { echo "$c is missing" >&2; exit 1; }; done
[ -x /usr/bin/time ] || { echo "/usr/bin/time is missing: apt-get install time" >&2; exit 1; }

work=$(mktemp -d)
trap 'kill $(jobs -p) 2>/dev/null || true; rm -rf "$work"' EXIT
go build -o "$work/kam" ./cmd/kam
go build -o "$work/orderlines" ./bench/orderlines
csv=$work/orderlines.csv

now() { date +%s.%N; }
since() { awk -v a="$1" -v b="$(now)" 'BEGIN {printf "%.2f", b - a}'; }
since3() { awk -v a="$1" -v b="$(now)" 'BEGIN {printf "%.3f", b - a}'; }

echo "KAM analytics benchmark: $lines order lines, $customers customers, $(nproc) cores, $(go version | cut -d' ' -f3)"
t0=$(now)
"$work/orderlines" --rows "$lines" --customers "$customers" --products 2000 --seed 1 --out "$csv"
echo "generated $(awk -v b="$(stat -c %s "$csv")" 'BEGIN {printf "%.0f MB", b / 1e6}') in $(since "$t0") s"

echo "== DuckDB: installing @duckdb/node-api into a scratch folder"
mkdir -p "$work/duckdb"
cp bench/duckdb/abc.mjs "$work/duckdb/"
(cd "$work/duckdb" && npm init -y >/dev/null && npm install --no-audit --no-fund --silent @duckdb/node-api@1.5.6-r.1 >/dev/null)
node "$work/duckdb/abc.mjs" "$csv" 2025-01-01 2026-01-01 3 >"$work/duckdb.json"
duck_best=$(node -e 'const r = JSON.parse(require("fs").readFileSync(process.argv[1])); console.log(Math.min(...r.runs_seconds).toFixed(3))' "$work/duckdb.json")
node -e 'const r = JSON.parse(require("fs").readFileSync(process.argv[1]));
  console.log(`   ${r.lines} lines loaded into memory in ${r.load_seconds.toFixed(1)} s (not timed)`);
  console.log(`   ABC runs: ${r.runs_seconds.map(s => s.toFixed(3) + " s").join(", ")}`);
  for (const c of ["A", "B", "C"]) console.log(`   ${c}: ${r.classes[c]?.customers ?? 0} customers, revenue ${r.classes[c]?.revenue ?? 0}`);' "$work/duckdb.json"
echo "   DuckDB ABC, best of 3: ${duck_best} s"

cat >"$work/p95.lua" <<'LUA'
local paths = {}
for line in io.lines(os.getenv("KAM_PATHS")) do paths[#paths + 1] = line end
local i = 0
local headers = {}
if os.getenv("KAM_COOKIE") ~= "" then headers["Cookie"] = os.getenv("KAM_COOKIE") end
if os.getenv("KAM_TOKEN") ~= "" then headers["Authorization"] = "Bearer " .. os.getenv("KAM_TOKEN") end
request = function()
  i = i + 1
  return wrk.format("GET", paths[(i % #paths) + 1], headers)
end
done = function(summary, latency, requests)
  local bad = summary.errors.status + summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout
  io.write(string.format("RESULT %.0f %.1f %.1f %.1f %d\n", summary.requests / (summary.duration / 1e6),
    latency:percentile(50) / 1000, latency:percentile(95) / 1000, latency:percentile(99) / 1000, bad))
end
LUA

declare -A summary
# engine_floors NAME KAM_DB: the engine-only floors of (a) (see the head of this file).
engine_floors() {
  local name=$1 kamdb=$2 i s scan_best= store_best=
  local scan="SELECT sum(net_revenue), sum(gross_profit), sum(orders), count(*) FROM sales_monthly WHERE +month >= '2024-01' AND +month <= '2025-12'"
  local rows="SELECT 1, n, 'A', 'gold', n, n * 1000, n * 10 FROM g"
  for i in 1 2 3; do
    if [ "$name" = sqlite ]; then
      t0=$(now); sqlite3 "${kamdb#sqlite:}" "$scan" >/dev/null; s=$(since3 "$t0")
      scan_best=$(awk -v a="${scan_best:-$s}" -v b="$s" 'BEGIN {print (b < a ? b : a)}')
      rm -f "$work"/store.db*
      sqlite3 "$work/store.db" "PRAGMA journal_mode=WAL" "$(sqlite3 "${kamdb#sqlite:}" '.schema customer_classes')" >/dev/null
      t0=$(now)
      sqlite3 "$work/store.db" "PRAGMA synchronous=NORMAL" "WITH RECURSIVE g(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM g WHERE n < $customers)
        INSERT INTO customer_classes (run_id, customer_id, abc, tier, abc_rank, net_revenue, profit) $rows"
      s=$(since3 "$t0")
    else
      s=$(psql -qAt "$kamdb" -c '\timing on' -c "${scan//+month/month}" | awk '/^Time:/ {printf "%.3f", $2 / 1000}')
      scan_best=$(awk -v a="${scan_best:-$s}" -v b="$s" 'BEGIN {print (b < a ? b : a)}')
      s=$(PGOPTIONS=--client-min-messages=warning psql -qAt "$kamdb" -c "DROP TABLE IF EXISTS bench_store" -c "CREATE TABLE bench_store (LIKE customer_classes INCLUDING ALL)" -c '\timing on' \
        -c "WITH g(n) AS (SELECT generate_series(1, $customers)) INSERT INTO bench_store (run_id, customer_id, abc, tier, abc_rank, net_revenue, profit) $rows" \
        -c "DROP TABLE bench_store" | awk '/^Time:/ && !t {t = $2 / 1000} END {printf "%.3f", t}')
    fi
    store_best=$(awk -v a="${store_best:-$s}" -v b="$s" 'BEGIN {print (b < a ? b : a)}')
  done
  rm -f "$work"/store.db*
  echo "   (a) engine floors: summing the two years' rollup rows ${scan_best} s; storing $customers result rows ${store_best} s (DuckDB's whole ABC: ${duck_best} s)"
  summary[$name]="${summary[$name]}; engine floors: rollup scan ${scan_best} s, result store ${store_best} s"
}

bench_dialect() { # name KAM_DB
  local name=$1 kamdb=$2 port=18282 i
  echo "== $name"
  env KAM_DB="$kamdb" "$work/kam" migrate >/dev/null
  for i in $(seq -w 1 40); do
    printf 'kam-bench-2026\n' | env KAM_DB="$kamdb" "$work/kam" user add "rep$i@kam.example" --role rep --name "销售$i" \
      >/dev/null 2>"$work/user.log" || { cat "$work/user.log" >&2; exit 1; }
  done
  printf 'kam-bench-2026\n' | env KAM_DB="$kamdb" "$work/kam" user add director@kam.example --role director --name 总监 \
    >/dev/null 2>"$work/user.log" || { cat "$work/user.log" >&2; exit 1; }
  t0=$(now)
  /usr/bin/time -f %M -o "$work/rss" env KAM_DB="$kamdb" "$work/kam" import orders "$csv" --json >"$work/import.json"
  echo "   load: kam import orders took $(since "$t0") s, peak RSS $(awk '{kb = $1} END {printf "%.0f", kb / 1024}' "$work/rss") MB"
  # The period before, so that migration between runs has two runs to compare.
  env KAM_DB="$kamdb" "$work/kam" classify --period 2024 --json >/dev/null
  local best=
  for i in 1 2 3; do
    t0=$(now)
    env KAM_DB="$kamdb" "$work/kam" classify --period 2025 --json >"$work/classify.json"
    local s; s=$(since "$t0")
    echo "   (a) kam classify --period 2025 (all models, stored), run $i: $s s"
    best=$(awk -v a="${best:-$s}" -v b="$s" 'BEGIN {print (b < a ? b : a)}')
  done
  node -e 'const k = JSON.parse(require("fs").readFileSync(process.argv[1])), d = JSON.parse(require("fs").readFileSync(process.argv[2]));
    let ok = true;
    for (const c of ["A", "B"]) {
      const kc = k.abc[c], dc = d.classes[c];
      const same = kc.customers === dc.customers && Number(kc.revenue).toFixed(4) === Number(dc.revenue).toFixed(4) && kc.revenue.replace(/\.?0+$/, "") === dc.revenue.replace(/\.?0+$/, "");
      console.log(`   ABC ${c}: KAM ${kc.customers} customers, ${kc.revenue}; DuckDB ${dc.customers}, ${dc.revenue} ${same ? "(same)" : "(DIFFERENT)"}`);
      ok = ok && same;
    }
    process.exit(ok ? 0 : 1);' "$work/classify.json" "$work/duckdb.json" || { echo "KAM and DuckDB disagree on ABC" >&2; exit 1; }
  local ratio; ratio=$(awk -v a="$best" -v b="$duck_best" 'BEGIN {printf "%.2f", a / b}')
  echo "   (a) KAM full run ${best} s vs DuckDB ABC ${duck_best} s: ratio ${ratio} (goal < 1)"
  summary[$name]="(a) KAM ${best} s, DuckDB ${duck_best} s, ratio ${ratio}"
  engine_floors "$name" "$kamdb"

  env KAM_DB="$kamdb" "$work/kam" serve --addr 127.0.0.1:$port >"$work/serve.log" 2>&1 &
  local pid=$!
  for i in $(seq 1 300); do curl -fs "http://127.0.0.1:$port/healthz" >/dev/null 2>&1 && break; sleep 0.1; done
  local url="http://127.0.0.1:$port"
  export KAM_TOKEN; KAM_TOKEN=$(env KAM_DB="$kamdb" "$work/kam" token create --user director@kam.example --expires 2h)
  # A UI session of the director: the login form's double-submit token, then the login.
  local jar=$work/cookies.txt csrf
  rm -f "$jar"
  csrf=$(curl -s -c "$jar" "$url/login" | grep -o 'name="csrf" value="[^"]*"' | head -n 1 | sed 's/.*value="//; s/"$//')
  curl -s -b "$jar" -c "$jar" -o /dev/null --data-urlencode "email=director@kam.example" --data-urlencode "password=kam-bench-2026" \
    --data-urlencode "csrf=$csrf" "$url/login"
  local cookie; cookie=$(awk '$6 == "kam_session" {print "kam_session=" $7}' "$jar")
  [ -n "$cookie" ] || { echo "UI login failed" >&2; exit 1; }
  local endpoints=${KAM_BENCH_ENDPOINTS:-"/healthz
/api/v1/analytics/abc?period=2025
/api/v1/analytics/profitability?period=2025
/api/v1/analytics/tiers?period=2025
/api/v1/analytics/rfm?period=2025
/api/v1/analytics/migration?from=2024&to=2025
/api/v1/analytics/scorecard?period=2025
/api/v1/analytics/portfolio?period=2025
/api/v1/analytics/segments?by=industry&period=2025
/api/v1/analytics/lamp?period=2025
/api/v1/analytics/loyalty?period=2025
/api/v1/analytics/growth?period=2025
/api/v1/analytics/clv?period=2025
UI /dashboard?period=2025
UI /dashboard/migration
UI /dashboard/portfolio?period=2025
UI /dashboard/scorecard?period=2025
UI /dashboard/behaviour?period=2025"}
  echo "   (b) 8 connections, ${seconds} s per endpoint:"
  printf '       %-52s %9s %9s %9s %9s\n' endpoint req/s p50_ms p95_ms p99_ms
  local worst=0 ep path
  while IFS= read -r ep; do
    [ -n "$ep" ] || continue
    path=${ep#UI }
    local code
    if [ "$ep" != "$path" ]; then
      export KAM_COOKIE=$cookie; code=$(curl -s -o /dev/null -w '%{http_code}' -H "Cookie: $cookie" "$url$path")
    else
      export KAM_COOKIE=; code=$(curl -s -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $KAM_TOKEN" "$url$path")
    fi
    if [ "$code" != 200 ]; then printf '       %-52s answers %s: not measured\n' "$ep" "$code"; continue; fi
    printf '%s\n' "$path" >"$work/paths.txt"
    export KAM_PATHS=$work/paths.txt
    wrk -t2 -c8 -d2s -s "$work/p95.lua" "$url" >/dev/null # warm-up
    wrk -t2 -c8 -d${seconds}s -s "$work/p95.lua" "$url" >"$work/wrk.txt"
    read -r rps p50 p95 p99 bad < <(grep '^RESULT' "$work/wrk.txt" | cut -d' ' -f2-)
    printf '       %-52s %9s %9s %9s %9s%s\n' "$ep" "$rps" "$p50" "$p95" "$p99" "$([ "$bad" = 0 ] || echo "  ERRORS: $bad")"
    [ "$path" = /healthz ] || worst=$(awk -v a="$worst" -v b="$p95" 'BEGIN {print (b > a ? b : a)}')
  done <<<"$endpoints"
  echo "   (b) worst p95 of the analytics endpoints: ${worst} ms (goal < 100 ms)"
  summary[$name]="${summary[$name]}; (b) worst p95 ${worst} ms"
  kill $pid; wait $pid 2>/dev/null || true
}

bench_dialect sqlite "sqlite:$work/kam.db"
rm -f "$work"/kam.db*
if [ "${KAM_BENCH_SKIP_POSTGRES:-}" != 1 ]; then
  psql -qAt "$pgadmin" -c "SELECT 1" >/dev/null || { echo "PostgreSQL is not reachable at $pgadmin" >&2; exit 1; }
  PGOPTIONS=--client-min-messages=warning psql -q "$pgadmin" -c "DROP DATABASE IF EXISTS $pgdb" -c "CREATE DATABASE $pgdb"
  bench_dialect postgres "$dsn"
fi
echo "== summary"
for k in "${!summary[@]}"; do echo "   $k: ${summary[$k]}"; done
