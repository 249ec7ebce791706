# shellcheck shell=bash
# Sourced by run-benchmark.sh and run-report.sh: the pieces both runs share. Every process started
# here is remembered by its pid and stopped by lt_cleanup (installed as the EXIT trap by lt_setup);
# the throwaway PostgreSQL cluster and the work directory go with it.
#
# Settings (environment, all optional):
#   LT_MVN_FLAGS        extra Maven flags, e.g. -o once Gatling is in ~/.m2
#   LT_API_PORT=18080 LT_MANAGEMENT_PORT=19090 LT_SANDBOX_PORT=18090 LT_PG_PORT=15432 LT_TRIVIAL_PORT=18070
#   LT_POOL_SIZE=8      the gateway's PG_POOL_SIZE, and the pgbench baseline's client count
#   LT_PGBENCH_SECONDS=20
#   LT_GATEWAY_JAVA_OPTS  JVM options of the gateway (default: -Xms1g -Xmx1g)
#   LT_GATEWAY_LOG=file|console  where the gateway's log goes (file: the run directory; default file)
#   LT_RAMP_SECONDS=10 LT_STEADY_SECONDS=60  the storm's stages
#   LT_DUPLICATE_SHARE=0.2  the share of the storm that repeats an earlier notification
#   LT_WARMUP_SECONDS=30 LT_WARMUP_RATE=1000  a storm ramping up to this rate before the measured
#                         one, so that the JIT has compiled the gateway (a freshly started JVM is
#                         several times slower and collapses under a rate it handles when warm); 0 s: none

LT_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
LT_ROOT=$(cd "$LT_DIR/.." && pwd)
LT_JAR="$LT_ROOT/target/qiwi-gateway.jar"
LT_API_PORT=${LT_API_PORT:-18080}
LT_MANAGEMENT_PORT=${LT_MANAGEMENT_PORT:-19090}
LT_SANDBOX_PORT=${LT_SANDBOX_PORT:-18090}
LT_PG_PORT=${LT_PG_PORT:-15432}
LT_TRIVIAL_PORT=${LT_TRIVIAL_PORT:-18070}
LT_POOL_SIZE=${LT_POOL_SIZE:-8}
LT_PGBENCH_SECONDS=${LT_PGBENCH_SECONDS:-20}
LT_GATEWAY_JAVA_OPTS=${LT_GATEWAY_JAVA_OPTS:--Xms1g -Xmx1g}
LT_MVN_FLAGS=${LT_MVN_FLAGS:-}
LT_RAMP_SECONDS=${LT_RAMP_SECONDS:-10}
LT_STEADY_SECONDS=${LT_STEADY_SECONDS:-60}
LT_DUPLICATE_SHARE=${LT_DUPLICATE_SHARE:-0.2}
LT_WARMUP_SECONDS=${LT_WARMUP_SECONDS:-30}
LT_WARMUP_RATE=${LT_WARMUP_RATE:-1000}
LT_PIDS=()

# shellcheck source=local-postgres.sh
. "$LT_DIR/lib/local-postgres.sh"

lt_log() {
  echo "[$(date -u +%H:%M:%S)] $*" >&2
}

lt_die() {
  lt_log "FAILED: $*"
  exit 1
}

# lt_setup RUN_DIR: the directory the results go to; a work directory for everything thrown away.
lt_setup() {
  LT_RUN_DIR=$1
  mkdir -p "$LT_RUN_DIR" || exit 1
  LT_WORK=$(mktemp -d "${TMPDIR:-/tmp}/qiwi-loadtest.XXXXXX") || exit 1
  # PostgreSQL runs as the postgres account when we are root: it must be able to reach its directory.
  chmod 755 "$LT_WORK"
  trap lt_cleanup EXIT
  trap 'exit 130' INT
  trap 'exit 143' TERM
  for tool in java mvn curl awk sort; do
    command -v "$tool" >/dev/null || lt_die "$tool is not installed"
  done
  pg_local_bindir >/dev/null || lt_die "PostgreSQL server binaries are needed (apt-get install postgresql)"
  [ -x "$(pg_local_bin pgbench)" ] || lt_die "pgbench is needed (it comes with the PostgreSQL packages)"
  for port in "$LT_API_PORT" "$LT_MANAGEMENT_PORT" "$LT_SANDBOX_PORT" "$LT_PG_PORT" "$LT_TRIVIAL_PORT"; do
    if lt_port_open "$port"; then
      lt_die "port $port is in use; choose other LT_*_PORT values"
    fi
  done
}

lt_cleanup() {
  local status=$? pid i
  trap - EXIT INT TERM
  for pid in "${LT_PIDS[@]}"; do
    kill -TERM "$pid" 2>/dev/null
  done
  for pid in "${LT_PIDS[@]}"; do
    for i in $(seq 1 100); do
      kill -0 "$pid" 2>/dev/null || break
      sleep 0.2
    done
    kill -KILL "$pid" 2>/dev/null
  done
  if [ -n "${LT_WORK:-}" ]; then
    pg_local_stop "$LT_WORK/pg" 2>/dev/null
    rm -rf "$LT_WORK"
  fi
  exit "$status"
}

lt_port_open() {
  (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

# lt_wait_http URL SECONDS: until the URL answers 200.
lt_wait_http() {
  local url=$1 seconds=$2 i
  for i in $(seq 1 $((seconds * 4))); do
    [ "$(curl -s -o /dev/null -w '%{http_code}' "$url")" = "200" ] && return 0
    sleep 0.25
  done
  return 1
}

# lt_start_process NAME LOG COMMAND...: starts a helper process, remembered for the cleanup; its pid
# goes to LT_<NAME>_PID.
lt_start_process() {
  local name=$1 log=$2
  shift 2
  "$@" >"$log" 2>&1 &
  LT_PIDS+=("$!")
  printf -v "LT_${name}_PID" '%s' "$!"
}

lt_stop_process() {
  local pid=$1 i
  kill -TERM "$pid" 2>/dev/null
  for i in $(seq 1 50); do
    kill -0 "$pid" 2>/dev/null || return 0
    sleep 0.2
  done
  kill -KILL "$pid" 2>/dev/null
}

lt_wait_tcp() {
  local port=$1 seconds=$2 i
  for i in $(seq 1 $((seconds * 4))); do
    lt_port_open "$port" && return 0
    sleep 0.25
  done
  return 1
}

# The public test credentials of docs/qiwi.md#test-vectors: the standalone sandbox's defaults, given
# to the prod-profile gateway explicitly. LT_SECRET_KEY is the rest-v3 SECRET_KEY they derive.
LT_QIWI_PRV_ID=2042
LT_QIWI_API_ID=23244123
LT_QIWI_API_SECRET=453Fdgd443
LT_SECRET_KEY=$(printf '%s|%s|%s' "$LT_QIWI_PRV_ID" "$LT_QIWI_API_ID" \
  "$(printf '%s' "$LT_QIWI_API_SECRET" | md5sum | cut -d' ' -f1)" | base64 -w0)

# lt_start_sandbox PORT LOG: the standalone QIWI sandbox (its notifications off: the runs send their
# own); sets LT_SANDBOX_PID.
lt_start_sandbox() {
  local port=$1 log=$2
  lt_log "starting the standalone QIWI sandbox on :$port"
  lt_start_process SANDBOX "$log" env SANDBOX_HOST=127.0.0.1 SANDBOX_PORT="$port" \
    java -Xms256m -Xmx512m -jar "$LT_JAR" sandbox
  lt_wait_tcp "$port" 60 || { tail -n 30 "$log" >&2; lt_die "the standalone sandbox did not start"; }
}

# lt_start_gateway_prod SANDBOX_PORT MERCHANT TOKEN [NAME=VALUE ...]: the jar in the prod profile
# against the throwaway database and a standalone sandbox, the merchant's bearer token given as its
# SHA-256 (API_TOKENS); extra settings last. Sets LT_GATEWAY_PID.
lt_start_gateway_prod() {
  local sandbox_port=$1 merchant=$2 token=$3 log="$LT_RUN_DIR/gateway.log"
  shift 3
  [ "${LT_GATEWAY_LOG:-file}" = "console" ] && log=/dev/stderr
  lt_log "starting the gateway (prod profile, PG_POOL_SIZE=$LT_POOL_SIZE, API :$LT_API_PORT, QIWI: sandbox :$sandbox_port${*:+, $*})"
  # shellcheck disable=SC2086
  lt_start_process GATEWAY "$log" env GATEWAY_PROFILE=prod PG_URL="$LT_PG_URL" PG_POOL_SIZE="$LT_POOL_SIZE" \
    HTTP_HOST=127.0.0.1 HTTP_PORT="$LT_API_PORT" MANAGEMENT_PORT="$LT_MANAGEMENT_PORT" \
    QIWI_BASE_URL="http://127.0.0.1:$sandbox_port" QIWI_PRV_ID="$LT_QIWI_PRV_ID" QIWI_API_ID="$LT_QIWI_API_ID" \
    QIWI_API_SECRET="$LT_QIWI_API_SECRET" API_TOKENS="$merchant:$(printf '%s' "$token" | sha256sum | cut -d' ' -f1)" \
    "$@" java $LT_GATEWAY_JAVA_OPTS -jar "$LT_JAR"
  lt_wait_http "http://127.0.0.1:$LT_MANAGEMENT_PORT/health/ready" 120 \
    || { tail -n 30 "$log" >&2; lt_die "the gateway did not become ready"; }
}

lt_build() {
  if [ ! -f "$LT_JAR" ]; then
    lt_log "building the gateway jar (mvn -DskipTests package)"
    (cd "$LT_ROOT" && mvn $LT_MVN_FLAGS -q -B -DskipTests package) || lt_die "the gateway jar did not build"
  fi
  lt_log "compiling the load-test code (the first run downloads Gatling from Maven Central)"
  mvn -f "$LT_DIR/pom.xml" $LT_MVN_FLAGS -q -B test-compile || lt_die "the load-test code did not compile"
}

lt_start_postgres() {
  lt_log "starting a throwaway PostgreSQL on port $LT_PG_PORT (fsync and synchronous_commit on)"
  pg_local_start "$LT_WORK/pg" "$LT_PG_PORT" || lt_die "PostgreSQL did not start"
  LT_PG_URL=$(pg_local_url "$LT_PG_PORT")
  lt_log "PostgreSQL: $(lt_psql -tAc "SELECT 'fsync=' || current_setting('fsync') || ' synchronous_commit=' || current_setting('synchronous_commit') || ' wal_sync_method=' || current_setting('wal_sync_method')")"
}

# lt_postgres_cpu_ms: CPU time of the throwaway cluster so far: the postmaster, what its finished
# children left it (every backend that exited), and its live children.
lt_postgres_cpu_ms() {
  local postmaster ticks=0 child
  postmaster=$(sed -n 1p "$LT_WORK/pg/postmaster.pid")
  ticks=$(lt_stat_ticks "$postmaster" 4)
  for child in $(pgrep -P "$postmaster"); do
    ticks=$((ticks + $(lt_stat_ticks "$child" 2)))
  done
  echo $((ticks * 1000 / $(getconf CLK_TCK)))
}

# lt_stat_ticks PID N: the sum of the first N of utime, stime, cutime, cstime (0 when gone).
lt_stat_ticks() {
  local stat
  stat=$(cat "/proc/$1/stat" 2>/dev/null) || { echo 0; return; }
  echo "${stat##*) }" | awk -v n="$2" '{s = 0; for (i = 12; i < 12 + n; i++) s += $i; print s}'
}

lt_psql() {
  pg_local_psql "$LT_PG_PORT" -q "$@"
}

# lt_start_gateway: the jar in the dev profile against the throwaway database (PG_URL set, so no
# embedded PostgreSQL; the built-in sandbox plays QIWI and notifies this gateway).
lt_start_gateway() {
  lt_log "starting the gateway (dev profile, PG_POOL_SIZE=$LT_POOL_SIZE, API :$LT_API_PORT, sandbox :$LT_SANDBOX_PORT)"
  local log="$LT_RUN_DIR/gateway.log"
  [ "${LT_GATEWAY_LOG:-file}" = "console" ] && log=/dev/stderr
  # shellcheck disable=SC2086
  env GATEWAY_PROFILE=dev PG_URL="$LT_PG_URL" PG_POOL_SIZE="$LT_POOL_SIZE" HTTP_PORT="$LT_API_PORT" \
    MANAGEMENT_PORT="$LT_MANAGEMENT_PORT" SANDBOX_PORT="$LT_SANDBOX_PORT" \
    java $LT_GATEWAY_JAVA_OPTS -jar "$LT_JAR" >"$log" 2>&1 &
  LT_GATEWAY_PID=$!
  LT_PIDS+=("$LT_GATEWAY_PID")
  lt_wait_http "http://127.0.0.1:$LT_MANAGEMENT_PORT/health/ready" 120 \
    || { tail -n 30 "$LT_RUN_DIR/gateway.log" >&2; lt_die "the gateway did not become ready"; }
}

# lt_pgbench: the baseline of docs/architecture.md#performance-design, one INSERT of a notification-like row and its commit per
# transaction, into a table shaped exactly like notification_inbox (its indexes included), from as
# many clients as the gateway has pool connections. Sets LT_PGBENCH_TPS, _P50_MS, _P99_MS.
lt_pgbench() {
  lt_log "pgbench baseline: $LT_POOL_SIZE clients, ${LT_PGBENCH_SECONDS} s, one INSERT + commit per transaction"
  lt_psql -c "DROP TABLE IF EXISTS lt_pgbench_inbox; DROP SEQUENCE IF EXISTS lt_pgbench_seq;
    CREATE TABLE lt_pgbench_inbox (LIKE notification_inbox INCLUDING ALL);
    CREATE SEQUENCE lt_pgbench_seq;" || lt_die "cannot create the pgbench table"
  cat >"$LT_WORK/pgbench-insert.sql" <<'EOF'
WITH n AS (SELECT 'pgb-' || nextval('lt_pgbench_seq') AS bill_id)
INSERT INTO lt_pgbench_inbox (bill_id, status, amount, currency, dialect, prv_id, source_address, raw_body, verdict)
SELECT bill_id, 'paid', 149.00, 'RUB', 'rest-v3', '2042', '127.0.0.1',
       'prv_id=2042&bill_id=' || bill_id || '&status=paid&error=0&amount=149.00&phone=tel%3A%2B79161234567'
       || '&payment_date=2026-11-27T10%3A15%3A30&currency=RUB&comment=Order+' || bill_id || '&version=1',
       'applied'
FROM n;
EOF
  mkdir -p "$LT_WORK/pgbench" && chmod 777 "$LT_WORK/pgbench"
  local pg_before pg_after client_cpu
  pg_before=$(lt_postgres_cpu_ms)
  (cd "$LT_WORK/pgbench" && TIMEFORMAT='%U %S' && { time "$(pg_local_bin pgbench)" -h 127.0.0.1 -p "$LT_PG_PORT" \
      -U postgres -n -M prepared -c "$LT_POOL_SIZE" -j 2 -T "$LT_PGBENCH_SECONDS" -l -f "$LT_WORK/pgbench-insert.sql" \
      gateway >"$LT_RUN_DIR/pgbench.txt" 2>&1; } 2>"$LT_WORK/pgbench-time") \
    || { cat "$LT_RUN_DIR/pgbench.txt" >&2; lt_die "pgbench failed"; }
  pg_after=$(lt_postgres_cpu_ms)
  client_cpu=$(awk '{printf "%.0f", ($1 + $2) * 1000}' "$LT_WORK/pgbench-time")
  LT_PGBENCH_TPS=$(awk '/^tps = / {printf "%.0f", $3; exit}' "$LT_RUN_DIR/pgbench.txt")
  local transactions
  transactions=$(awk '/^number of transactions actually processed:/ {print $6; exit}' "$LT_RUN_DIR/pgbench.txt" | cut -d/ -f1)
  LT_PGBENCH_PG_US=$(lt_calc "($pg_after - $pg_before) * 1000 / $transactions" "%.0f")
  LT_PGBENCH_CLIENT_US=$(lt_calc "$client_cpu * 1000 / $transactions" "%.0f")
  # pgbench -l: one line per transaction, the latency (µs) in the third column.
  cat "$LT_WORK"/pgbench/pgbench_log.* | awk '{print $3}' | sort -n >"$LT_WORK/pgbench-latencies"
  LT_PGBENCH_P50_MS=$(lt_percentile_ms "$LT_WORK/pgbench-latencies" 50 1000)
  LT_PGBENCH_P99_MS=$(lt_percentile_ms "$LT_WORK/pgbench-latencies" 99 1000)
  lt_psql -c "DROP TABLE lt_pgbench_inbox; DROP SEQUENCE lt_pgbench_seq; CHECKPOINT;"
  [ -n "$LT_PGBENCH_TPS" ] || lt_die "no TPS in pgbench's output"
  lt_log "pgbench baseline: $LT_PGBENCH_TPS tx/s, p50 $LT_PGBENCH_P50_MS ms, p99 $LT_PGBENCH_P99_MS ms;" \
    "CPU per transaction: PostgreSQL $LT_PGBENCH_PG_US µs, pgbench $LT_PGBENCH_CLIENT_US µs"
}

# lt_percentile_ms SORTED_FILE PERCENT DIVISOR: nearest-rank percentile of a sorted column, in ms.
lt_percentile_ms() {
  awk -v p="$2" -v d="$3" '{v[NR]=$1} END {if (NR == 0) {print "n/a"; exit}
    r = int(p / 100 * NR + 0.999999); if (r < 1) r = 1; printf "%.1f", v[r] / d}' "$1"
}

# lt_seed_bills COUNT FILE: COUNT bills issued at QIWI and waiting, written straight into the bill
# table (see README: issuing them through the API would take longer than the storm itself), and their
# bill_id,amount lines in FILE for the storm's feeder.
lt_seed_bills() {
  local count=$1 file=$2 prefix
  LT_SEEDS=$((${LT_SEEDS:-0} + 1))
  prefix="lt$(date -u +%H%M%S)s$LT_SEEDS"
  lt_log "seeding $count issued, waiting bills"
  lt_psql -v count="$count" -v prefix="$prefix" <<'EOF' || lt_die "the bill seed failed"
INSERT INTO bill (bill_id, merchant_id, amount, currency, customer, comment, provider_name, pay_url,
                  expires_at, created_by_key, issue_state, status, qiwi_checked_at, next_poll_at)
SELECT :'prefix' || '-' || g,
       'dev-shop',
       (100 + (g::bigint * 7919) % 49900)::numeric(12,2),
       'RUB',
       'tel:+7916' || (1000000 + g % 9000000),
       'Order ' || g,
       'Marketplace',
       'http://127.0.0.1/order/external/main.action?shop=2042&transaction=' || :'prefix' || '-' || g,
       now() + interval '7 days',
       'seed-' || :'prefix' || '-' || g,
       'issued', 'waiting', now(),
       -- Left out of the poller's schedule: the run measures notification ingest, not status polling.
       NULL
FROM generate_series(1, :count) AS g;
ANALYZE bill;
EOF
  lt_psql -c "\\copy (SELECT bill_id, amount FROM bill WHERE bill_id LIKE '${prefix}-%' ORDER BY bill_id) TO '$file' WITH (FORMAT csv)" \
    || lt_die "cannot write the bills file"
}

# lt_gatling SIMULATION RESULTS_DIR [-Dname=value ...]: runs one simulation; its HTML report is copied
# to RESULTS_DIR/gatling and its requests.tsv written to RESULTS_DIR.
lt_gatling() {
  local simulation=$1 results=$2 report
  shift 2
  mkdir -p "$results"
  lt_log "Gatling: $simulation $*"
  # shellcheck disable=SC2086
  mvn -f "$LT_DIR/pom.xml" $LT_MVN_FLAGS -q -B gatling:test \
    -Dgatling.simulationClass="dev.qiwigateway.loadtest.$simulation" -Dresults.dir="$results" "$@" \
    >"$results/gatling-console.txt" 2>&1 || { tail -n 40 "$results/gatling-console.txt" >&2; return 1; }
  report=$(sed -n 1p "$LT_DIR/target/gatling/lastRun.txt" 2>/dev/null)
  [ -n "$report" ] && [ -d "$LT_DIR/target/gatling/$report" ] || { lt_log "no Gatling report found"; return 1; }
  rm -rf "$results/gatling"
  cp -r "$LT_DIR/target/gatling/$report" "$results/gatling"
  # The binary log is Gatling's input to the HTML report, not something to keep.
  rm -f "$results/gatling/simulation.log"
  [ -f "$results/requests.tsv" ] || { lt_log "the simulation wrote no requests.tsv"; return 1; }
}

# lt_request TSV NAME COLUMN: a value from requests.tsv (columns as its header names them).
lt_request() {
  awk -F'\t' -v name="$2" -v col="$3" 'NR == 1 {for (i = 1; i <= NF; i++) c[$i] = i; next}
    $1 == name {print $c[col]; found = 1} END {if (!found) print "n/a"}' "$1"
}

# lt_metric FILE NAME [LABEL_FILTER]: the sum of a Prometheus sample over its series (0 when absent).
lt_metric() {
  awk -v name="$2" -v filter="${3:-}" '
    $1 !~ /^#/ {
      metric = $1; sub(/\{.*/, "", metric)
      if (metric == name && (filter == "" || index($1, filter) > 0)) sum += $2
    }
    END {printf "%.3f", sum}' "$1"
}

# lt_scraped_at FILE: when the probe scraped it (ms since the epoch).
lt_scraped_at() {
  awk '/^# scraped_at_ms / {print $3; exit}' "$1"
}

# lt_calc EXPRESSION: awk arithmetic, printed with the given format (default %.1f).
lt_calc() {
  awk "BEGIN {printf \"${2:-%.1f}\", ($1)}"
}

# lt_warm_up RESULTS_DIR: a storm of its own bills ramping to LT_WARMUP_RATE over LT_WARMUP_SECONDS;
# its figures are kept in RESULTS_DIR but not reported.
lt_warm_up() {
  local results=$1
  [ "$LT_WARMUP_SECONDS" -gt 0 ] || return 0
  lt_log "warming the gateway up: $LT_WARMUP_SECONDS s ramping to $LT_WARMUP_RATE notifications/s"
  lt_seed_bills "$(lt_calc "$LT_WARMUP_RATE * ($LT_WARMUP_SECONDS * 0.55 + 5) + 1000" "%.0f")" "$LT_WORK/bills.csv"
  LT_RAMP_SECONDS=$LT_WARMUP_SECONDS LT_STEADY_SECONDS=5 \
    lt_storm_at "http://127.0.0.1:$LT_API_PORT" "$LT_WARMUP_RATE" "$results" || lt_die "the warm-up storm did not run"
}

# lt_storm RATE RESULTS_DIR: seeds enough bills for the storm, runs it against the gateway with the
# metrics probe, and sets the LT_STORM_* figures.
lt_storm() {
  local rate=$1 results=$2 bills
  # First deliveries for the whole run (the ramp averages about half the rate), plus a margin.
  bills=$(lt_calc "$rate * ($LT_RAMP_SECONDS * 0.55 + $LT_STEADY_SECONDS) * (1 - $LT_DUPLICATE_SHARE) * 1.1 + 1000" "%.0f")
  lt_seed_bills "$bills" "$LT_WORK/bills.csv"
  lt_storm_at "http://127.0.0.1:$LT_API_PORT" "$rate" "$results" \
    -Dprobe.metricsUrl="http://127.0.0.1:$LT_MANAGEMENT_PORT/metrics" -Dprobe.gatewayPid="$LT_GATEWAY_PID" \
    -Dprobe.postgresPid="$(sed -n 1p "$LT_WORK/pg/postmaster.pid")" || lt_die "the storm did not run"
  lt_storm_figures "$results"
}

# lt_storm_at BASE_URL RATE RESULTS_DIR [-D...]: the storm simulation against any endpoint that
# answers like the gateway (the trivial baseline too), with the bills file of the last seed.
lt_storm_at() {
  local url=$1 rate=$2 results=$3
  shift 3
  lt_gatling NotificationStormSimulation "$results" \
    -Dstorm.baseUrl="$url" -Dstorm.bills="$LT_WORK/bills.csv" -Dstorm.rate="$rate" \
    -Dstorm.rampSeconds="$LT_RAMP_SECONDS" -Dstorm.steadySeconds="$LT_STEADY_SECONDS" \
    -Dstorm.duplicateShare="$LT_DUPLICATE_SHARE" "$@"
}

# lt_storm_figures RESULTS_DIR: reads requests.tsv and the two metric scrapes of the steady stage.
lt_storm_figures() {
  local results=$1 tsv="$1/requests.tsv" start="$1/steady-start.prom" end="$1/steady-end.prom" seconds
  LT_STORM_OK_PER_S=$(lt_request "$tsv" "notification steady" ok_per_s)
  LT_STORM_P50=$(lt_request "$tsv" "notification steady" p50_ms)
  LT_STORM_P99=$(lt_request "$tsv" "notification steady" p99_ms)
  LT_STORM_STEADY_REQUESTS=$(lt_request "$tsv" "notification steady" requests)
  LT_STORM_STEADY_KO=$(lt_request "$tsv" "notification steady" ko)
  LT_STORM_RAMP_KO=$(lt_request "$tsv" "notification ramp" ko)
  if [ ! -f "$start" ] || [ ! -f "$end" ]; then
    # An overloaded gateway may not answer its management port in time: the Gatling figures stand alone.
    lt_log "the metrics probe could not scrape the gateway: its own figures are missing from this run"
    LT_STORM_COMMITTED_PER_S=n/a LT_STORM_VERDICTS=n/a LT_STORM_REFUSED=n/a LT_STORM_SHED=n/a LT_STORM_BATCHES_PER_S=n/a
    LT_STORM_MEAN_BATCH=n/a LT_STORM_MAX_BATCH=n/a LT_STORM_BATCH_SHARES=" n/a" LT_STORM_WINDOW_S=n/a
    LT_STORM_GATEWAY_US=n/a LT_STORM_POSTGRES_US=n/a LT_STORM_LOADGEN_US=n/a
    return 0
  fi
  seconds=$(lt_calc "($(lt_scraped_at "$end") - $(lt_scraped_at "$start")) / 1000" "%.3f")
  delta() { lt_calc "$(lt_metric "$end" "$1" "${2:-}") - $(lt_metric "$start" "$1" "${2:-}")" "%.0f"; }
  local applied duplicated stale other batches rows
  applied=$(delta qiwi_notifications_applied_total)
  duplicated=$(delta qiwi_notifications_duplicated_total)
  stale=$(delta qiwi_notifications_stale_total)
  other=$(lt_calc "$(delta qiwi_notifications_mismatch_total) + $(delta qiwi_notifications_unknown_bill_total)" "%.0f")
  LT_STORM_REFUSED=$(delta qiwi_notifications_refused_total)
  LT_STORM_SHED=$(delta qiwi_notifications_shed_total)
  LT_STORM_COMMITTED=$((applied + duplicated + stale + other))
  LT_STORM_COMMITTED_PER_S=$(lt_calc "$LT_STORM_COMMITTED / $seconds" "%.0f")
  LT_STORM_VERDICTS="applied $applied, duplicate $duplicated, stale $stale, mismatch/unknown $other"
  batches=$(delta qiwi_notifications_batch_size_count)
  rows=$(delta qiwi_notifications_batch_size_sum)
  LT_STORM_BATCHES_PER_S=$(lt_calc "$batches / $seconds" "%.0f")
  LT_STORM_MEAN_BATCH=$(lt_calc "$batches > 0 ? $rows / $batches : 0" "%.1f")
  LT_STORM_MAX_BATCH=$(lt_metric "$end" qiwi_notifications_batch_size_max)
  LT_STORM_MAX_BATCH=${LT_STORM_MAX_BATCH%.*}
  # Batches by size in the window, from the summary's cumulative SLO buckets.
  local le prev=0 cum shares=""
  for le in 1.0 4.0 16.0 64.0 +Inf; do
    cum=$(delta qiwi_notifications_batch_size_bucket "le=\"$le\"")
    if [ "$batches" -gt 0 ]; then
      shares="$shares ≤${le%.0}: $(lt_calc "100 * ($cum - $prev) / $batches" "%.0f")%,"
    fi
    prev=$cum
  done
  LT_STORM_BATCH_SHARES=${shares%,}
  LT_STORM_BATCH_SHARES=${LT_STORM_BATCH_SHARES/≤+Inf/>64}
  LT_STORM_WINDOW_S=$seconds
  # CPU per committed notification in the window (µs), by component.
  local who
  for who in gateway postgres loadgen; do
    printf -v "LT_STORM_${who^^}_US" '%s' "$(lt_calc "$LT_STORM_COMMITTED > 0 ? ($(lt_cpu_ms "$end" $who) - $(lt_cpu_ms "$start" $who)) * 1000 / $LT_STORM_COMMITTED : 0" "%.0f")"
  done
}

# lt_cpu_ms FILE WHO: the probe's "# cpu_ms WHO N" line.
lt_cpu_ms() {
  awk -v who="$2" '$1 == "#" && $2 == "cpu_ms" && $3 == who {print $4; exit}' "$1"
}
