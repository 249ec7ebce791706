#!/usr/bin/env bash
# PostgreSQL's cost of the notification ingest statement alone (NotificationInbox.RECORD, read from the
# jar), by rows per statement: pgbench replays it on a throwaway PostgreSQL (fsync on) migrated with the
# gateway's migrations, against seeded issued, waiting bills, each run on bills no run has touched. The
# arrays the gateway binds are replaced by generate_series (one paid notification per bill); everything
# else is the gateway's text. Prints notifications/s and PostgreSQL CPU µs per notification per batch size.
#
#   loadtest/bench/ingest-statement.sh
#   INGEST_ROWS="16 64 256" INGEST_CLIENTS=8 INGEST_SECONDS=10 loadtest/bench/ingest-statement.sh
set -uo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source-path=SCRIPTDIR source=../lib/loadtest-common.sh
. "$HERE/../lib/loadtest-common.sh"

INGEST_ROWS=${INGEST_ROWS:-1 16 64 256}
INGEST_CLIENTS=${INGEST_CLIENTS:-8}
INGEST_SECONDS=${INGEST_SECONDS:-10}
INGEST_BILLS=${INGEST_BILLS:-2000000}
RUN_DIR=${BENCH_RESULTS_DIR:-$LT_DIR/results/$(date -u +%Y%m%dT%H%M%SZ)-ingest-statement}

lt_setup "$RUN_DIR"
[ -f "$LT_JAR" ] || (cd "$LT_ROOT" && mvn -o -q -DskipTests package) || lt_die "the gateway jar did not build"
lt_start_postgres
for migration in $(ls "$LT_ROOT"/src/main/resources/db/migration/V*.sql | sort -V); do
  lt_psql -f "$migration" >/dev/null || lt_die "migration $migration failed"
done
lt_log "seeding $INGEST_BILLS issued, waiting bills"
lt_psql -v count="$INGEST_BILLS" <<'SQL' || lt_die "the seed failed"
INSERT INTO bill (bill_id, merchant_id, amount, currency, customer, comment, pay_url, expires_at, created_by_key,
                  issue_state)
SELECT 'b' || g, 'shop', 10.00, 'RUB', 'tel:+79990000000', '', 'http://127.0.0.1/pay', now() + interval '1 day',
       'k' || g, 'issued'
FROM generate_series(1, :count) AS g;
CREATE SEQUENCE ingest_batch;
SQL
lt_psql -c "VACUUM ANALYZE bill" >/dev/null

statement=$(java -cp "$LT_JAR" "$HERE/java/StatementText.java" dev.qiwigateway.notification.NotificationInbox RECORD) \
  || lt_die "cannot read the statement from the jar"
# The bound arrays become generated rows; pgbench's :k and :n pick the batch's bills. A colon inside the
# statement's to_char format would read as a pgbench variable: it is spelled chr(58).
python3 - "$statement" >"$LT_WORK/ingest.sql" <<'PY' || lt_die "cannot rewrite the statement"
import sys
s = sys.argv[1].strip()
start = s.index("WITH arrived AS MATERIALIZED (")
end = s.index("ord)), ") + len("ord)), ")
rows = ("WITH arrived AS MATERIALIZED (SELECT 'b' || ((:k - 1) * :n + g) AS bill_id, 'paid'::text AS status, "
        "10.00::numeric AS amount, 'RUB'::text AS currency, 'rest-v3'::text AS dialect, '2042'::text AS prv_id, "
        "'127.0.0.1'::text AS source_address, repeat('x', 300) AS raw_body, true AS shop_ok, "
        "'evt_' || md5(random()::text) AS event_id, '10.00'::text AS amount_text, '0.00'::text AS zero_text, "
        "g::bigint AS ord FROM generate_series(1, :n) AS g), ")
s = (s[:start] + rows + s[end:]).replace("HH24:MI:SS", "HH24'||chr(58)||'MI'||chr(58)||'SS")
print("SELECT nextval('ingest_batch') AS k \\gset")
print(s.replace("\n", " ") + ";")
PY

{
  echo "# The ingest statement alone, by rows per statement ($(date -u +%Y-%m-%dT%H:%M:%SZ), $(nproc) cores)"
  echo
  echo "pgbench -M prepared, $INGEST_CLIENTS clients, $INGEST_SECONDS s per size, fsync on; CPU from /proc."
  echo
  echo "| rows per statement | statements/s | notifications/s | PostgreSQL CPU µs per notification |"
  echo "|---|---|---|---|"
} >"$RUN_DIR/summary.md"
used=0
for rows in $INGEST_ROWS; do
  # Each size starts on bills no earlier run touched.
  lt_psql -c "SELECT setval('ingest_batch', $used / $rows + 1, false)" >/dev/null
  lt_psql -c "CHECKPOINT" >/dev/null
  before=$(lt_postgres_cpu_ms)
  out=$("$(pg_local_bin pgbench)" -n -M prepared -h 127.0.0.1 -p "$LT_PG_PORT" -U postgres -c "$INGEST_CLIENTS" \
    -j 2 -T "$INGEST_SECONDS" -D n="$rows" -f "$LT_WORK/ingest.sql" gateway 2>&1) \
    || { echo "$out" >&2; lt_die "pgbench failed at $rows rows"; }
  # The backends exit with pgbench; their CPU counts once the postmaster has reaped them.
  sleep 1
  after=$(lt_postgres_cpu_ms)
  tps=$(echo "$out" | awk '/^tps/ {print $3}')
  used=$(lt_psql -tAc "SELECT coalesce(max(substr(bill_id, 2)::bigint), 0) FROM notification_inbox")
  line=$(awk -v t="$tps" -v n="$rows" -v c=$((after - before)) -v s="$INGEST_SECONDS" \
    'BEGIN {r = t * n; printf "| %d | %.0f | %.0f | %.1f |", n, t, r, c * 1000 / (r * s)}')
  lt_log "$line"
  echo "$line" >>"$RUN_DIR/summary.md"
  [ "$used" -lt "$INGEST_BILLS" ] || lt_die "out of seeded bills: raise INGEST_BILLS"
done
cat "$RUN_DIR/summary.md"
