#!/usr/bin/env bash
# Import benchmark of order lines (issue: import, performance): `kam import orders` of a generated
# CSV of N order lines (default 1,000,000; 20,000 customers, 2,000 products, 2024–2025, made by
# bench/orderlines with seed 1) into a fresh database, on SQLite and on PostgreSQL.
# Baseline (the floor), measured in the same run on the same file: the database's own bulk CSV
# load into one table of 14 untyped columns, with no parsing, validation, keys or indexes:
#   SQLite:     sqlite3 .import --csv
#   PostgreSQL: psql \copy … CSV HEADER
# Also measured: kam check after the import (must exit 0), and on SQLite the same import again
# (idempotent: every line unchanged).
# Goals: import time ≤ 2.5 × the floor, peak RSS of kam import < 300 MB.
# Also printed, to tell the schema's cost from KAM's own: the schema floor, the same tool loading
# the rows KAM's import wrote (customers, product categories, products, orders, order lines and
# the two sales rollups, dumped as CSV after the import) into a fresh KAM schema with its keys and
# indexes, in one transaction (SQLite: foreign keys off, as CSV has no NULL).
#
# Usage: bench/import.sh [rows]      (default: 1000000)
# PostgreSQL: KAM_BENCH_POSTGRES_DSN names a database the script drops and creates again
#   (default postgres://postgres@127.0.0.1:5432/kam_bench?sslmode=disable).
# Needs sqlite3, psql and GNU time (Debian: apt-get install sqlite3 postgresql-client time).
set -euo pipefail
cd "$(dirname "$0")/.."
rows=${1:-1000000}
dsn=${KAM_BENCH_POSTGRES_DSN:-postgres://postgres@127.0.0.1:5432/kam_bench?sslmode=disable}
db=$(basename "${dsn%%\?*}")
admin=${dsn/\/$db/\/postgres}

command -v sqlite3 >/dev/null || { echo "sqlite3 is missing: apt-get install sqlite3" >&2; exit 1; }
[ -x /usr/bin/time ] || { echo "/usr/bin/time is missing: apt-get install time" >&2; exit 1; }
command -v psql >/dev/null || { echo "psql is missing: apt-get install postgresql-client" >&2; exit 1; }
psql -qAt "$admin" -c "SELECT 1" >/dev/null || {
  echo "PostgreSQL is not reachable at $admin: start it or set KAM_BENCH_POSTGRES_DSN" >&2; exit 1; }

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
go build -o "$work/kam" ./cmd/kam
go build -o "$work/orderlines" ./bench/orderlines
csv=$work/orderlines.csv

# timed OUT COMMAND…: runs COMMAND with its standard output to OUT; sets secs (wall clock) and
# rss_mb (peak resident set size); returns the command's status.
timed() {
  local out=$1 t0 t1 rc=0
  shift
  t0=$(date +%s.%N)
  /usr/bin/time -f %M -o "$work/rss" "$@" >"$out" || rc=$?
  t1=$(date +%s.%N)
  secs=$(awk -v a="$t0" -v b="$t1" 'BEGIN {printf "%.2f", b - a}')
  rss_mb=$(awk '{kb = $1} END {printf "%.0f", kb / 1024}' "$work/rss") # last line: a failure note may precede
  return $rc
}

recreate_postgres() {
  PGOPTIONS=--client-min-messages=warning psql -q "$admin" -c "DROP DATABASE IF EXISTS $db" -c "CREATE DATABASE $db"
}

echo "KAM import benchmark: $rows order lines, $(nproc) cores, $(go version | cut -d' ' -f3), SQLite $(sqlite3 --version | cut -d' ' -f1), PostgreSQL $(psql -qAt "$admin" -c 'SHOW server_version' | cut -d' ' -f1)"
timed /dev/null "$work/orderlines" --rows "$rows" --customers 20000 --products 2000 --seed 1 --out "$csv"
echo "generated $csv: $(awk -v b="$(stat -c %s "$csv")" 'BEGIN {printf "%.1f MB", b / 1e6}') in ${secs}s"

declare -A floor kam rss check schema
written_tables="customers product_categories products orders order_lines sales_monthly sales_category_monthly"
# import_kam NAME KAM_DB: migrates and adds the reps (not timed), then times kam import with its
# peak RSS, and kam check.
import_kam() {
  local name=$1 kamdb=$2 i
  env KAM_DB="$kamdb" "$work/kam" migrate >/dev/null
  # The rep column names users by e-mail: rep01@kam.example … rep40@kam.example must exist.
  for i in $(seq -w 1 40); do
    printf 'kam-bench-2026\n' | env KAM_DB="$kamdb" "$work/kam" user add "rep$i@kam.example" --role rep --name "销售$i" \
      >/dev/null 2>"$work/user.log" || { cat "$work/user.log" >&2; exit 1; }
  done
  if [ "$name" = sqlite ]; then cp "${kamdb#sqlite:}" "$work/empty.db"; fi
  if ! timed "$work/import-$name.json" env KAM_DB="$kamdb" "$work/kam" import orders "$csv" --json; then
    echo "kam import failed on $name" >&2; exit 1
  fi
  kam[$name]=$secs rss[$name]=$rss_mb
  echo "   kam import orders:    ${secs}s, peak RSS ${rss_mb} MB"
  sed 's/^/     /' "$work/import-$name.json"
  if ! timed "$work/check-$name.txt" env KAM_DB="$kamdb" "$work/kam" check; then
    cat "$work/check-$name.txt" >&2; echo "kam check failed on $name" >&2; exit 1
  fi
  check[$name]=$secs
  echo "   kam check:            ${secs}s"
}

# schema_floor NAME KAM_DB: the schema floor (see the head of this file) of what KAM_DB holds.
schema_floor() {
  local name=$1 kamdb=$2 t loaded
  mkdir -p "$work/dump"
  if [ "$name" = sqlite ]; then
    local args=(-cmd "PRAGMA journal_mode=WAL" -cmd "PRAGMA synchronous=NORMAL" -cmd "PRAGMA foreign_keys=OFF" -cmd BEGIN)
    for t in $written_tables; do
      sqlite3 -csv "${kamdb#sqlite:}" "SELECT * FROM $t" >"$work/dump/$t.csv"
      args+=(-cmd ".import --csv $work/dump/$t.csv $t")
    done
    timed /dev/null sqlite3 "${args[@]}" "$work/empty.db" COMMIT
    loaded=$(sqlite3 "$work/empty.db" "SELECT count(*) FROM order_lines")
    rm -f "$work"/empty.db*
  else
    local fdb=${db}_floor
    local fdsn=${dsn/\/$db/\/$fdb}
    PGOPTIONS=--client-min-messages=warning psql -q "$admin" -c "DROP DATABASE IF EXISTS $fdb" -c "CREATE DATABASE $fdb"
    env KAM_DB="$fdsn" "$work/kam" migrate >/dev/null
    psql -q "$dsn" -c "\\copy users TO '$work/dump/users.csv' CSV"
    PGOPTIONS=--client-min-messages=warning psql -q "$fdsn" -c "TRUNCATE users, product_categories CASCADE" -c "\\copy users FROM '$work/dump/users.csv' CSV"
    local args=()
    for t in $written_tables; do
      psql -q "$dsn" -c "\\copy $t TO '$work/dump/$t.csv' CSV"
      args+=(-c "\\copy $t FROM '$work/dump/$t.csv' CSV")
    done
    timed /dev/null psql -q -1 "$fdsn" "${args[@]}"
    loaded=$(psql -qAt "$fdsn" -c "SELECT count(*) FROM order_lines")
    psql -q "$admin" -c "DROP DATABASE $fdb"
  fi
  # A load that failed part-way would look fast: it must hold every line KAM wrote.
  [ "$loaded" = "$rows" ] || { echo "schema floor on $name loaded $loaded of $rows lines" >&2; exit 1; }
  schema[$name]=$secs
  echo "   schema floor:         ${secs}s ($(awk -v s="$secs" -v f="${floor[$name]}" 'BEGIN {printf "%.2f", s / f}') × the floor): KAM's rows loaded into KAM's schema"
  rm -rf "$work/dump"
}

echo "== sqlite"
sqlite3 "$work/floor.db" "CREATE TABLE t(order_no,line_no,order_date,customer_code,customer_name,product_code,product_name,category,quantity,unit_price,discount,cost,currency,rep);"
timed /dev/null sqlite3 "$work/floor.db" ".import --csv --skip 1 $csv t"
floor[sqlite]=$secs
echo "   floor sqlite3 .import: ${secs}s ($(sqlite3 "$work/floor.db" "SELECT count(*) FROM t") rows)"
rm -f "$work/floor.db"
import_kam sqlite "sqlite:$work/kam.db"
schema_floor sqlite "sqlite:$work/kam.db"
if ! timed "$work/again.json" env KAM_DB="sqlite:$work/kam.db" "$work/kam" import orders "$csv" --json; then
  echo "kam import (again) failed on sqlite" >&2; exit 1
fi
echo "   the same import again: ${secs}s, peak RSS ${rss_mb} MB (expected: all unchanged)"
sed 's/^/     /' "$work/again.json"
rm -f "$work/kam.db" "$work/kam.db-wal" "$work/kam.db-shm"

echo "== postgres ($dsn)"
recreate_postgres
psql -q "$dsn" -c "CREATE TABLE t(order_no text, line_no text, order_date text, customer_code text, customer_name text, product_code text, product_name text, category text, quantity text, unit_price text, discount text, cost text, currency text, rep text)"
timed "$work/copy.txt" psql "$dsn" -c "\copy t FROM '$csv' CSV HEADER"
floor[postgres]=$secs
echo "   floor psql \\copy:      ${secs}s ($(cat "$work/copy.txt"))"
recreate_postgres
import_kam postgres "$dsn"
schema_floor postgres "$dsn"

echo
printf '%-9s %8s %8s %10s %12s %10s %8s %9s %13s  %s\n' database "floor s" "KAM s" KAM/floor "peak RSS MB" "rows/s" "check s" "schema s" schema/floor goal
for name in sqlite postgres; do
  line=$(awk -v n="$name" -v f="${floor[$name]}" -v k="${kam[$name]}" -v m="${rss[$name]}" -v c="${check[$name]}" -v s="${schema[$name]}" -v r="$rows" 'BEGIN {
    ratio = (f > 0 ? k / f : 0); rps = (k > 0 ? r / k : 0)
    ok = (f > 0 && ratio <= 2.5 && m < 300)
    printf "%-9s %8.2f %8.2f %10.2f %12d %10.0f %8.2f %9.2f %13.2f  %s\n", n, f, k, ratio, m, rps, c, s, (f > 0 ? s / f : 0), (ok ? "PASS" : "FAIL")
  }')
  echo "$line"
done
echo "goal: ratio ≤ 2.5, peak RSS < 300 MB"
