#!/usr/bin/env bash
# Issue 11's two footprint targets, on one throwaway PostgreSQL, the gateway jar in the prod profile:
#   1. start: time from spawning `java -jar` to the "qiwi-gateway ready" line, FOOTPRINT_STARTS times (the
#      first one also migrates the empty database);
#   2. a QIWI outage's backlog: FOOTPRINT_BACKLOG issued, waiting bills all due for a status check while
#      QIWI does not answer (nothing listens on its port), the gateway limited to -Xmx256m; after
#      FOOTPRINT_SECONDS of polling against the outage, the heap in use (jvm_memory_used_bytes, heap) and
#      the backlog still due.
#
#   loadtest/bench/footprint.sh
#   FOOTPRINT_BACKLOG=200000 FOOTPRINT_SECONDS=30 loadtest/bench/footprint.sh
#
# Exit status: 0 both targets held (start < 2 s every time, heap < 256 MB); 3 one did not; 1 could not run.
set -uo pipefail

FOOTPRINT_HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source-path=SCRIPTDIR source=../lib/loadtest-common.sh
. "$FOOTPRINT_HERE/../lib/loadtest-common.sh"

FOOTPRINT_STARTS=${FOOTPRINT_STARTS:-4}
FOOTPRINT_BACKLOG=${FOOTPRINT_BACKLOG:-1000000}
FOOTPRINT_SECONDS=${FOOTPRINT_SECONDS:-60}
FOOTPRINT_RUN_DIR=${BENCH_RESULTS_DIR:-$LT_DIR/results/$(date -u +%Y%m%dT%H%M%SZ)-footprint}
# Nothing listens here: every status check fails as QIWI being down does.
FOOTPRINT_DEAD_QIWI_PORT=${FOOTPRINT_DEAD_QIWI_PORT:-18099}
FOOTPRINT_FAILED=0

lt_setup "$FOOTPRINT_RUN_DIR"
[ -f "$LT_JAR" ] || (cd "$LT_ROOT" && mvn -o -q -DskipTests package) || lt_die "the gateway jar did not build"
lt_start_postgres

# footprint_gateway LOG JAVA_OPTS: spawns the prod gateway against the dead QIWI port; prints its pid.
footprint_gateway() {
  env GATEWAY_PROFILE=prod PG_URL="$LT_PG_URL" PG_POOL_SIZE="$LT_POOL_SIZE" HTTP_HOST=127.0.0.1 \
    HTTP_PORT="$LT_API_PORT" MANAGEMENT_PORT="$LT_MANAGEMENT_PORT" \
    QIWI_BASE_URL="http://127.0.0.1:$FOOTPRINT_DEAD_QIWI_PORT" QIWI_PRV_ID="$LT_QIWI_PRV_ID" \
    QIWI_API_ID="$LT_QIWI_API_ID" QIWI_API_SECRET="$LT_QIWI_API_SECRET" \
    API_TOKENS="footprint:$(printf 'footprint' | sha256sum | cut -d' ' -f1)" \
    java $2 -jar "$LT_JAR" >"$1" 2>&1 &
  echo $!
}

START_MS=()
for run in $(seq 1 "$FOOTPRINT_STARTS"); do
  log="$FOOTPRINT_RUN_DIR/start-$run.log"
  spawned=$(date +%s%N)
  pid=$(footprint_gateway "$log" "-Xms256m -Xmx256m")
  until grep -q "qiwi-gateway ready" "$log"; do
    kill -0 "$pid" 2>/dev/null || lt_die "the gateway exited during start $run (see $log)"
    sleep 0.01
  done
  ms=$((($(date +%s%N) - spawned) / 1000000))
  START_MS+=("$ms")
  lt_log "start $run: ready ${ms} ms after java was spawned"
  kill -TERM "$pid"; wait "$pid" 2>/dev/null
  [ "$ms" -lt 2000 ] || FOOTPRINT_FAILED=1
done

lt_log "seeding $FOOTPRINT_BACKLOG issued, waiting bills, all due for a status check"
lt_psql -v count="$FOOTPRINT_BACKLOG" <<'SQL' || lt_die "the backlog seed failed"
INSERT INTO bill (bill_id, merchant_id, amount, currency, customer, comment, pay_url, expires_at, created_by_key,
                  issue_state, status, qiwi_checked_at, next_poll_at)
SELECT 'fp-' || g, 'footprint', 10.00, 'RUB', 'tel:+79160000000', 'Order ' || g, 'http://127.0.0.1/pay',
       now() + interval '7 days', 'seed-' || g, 'issued', 'waiting', now(), now() - interval '1 minute'
FROM generate_series(1, :count) AS g;
ANALYZE bill;
SQL
log="$FOOTPRINT_RUN_DIR/backlog.log"
pid=$(footprint_gateway "$log" "-Xms256m -Xmx256m")
lt_wait_http "http://127.0.0.1:$LT_MANAGEMENT_PORT/health/ready" 120 || lt_die "the gateway did not become ready (see $log)"
lt_log "polling against a QIWI outage for ${FOOTPRINT_SECONDS} s with -Xmx256m"
peak=0
for _ in $(seq 1 "$FOOTPRINT_SECONDS"); do
  sleep 1
  used=$(curl -s "http://127.0.0.1:$LT_MANAGEMENT_PORT/metrics" \
    | awk '/^jvm_memory_used_bytes\{.*area="heap"/ {sum += $NF} END {printf "%.0f", sum}')
  [ "${used:-0}" -gt "$peak" ] && peak=$used
done
due=$(lt_psql -tAc "SELECT count(*) FROM bill WHERE status = 'waiting' AND next_poll_at <= now()")
alive=yes; kill -0 "$pid" 2>/dev/null || alive=no
kill -TERM "$pid"; wait "$pid" 2>/dev/null
peak_mb=$((peak / 1048576))
[ "$peak_mb" -lt 256 ] && [ "$alive" = yes ] || FOOTPRINT_FAILED=1

{
  echo "# qiwi-gateway footprint ($(date -u +%Y-%m-%dT%H:%M:%SZ), $(nproc) cores, commit $(git -C "$LT_ROOT" rev-parse --short HEAD 2>/dev/null))"
  echo
  echo "| measure | value | target |"
  echo "|---|---|---|"
  echo "| prod start, java spawned → ready (first run migrates an empty database) | ${START_MS[*]} ms | < 2000 ms |"
  echo "| heap in use, peak over ${FOOTPRINT_SECONDS} s of polling a backlog of $FOOTPRINT_BACKLOG due bills, QIWI down, -Xmx256m | ${peak_mb} MB (gateway alive: $alive; still due at the end: $due) | < 256 MB |"
} | tee "$FOOTPRINT_RUN_DIR/summary.md"
[ "$FOOTPRINT_FAILED" -eq 0 ] || { lt_log "a footprint target was missed"; exit 3; }
