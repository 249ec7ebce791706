#!/usr/bin/env bash
# The light-generator benchmark (issue 11): one command, one throwaway PostgreSQL (fsync and
# synchronous_commit on), the gateway jar in the prod profile against a standalone QIWI sandbox, load
# from wrk with Lua scripts (a C generator that costs a few µs per request). In order:
#   1. pgbench: one INSERT + commit per transaction, LT_POOL_SIZE clients: the baseline of every ratio;
#   2. notification ingest: pre-signed rest-v3 `paid` notifications, one per bill seeded issued and
#      waiting (fresh bills per phase), ~10% repeated later as QIWI's retries are; a warm-up, then
#      (3.) the gateway's trivial endpoint, GET /health/live on the management port, under the same
#      wrk, then rising concurrency until p99 passes BENCH_P99_LIMIT_MS; after every ingest phase, once
#      nothing is left pending in the inbox, a proof that nothing acknowledged was lost;
#   4. creates, POST /v1/bills, at rising concurrency, and the same PUT sent straight to the sandbox at
#      c=1 (the latency the gateway adds);
#   5. the checkout: create, GET, GET ?refresh=true;
#   6. CPU per operation of the gateway, PostgreSQL, the sandbox and wrk itself, from /proc.
# Prints one markdown summary (also written to loadtest/results/<UTC>-bench/summary.md, with wrk's
# output and the counts of every phase).
#
#   loadtest/bench/run.sh
#   BENCH_STEP_SECONDS=10 BENCH_CONCURRENCY="32 64 128" loadtest/bench/run.sh
#
# Settings (environment; defaults in brackets):
#   BENCH_PGBENCH_SECONDS [15]        pgbench's run (clients: LT_POOL_SIZE, which is also PG_POOL_SIZE [8])
#   BENCH_HEALTH_SECONDS [10]  BENCH_HEALTH_CONCURRENCY [64]
#   BENCH_WARMUP_SECONDS [15]  BENCH_WARMUP_CONCURRENCY [64]   ingest warm-up, not reported as a step
#   BENCH_CONCURRENCY ["16 32 64 128 256"]  BENCH_STEP_SECONDS [15]   the ingest steps
#   BENCH_P99_LIMIT_MS [50]           the steps stop after the first whose p99 reaches it
#   BENCH_DUPLICATE_PERCENT [10]      share of notifications that repeat an earlier one
#   BENCH_DUPLICATE_GAP [2000]        how many notifications later a repeat comes
#   BENCH_SEED_RATE [pgbench's tx/s]  notifications/s the warm-up's bills are seeded for; later phases
#                                     are seeded for 1.5× the best rate so far
#   BENCH_CREATE_CONCURRENCY ["1 4 32"]  BENCH_CREATE_SECONDS [10]  BENCH_CREATE_MAX_CONCURRENCY [128]
#                                     (concurrency keeps doubling past the list while creates/s grows 5%)
#   BENCH_CREATE_WARMUP_SECONDS [20]  checkouts at c=8 before the creates (not reported): the JIT has
#                                     compiled the create and read paths when they are measured
#   BENCH_CHECKOUT_CONCURRENCY [16]  BENCH_CHECKOUT_SECONDS [15]
#   BENCH_IDLE_SECONDS [5]            CPU of the idle processes, so that per-op figures at low rates can
#                                     be read (background work: poller, completer, JIT, GC)
#   BENCH_WRK_THREADS [2]  BENCH_PENDING_TIMEOUT [60]  BENCH_RESULTS_DIR [loadtest/results/<UTC>-bench]
#   and those of lib/loadtest-common.sh: ports (LT_API_PORT, LT_MANAGEMENT_PORT, LT_SANDBOX_PORT,
#   LT_PG_PORT), LT_POOL_SIZE, LT_GATEWAY_JAVA_OPTS, LT_GATEWAY_LOG.
# Exit status: 0 every proof held; 3 a count disagreed (the summary says which); 1 the run could not run.
set -uo pipefail

BENCH_SETTINGS=$(env | grep -E '^(BENCH|LT)_[A-Z_]+=' | sort | tr '\n' ' ')
BENCH_COMMAND="${BENCH_SETTINGS}loadtest/bench/run.sh"
BENCH_HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source-path=SCRIPTDIR source=../lib/loadtest-common.sh
. "$BENCH_HERE/../lib/loadtest-common.sh"

BENCH_PGBENCH_SECONDS=${BENCH_PGBENCH_SECONDS:-15}
BENCH_HEALTH_SECONDS=${BENCH_HEALTH_SECONDS:-10}
BENCH_HEALTH_CONCURRENCY=${BENCH_HEALTH_CONCURRENCY:-64}
BENCH_WARMUP_SECONDS=${BENCH_WARMUP_SECONDS:-15}
BENCH_WARMUP_CONCURRENCY=${BENCH_WARMUP_CONCURRENCY:-64}
BENCH_CONCURRENCY=${BENCH_CONCURRENCY:-16 32 64 128 256}
BENCH_STEP_SECONDS=${BENCH_STEP_SECONDS:-15}
BENCH_P99_LIMIT_MS=${BENCH_P99_LIMIT_MS:-50}
BENCH_DUPLICATE_PERCENT=${BENCH_DUPLICATE_PERCENT:-10}
BENCH_DUPLICATE_GAP=${BENCH_DUPLICATE_GAP:-2000}
BENCH_SEED_RATE=${BENCH_SEED_RATE:-}
BENCH_CREATE_CONCURRENCY=${BENCH_CREATE_CONCURRENCY:-1 4 32}
BENCH_CREATE_SECONDS=${BENCH_CREATE_SECONDS:-10}
BENCH_CREATE_MAX_CONCURRENCY=${BENCH_CREATE_MAX_CONCURRENCY:-128}
BENCH_CREATE_WARMUP_SECONDS=${BENCH_CREATE_WARMUP_SECONDS:-20}
BENCH_CHECKOUT_CONCURRENCY=${BENCH_CHECKOUT_CONCURRENCY:-16}
BENCH_IDLE_SECONDS=${BENCH_IDLE_SECONDS:-5}
BENCH_CHECKOUT_SECONDS=${BENCH_CHECKOUT_SECONDS:-15}
BENCH_WRK_THREADS=${BENCH_WRK_THREADS:-2}
BENCH_PENDING_TIMEOUT=${BENCH_PENDING_TIMEOUT:-60}
BENCH_RUN_DIR=${BENCH_RESULTS_DIR:-$LT_DIR/results/$(date -u +%Y%m%dT%H%M%SZ)-bench}
LT_PGBENCH_SECONDS=$BENCH_PGBENCH_SECONDS
# The rate limiter must not be what caps creates: its maximum (QiwiSettings).
BENCH_QIWI_CALLS_PER_SECOND=10000
BENCH_MERCHANT=bench-shop
# Bill ids of a run start with this (bill ids are at most 30 characters).
BENCH_RUN_ID=$(date -u +%H%M%S)

export BENCH_LUA_DIR="$BENCH_HERE"
BENCH_TOKEN="bench-$(od -An -N12 -tx1 /dev/urandom | tr -d ' \n')"
export BENCH_TOKEN
export BENCH_SECRET_KEY="$LT_SECRET_KEY"
CLK_TCK=$(getconf CLK_TCK)

declare -A R=()        # figures by "phase.name"
INGEST_STEPS=()        # the measured ingest phases, in order
CREATE_STEPS=()
PROOF_ROWS=()          # markdown rows of the proof table
PROOF_FAILED=0
PHASES=0

# --- measuring ---------------------------------------------------------------------------------------

# cpu_snapshot: "gateway PostgreSQL sandbox" CPU time so far, in ms (/proc utime + stime; for
# PostgreSQL also its exited backends, see lt_postgres_cpu_ms).
# One awk for all of them: forks are slow on a loaded machine.
cpu_snapshot() {
  local postmaster children
  postmaster=$(sed -n 1p "$LT_WORK/pg/postmaster.pid")
  children=$(pgrep -P "$postmaster" | sed 's|.*|/proc/&/stat|')
  # shellcheck disable=SC2086  # one argument per child
  awk -v tck="$CLK_TCK" -v gateway="/proc/$LT_GATEWAY_PID/stat" -v sandbox="/proc/$LT_SANDBOX_PID/stat" \
    -v postmaster="/proc/$postmaster/stat" '
    # The sum of the first N of utime, stime, cutime, cstime (0 when the process is gone).
    function ticks(file, n,   line, f, i, sum) {
      if ((getline line < file) <= 0) return 0
      close(file)
      sub(/^.*\) /, "", line)
      split(line, f, " ")
      for (i = 12; i < 12 + n; i++) sum += f[i]
      return sum
    }
    BEGIN {
      pg = ticks(postmaster, 4)
      for (i = 1; i < ARGC; i++) pg += ticks(ARGV[i], 2)
      printf "%d %d %d\n", ticks(gateway, 2) * 1000 / tck, pg * 1000 / tck, ticks(sandbox, 2) * 1000 / tck
    }' $children
}

# children_cpu_ms FILE: CPU time of this shell's reaped children (bash's `times`, second line) as
# written to FILE by `times >FILE` in this very shell (a subshell would count its own children).
children_cpu_ms() {
  awk 'NR == 2 {
    split($1, u, /[ms]/); split($2, s, /[ms]/)
    printf "%.0f", (u[1] * 60 + u[2] + s[1] * 60 + s[2]) * 1000 }' "$1"
}

# run_wrk PHASE SCRIPT CONCURRENCY SECONDS URL AFTER [NAME=VALUE ...]: one wrk run; AFTER (a command,
# or "true") runs once wrk has stopped and before the CPU window closes. Sets R[PHASE.*]: wrk's counts
# (see common.lua), rate (ok/s), p50/p99 (ms) and CPU µs per ok operation of gateway, postgres,
# sandbox and wrk.
run_wrk() {
  local phase=$1 script=$2 concurrency=$3 seconds=$4 url=$5 after=$6 threads before after_cpu pid
  local wrk_before wrk_after name value
  shift 6
  threads=$((concurrency < BENCH_WRK_THREADS ? concurrency : BENCH_WRK_THREADS))
  lt_log "$phase: wrk -t$threads -c$concurrency -d${seconds}s $url ($script)"
  before=$(cpu_snapshot)
  times >"$LT_WORK/times-before"
  env "$@" BENCH_WRK_OUT="$BENCH_RUN_DIR/$phase.counts" \
    wrk -t "$threads" -c "$concurrency" -d "${seconds}s" --timeout 10s --latency -s "$BENCH_HERE/$script" "$url" \
    >"$BENCH_RUN_DIR/$phase.wrk" 2>&1 &
  pid=$!
  LT_PIDS+=("$pid")
  wait "$pid" || { cat "$BENCH_RUN_DIR/$phase.wrk" >&2; lt_die "wrk failed in $phase"; }
  times >"$LT_WORK/times-after"
  forget_pid "$pid"
  wrk_before=$(children_cpu_ms "$LT_WORK/times-before")
  wrk_after=$(children_cpu_ms "$LT_WORK/times-after")
  $after || R[$phase.after_failed]=1
  after_cpu=$(cpu_snapshot)
  [ -s "$BENCH_RUN_DIR/$phase.counts" ] || { cat "$BENCH_RUN_DIR/$phase.wrk" >&2; lt_die "wrk wrote no counts in $phase"; }
  while IFS='=' read -r name value; do
    R[$phase.$name]=$value
  done <"$BENCH_RUN_DIR/$phase.counts"
  R[$phase.concurrency]=$concurrency
  R[$phase.seconds]=$(lt_calc "${R[$phase.duration_us]} / 1000000" "%.2f")
  R[$phase.rate]=$(lt_calc "${R[$phase.ok]} * 1000000 / ${R[$phase.duration_us]}" "%.0f")
  R[$phase.p50]=$(lt_calc "${R[$phase.p50_us]} / 1000" "%.2f")
  R[$phase.p99]=$(lt_calc "${R[$phase.p99_us]} / 1000" "%.2f")
  R[$phase.not_ok]=$((${R[$phase.refused]} + ${R[$phase.errors_connect]} + ${R[$phase.errors_read]} \
    + ${R[$phase.errors_write]} + ${R[$phase.errors_timeout]}))
  local -a b a
  read -r -a b <<<"$before"
  read -r -a a <<<"$after_cpu"
  R[$phase.gateway_us]=$(per_op "$phase" "${a[0]} - ${b[0]}")
  R[$phase.postgres_us]=$(per_op "$phase" "${a[1]} - ${b[1]}")
  R[$phase.sandbox_us]=$(per_op "$phase" "${a[2]} - ${b[2]}")
  R[$phase.wrk_us]=$(per_op "$phase" "$wrk_after - $wrk_before")
  lt_log "$phase: ${R[$phase.rate]}/s ok, p50 ${R[$phase.p50]} ms, p99 ${R[$phase.p99]} ms, not ok ${R[$phase.not_ok]};" \
    "CPU µs/op: gateway ${R[$phase.gateway_us]}, PostgreSQL ${R[$phase.postgres_us]}, sandbox ${R[$phase.sandbox_us]}, wrk ${R[$phase.wrk_us]}"
}

# per_op PHASE MS_EXPRESSION: CPU ms over the phase's ok operations, in µs each.
per_op() {
  local ok=${R[$1.ok]}
  if [ "$ok" -gt 0 ]; then lt_calc "($2) * 1000 / $ok" "%.0f"; else echo "n/a"; fi
}

forget_pid() {
  local kept=() pid
  for pid in "${LT_PIDS[@]}"; do
    [ "$pid" = "$1" ] || kept+=("$pid")
  done
  LT_PIDS=("${kept[@]}")
}

ratio() {
  case "$1$2" in *n/a*|"") echo "n/a"; return ;; esac
  lt_calc "$2 > 0 ? $1 / $2 : 0" "%.2f"
}

# --- notification ingest -----------------------------------------------------------------------------

# seed_notifications PREFIX BILLS THREADS FILE: BILLS bills issued at QIWI and waiting, written straight
# into the bill table, then their notifications, signed in SQL (pgcrypto's HMAC-SHA256 over the
# signed string of docs/qiwi.md#rest-v3-notifications), repeats included, split into FILE.0 … FILE.(THREADS-1).
seed_notifications() {
  local prefix=$1 bills=$2 threads=$3 file=$4 every repeats
  every=0
  if [ "$BENCH_DUPLICATE_PERCENT" -gt 0 ]; then
    every=$(((100 - BENCH_DUPLICATE_PERCENT + BENCH_DUPLICATE_PERCENT / 2) / BENCH_DUPLICATE_PERCENT))
  fi
  repeats="n % $every = 0"
  [ "$every" -gt 0 ] || repeats="false"
  lt_log "seeding $bills issued, waiting bills ($prefix-*) and their signed notifications"
  lt_psql -v count="$bills" -v prefix="$prefix" -v merchant="$BENCH_MERCHANT" <<'EOF' || lt_die "the bill seed failed"
INSERT INTO bill (bill_id, merchant_id, amount, currency, customer, comment, provider_name, pay_url,
                  expires_at, created_by_key, issue_state, status, qiwi_checked_at, next_poll_at)
SELECT :'prefix' || '-' || g, :'merchant',
       (100 + (g::bigint * 7919) % 49900)::numeric(12,2), 'RUB', 'tel:+7916' || (1000000 + g % 9000000),
       'Order ' || g, 'Marketplace',
       'https://bill.qiwi.com/order/external/main.action?shop=2042&transaction=' || :'prefix' || '-' || g,
       now() + interval '7 days', 'seed-' || :'prefix' || '-' || g, 'issued', 'waiting', now(),
       -- Left out of the poller's schedule: the phase measures notification ingest, not polling.
       NULL
FROM generate_series(1, :count) AS g;
EOF
  lt_psql -c "VACUUM ANALYZE bill" || lt_die "VACUUM ANALYZE failed"
  lt_psql -tA -c "COPY (
    WITH b AS (
      SELECT substr(bill_id, length('$prefix-') + 1)::bigint AS n, bill_id, amount::text AS amount, customer
      FROM bill WHERE bill_id LIKE '$prefix-%'),
    signed AS (
      SELECT n,
        encode(hmac(amount || '|' || bill_id || '|RUB|0|' || customer || '|$LT_QIWI_PRV_ID|paid',
                    '$LT_SECRET_KEY', 'sha256'), 'base64') AS signature,
        'prv_id=$LT_QIWI_PRV_ID&bill_id=' || bill_id || '&status=paid&error=0&amount=' || amount
          || '&phone=' || replace(replace(customer, ':', '%3A'), '+', '%2B')
          || '&payment_date=2026-12-01T10%3A15%3A30&currency=RUB&comment=Order+' || n || '&version=1' AS body
      FROM b)
    SELECT id, signature, body FROM (
      SELECT n::numeric AS position, 'f' || n AS id, signature, body FROM signed
      UNION ALL
      SELECT n + $BENCH_DUPLICATE_GAP + 0.5, 'd' || n, signature, body FROM signed WHERE $repeats) AS notification
    ORDER BY position) TO STDOUT" >"$file" || lt_die "cannot write the notifications"
  rm -f "$file".*
  awk -v threads="$threads" -v out="$file" '{print > (out "." ((NR - 1) % threads))}' "$file"
  R[$prefix.notifications]=$(wc -l <"$file")
}

# wait_applied: until nothing is pending in the inbox (twice in a row), at most BENCH_PENDING_TIMEOUT s.
# With an ingest that acknowledges after inserting into the inbox and applies behind it, this is the
# apply catching up; with one that applies before acknowledging, nothing is ever pending.
# shellcheck disable=SC2317  # called through run_wrk's AFTER argument
wait_applied() {
  local deadline=$((SECONDS + BENCH_PENDING_TIMEOUT)) pending zeros=0
  while :; do
    pending=$(lt_psql -tAc "SELECT count(*) FROM notification_inbox WHERE verdict = 'pending'") || return 1
    if [ "$pending" = "0" ]; then
      zeros=$((zeros + 1))
      [ "$zeros" -ge 2 ] && return 0
    else
      zeros=0
    fi
    if [ "$SECONDS" -ge "$deadline" ]; then
      lt_log "still $pending notifications pending after ${BENCH_PENDING_TIMEOUT} s"
      return 1
    fi
    sleep 0.25
  done
}

# ingest_phase PHASE CONCURRENCY SECONDS EXPECTED_RATE: fresh bills for the phase, wrk, the proof.
ingest_phase() {
  local phase=$1 concurrency=$2 seconds=$3 expected=$4 prefix bills threads file
  PHASES=$((PHASES + 1))
  prefix="b${BENCH_RUN_ID}p$PHASES"
  threads=$((concurrency < BENCH_WRK_THREADS ? concurrency : BENCH_WRK_THREADS))
  # First deliveries for the whole phase at the expected rate, plus a quarter and a margin.
  bills=$(lt_calc "$expected * $seconds * 1.25 * (100 - $BENCH_DUPLICATE_PERCENT) / 100 + 1000" "%.0f")
  file="$LT_WORK/$phase.tsv"
  seed_notifications "$prefix" "$bills" "$threads" "$file"
  run_wrk "$phase" notify.lua "$concurrency" "$seconds" "http://127.0.0.1:$LT_API_PORT" wait_applied \
    BENCH_REQUESTS="$file" BENCH_ACKED_OUT="$LT_WORK/$phase.acked"
  R[$phase.bills]=$bills
  R[$phase.notifications]=${R[$prefix.notifications]}
  rm -f "$file" "$file".*
  prove_ingest "$phase" "$prefix"
}

# prove_ingest PHASE PREFIX: the counts of the phase's bills, read in one snapshot, against wrk's.
prove_ingest() {
  local phase=$1 prefix=$2 ok_rows applied duplicate stale other pending paid events acked first unanswered
  read -r ok_rows applied duplicate stale other pending paid events < <(lt_psql -tA -F' ' -c "
    SELECT count(*) FILTER (WHERE verdict IN ('applied', 'duplicate', 'stale')),
           count(*) FILTER (WHERE verdict = 'applied'),
           count(*) FILTER (WHERE verdict = 'duplicate'),
           count(*) FILTER (WHERE verdict = 'stale'),
           count(*) FILTER (WHERE verdict NOT IN ('applied', 'duplicate', 'stale', 'pending')),
           count(*) FILTER (WHERE verdict = 'pending'),
           (SELECT count(*) FROM bill WHERE bill_id LIKE '$prefix-%' AND status = 'paid'),
           (SELECT count(*) FROM event WHERE bill_id LIKE '$prefix-%' AND type = 'bill.paid')
    FROM notification_inbox WHERE bill_id LIKE '$prefix-%'")
  [ -n "${events:-}" ] || lt_die "the proof query of $phase failed"
  # Per bill, from the ids of the acknowledged requests (f/d/w + the bill's number): a bill with fewer
  # inbox rows than acknowledged notifications lost one, whatever the totals say.
  local short not_paid
  read -r short not_paid < <(lt_psql -tA -F' ' -v prefix="$prefix" <<EOF
CREATE TEMP TABLE acked (id text);
\copy acked FROM '$LT_WORK/$phase.acked'
WITH a AS (SELECT :'prefix' || '-' || substr(id, 2) AS bill_id, count(*) AS acked FROM acked GROUP BY 1),
     r AS (SELECT bill_id, count(*) AS inbox_rows FROM notification_inbox
           WHERE bill_id LIKE :'prefix' || '-%' AND verdict IN ('applied', 'duplicate', 'stale') GROUP BY 1)
SELECT count(*) FILTER (WHERE coalesce(r.inbox_rows, 0) < a.acked),
       count(*) FILTER (WHERE b.status IS DISTINCT FROM 'paid')
FROM a LEFT JOIN r USING (bill_id) LEFT JOIN bill b USING (bill_id);
EOF
  )
  [ -n "${not_paid:-}" ] || lt_die "the per-bill proof query of $phase failed"
  acked=${R[$phase.ok]}
  first=${R[$phase.acked_first]}
  # Requests wrk sent but whose answer it never read: cut off when the phase's time was up (wrk's
  # check of the script before the run calls request() once more, on one thread). Their
  # notifications may have been committed all the same.
  unanswered=$((${R[$phase.sent]} - 1 - ${R[$phase.responses]}))
  [ "$unanswered" -ge 0 ] || unanswered=0
  local verdicts=() result="ok"
  if [ "$ok_rows" -lt "$acked" ] || [ "$ok_rows" -gt $((acked + unanswered)) ]; then
    verdicts+=("acknowledged $acked ≠ inbox rows $ok_rows (unanswered $unanswered)")
  fi
  [ "$paid" -ge "$first" ] || verdicts+=("paid bills $paid < acknowledged first notifications $first")
  [ "$events" -eq "$applied" ] || verdicts+=("bill.paid events $events ≠ applied $applied")
  [ "$short" -eq 0 ] || verdicts+=("$short bills have fewer inbox rows than acknowledged notifications")
  [ "$not_paid" -eq 0 ] || verdicts+=("$not_paid bills with an acknowledged notification are not paid")
  [ "$pending" -eq 0 ] || verdicts+=("$pending still pending")
  [ "$other" -eq 0 ] || verdicts+=("$other rows neither applied, duplicate nor stale")
  [ -z "${R[$phase.after_failed]:-}" ] || verdicts+=("the inbox did not drain in ${BENCH_PENDING_TIMEOUT} s")
  if [ "${#verdicts[@]}" -gt 0 ]; then
    result="**FAILED**: $(printf '%s; ' "${verdicts[@]}")"
    result=${result%; }
    PROOF_FAILED=1
  fi
  lt_log "$phase proof: acked $acked (first $first), unanswered $unanswered, inbox $ok_rows" \
    "(applied $applied, duplicate $duplicate, stale $stale, other $other, pending $pending), paid $paid," \
    "bill.paid events $events: $result"
  local ge="≥" eq="="
  [ "$paid" -ge "$first" ] || ge="<"
  [ "$events" -eq "$applied" ] || eq="≠"
  PROOF_ROWS+=("| $phase | $acked ($first + ${R[$phase.acked_repeats]}) | $unanswered | $ok_rows | $applied / $duplicate / $stale / $other / $pending | $paid $ge $first | $events $eq $applied | $short / $not_paid | ${R[$phase.notifications]} for ${R[$phase.bills]} bills (${R[$phase.wrapped]}) | $result |")
  if [ "${R[$phase.wrapped]}" -gt 0 ]; then
    lt_log "$phase ran out of seeded notifications: ${R[$phase.wrapped]} sent again (more repeats than planned)"
  fi
}

# --- creates and checkout ----------------------------------------------------------------------------

create_phase() {
  local phase=$1 concurrency=$2 mode=$3 url=$4 seconds=$5 tag
  PHASES=$((PHASES + 1))
  tag="k${BENCH_RUN_ID}p$PHASES"
  run_wrk "$phase" create.lua "$concurrency" "$seconds" "$url" true BENCH_MODE="$mode" BENCH_TAG="$tag" \
    BENCH_LIFETIME="$(date -u -d '+7 days +3 hours' '+%Y-%m-%dT%H%%3A%M%%3A%S')"
  R[$phase.tag]=$tag
  if [ "$mode" != "direct" ]; then
    local issued
    issued=$(lt_psql -tAc "SELECT count(*) FROM bill WHERE bill_id LIKE '$tag-%' AND issue_state = 'issued'")
    if [ "$issued" -lt "${R[$phase.creates]}" ]; then
      PROOF_FAILED=1
      PROOF_ROWS+=("| $phase | ${R[$phase.creates]} creates answered 201 | | | | | | | issued bills $issued | **FAILED**: fewer issued bills than 201 answers |")
    fi
  fi
}

# idle_phase: CPU the processes take with no load, in ms per second.
idle_phase() {
  local before after
  lt_log "idle: ${BENCH_IDLE_SECONDS} s without load"
  before=$(cpu_snapshot)
  sleep "$BENCH_IDLE_SECONDS"
  after=$(cpu_snapshot)
  local -a b a
  read -r -a b <<<"$before"
  read -r -a a <<<"$after"
  R[idle.gateway]=$(lt_calc "(${a[0]} - ${b[0]}) / $BENCH_IDLE_SECONDS" "%.0f")
  R[idle.postgres]=$(lt_calc "(${a[1]} - ${b[1]}) / $BENCH_IDLE_SECONDS" "%.0f")
  R[idle.sandbox]=$(lt_calc "(${a[2]} - ${b[2]}) / $BENCH_IDLE_SECONDS" "%.0f")
  lt_log "idle: CPU ms per s: gateway ${R[idle.gateway]}, PostgreSQL ${R[idle.postgres]}, sandbox ${R[idle.sandbox]}"
}

# --- the summary -------------------------------------------------------------------------------------

phase_row() {
  local phase=$1 label=$2 rate=${R[$1.rate]}
  echo "| $label | ${R[$phase.concurrency]} | $rate | $(ratio "$rate" "$LT_PGBENCH_TPS")× | ${R[$phase.p50]} | ${R[$phase.p99]} | ${R[$phase.not_ok]} | ${R[$phase.gateway_us]} | ${R[$phase.postgres_us]} | ${R[$phase.sandbox_us]} | ${R[$phase.wrk_us]} |"
}

# with_times RATIO: "2.31×", or "n/a".
with_times() {
  case "$1" in n/a) echo "n/a" ;; *) echo "$1×" ;; esac
}

met() {
  if [ "$1" = "n/a" ]; then echo "n/a"; elif awk "BEGIN {exit !($1 $2 $3)}"; then echo "yes"; else echo "**no**"; fi
}

write_summary() {
  local out=$1 best=${BEST_INGEST:-} best_ratio="n/a" best_text="no step had p99 < ${BENCH_P99_LIMIT_MS} ms"
  local phase create_best="" create_ratio="n/a" add50="n/a" add99="n/a" cpu_phase=$best cpu_text="best ingest step"
  if [ -n "$best" ]; then
    best_ratio=$(ratio "${R[$best.rate]}" "$LT_PGBENCH_TPS")
    best_text="${R[$best.rate]}/s at c=${R[$best.concurrency]}, p99 ${R[$best.p99]} ms"
  else
    # No step under the p99 limit: the CPU per notification of the fastest step still says what it costs.
    for phase in "${INGEST_STEPS[@]}"; do
      if [ -z "$cpu_phase" ] || [ "${R[$phase.rate]}" -gt "${R[$cpu_phase.rate]}" ]; then cpu_phase=$phase; fi
    done
    cpu_text="fastest ingest step, p99 over the limit"
  fi
  local gw_us=${R[$cpu_phase.gateway_us]:-n/a} pg_us=${R[$cpu_phase.postgres_us]:-n/a}
  [ -n "$cpu_phase" ] && cpu_text="$cpu_text, c=${R[$cpu_phase.concurrency]}"
  for phase in "${CREATE_STEPS[@]}"; do
    if [ -z "$create_best" ] || [ "${R[$phase.rate]}" -gt "${R[$create_best.rate]}" ]; then create_best=$phase; fi
  done
  [ -n "$create_best" ] && create_ratio=$(ratio "${R[$create_best.rate]}" "$LT_PGBENCH_TPS")
  if [ -n "${R[create-c1.p50]:-}" ] && [ -n "${R[direct-c1.p50]:-}" ]; then
    add50=$(lt_calc "${R[create-c1.p50]} - ${R[direct-c1.p50]}" "%.2f")
    add99=$(lt_calc "${R[create-c1.p99]} - ${R[direct-c1.p99]}" "%.2f")
  fi
  {
    echo "# qiwi-gateway light-generator benchmark"
    echo
    echo "Measured $(date -u +%Y-%m-%dT%H:%M:%SZ) on $(nproc) cores ($(uname -m)), everything on this one machine: PostgreSQL"
    echo "$(lt_psql -tAc "SHOW server_version" | cut -d' ' -f1) (fsync=$(lt_psql -tAc "SHOW fsync"), synchronous_commit=$(lt_psql -tAc "SHOW synchronous_commit")),"
    echo "the gateway jar (prod profile, commit $(git -C "$LT_ROOT" rev-parse --short HEAD 2>/dev/null || echo unknown)),"
    echo "a standalone QIWI sandbox and $(wrk --version 2>&1 | head -n 1 | cut -d' ' -f1-2); load average at the end: $(cut -d' ' -f1-3 /proc/loadavg)."
    echo
    echo "Command: \`$BENCH_COMMAND\`"
    echo
    echo "Gateway settings: GATEWAY_PROFILE=prod PG_POOL_SIZE=$LT_POOL_SIZE QIWI_CALLS_PER_SECOND=$BENCH_QIWI_CALLS_PER_SECOND,"
    echo "JVM \`$LT_GATEWAY_JAVA_OPTS\`. wrk: up to $BENCH_WRK_THREADS threads, keep-alive connections, closed loop."
    echo "Ingest: ${BENCH_WARMUP_SECONDS} s warm-up at c=$BENCH_WARMUP_CONCURRENCY, then ${BENCH_STEP_SECONDS} s per step at c = $BENCH_CONCURRENCY"
    echo "until p99 ≥ ${BENCH_P99_LIMIT_MS} ms; fresh bills per phase; ${BENCH_DUPLICATE_PERCENT}% of notifications repeat one sent $BENCH_DUPLICATE_GAP earlier."
    echo "Creates: ${BENCH_CREATE_WARMUP_SECONDS} s warm-up (checkouts at c=8), then ${BENCH_CREATE_SECONDS} s per step at c = $BENCH_CREATE_CONCURRENCY (doubling"
    echo "past the list while creates/s grows 5%, up to c=$BENCH_CREATE_MAX_CONCURRENCY); checkout ${BENCH_CHECKOUT_SECONDS} s; pgbench ${BENCH_PGBENCH_SECONDS} s; /health/live ${BENCH_HEALTH_SECONDS} s."
    echo
    echo "## Rates and CPU per operation"
    echo
    echo "\"ok/s\": operations answered as done (notifications: 200 \`{\"error\":0}\`; creates: 201; direct PUT: result_code 0;"
    echo "checkout: the refresh, its last step, answered 200), over wrk's run. CPU: µs of CPU per ok operation, from"
    echo "/proc (gateway JVM; PostgreSQL = postmaster + backends, exited ones included; sandbox JVM; wrk itself); for"
    echo "ingest the window runs until the inbox has nothing pending. \"not ok\": other answers and socket errors/timeouts."
    echo
    echo "| phase | c | ok/s | ÷ pgbench | p50 ms | p99 ms | not ok | gateway µs/op | PostgreSQL µs/op | sandbox µs/op | wrk µs/op |"
    echo "|---|---|---|---|---|---|---|---|---|---|---|"
    echo "| pgbench: one INSERT + commit per transaction | $LT_POOL_SIZE | $LT_PGBENCH_TPS | 1.00× | $LT_PGBENCH_P50_MS | $LT_PGBENCH_P99_MS | 0 | – | $LT_PGBENCH_PG_US | – | $LT_PGBENCH_CLIENT_US (pgbench) |"
    phase_row health "GET /health/live (management port)"
    phase_row warmup "ingest warm-up (not a step)"
    for phase in "${INGEST_STEPS[@]}"; do
      if [ "$phase" = "$best" ]; then phase_row "$phase" "**ingest, best with p99 < ${BENCH_P99_LIMIT_MS} ms**"; else phase_row "$phase" "ingest"; fi
    done
    for phase in "${CREATE_STEPS[@]}"; do phase_row "$phase" "POST /v1/bills"; done
    phase_row direct-c1 "the same PUT straight to the sandbox"
    phase_row checkout "checkout (create, GET, GET ?refresh=true)"
    echo
    echo "Idle (${BENCH_IDLE_SECONDS} s without load, after the ingest steps): CPU ms per second: gateway ${R[idle.gateway]},"
    echo "PostgreSQL ${R[idle.postgres]}, sandbox ${R[idle.sandbox]}; the per-op figures above include this background share."
    echo
    echo "Checkout: ${R[checkout.creates]} creates, ${R[checkout.reads]} reads, ${R[checkout.refreshes]} refreshes answered OK;"
    echo "$(lt_calc "${R[checkout.completed]} * 1000000 / ${R[checkout.duration_us]}" "%.0f") requests/s; its p50/p99 are per request, its CPU per checkout."
    echo
    echo "## Targets (issue 11)"
    echo
    echo "| target | measured | met |"
    echo "|---|---|---|"
    echo "| ingest ≥ 2× pgbench (goal 3×) with p99 < ${BENCH_P99_LIMIT_MS} ms | $(with_times "$best_ratio") ($best_text) | $(met "$best_ratio" ">=" 2) (3×: $(met "$best_ratio" ">=" 3)) |"
    echo "| creates ≥ 0.25× pgbench | $(with_times "$create_ratio") (${R[$create_best.rate]:-n/a}/s at c=${R[$create_best.concurrency]:-n/a}) | $(met "$create_ratio" ">=" 0.25) |"
    echo "| gateway CPU per notification ≤ 50 µs | $gw_us µs ($cpu_text) | $(met "$gw_us" "<=" 50) |"
    echo "| PostgreSQL CPU per notification ≤ 60 µs | $pg_us µs ($cpu_text) | $(met "$pg_us" "<=" 60) |"
    echo "| added create latency at c=1, p50 ≤ 2 ms | $add50 ms (${R[create-c1.p50]:-n/a} − ${R[direct-c1.p50]:-n/a}) | $(met "$add50" "<=" 2) |"
    echo "| added create latency at c=1, p99 ≤ 10 ms | $add99 ms (${R[create-c1.p99]:-n/a} − ${R[direct-c1.p99]:-n/a}) | $(met "$add99" "<=" 10) |"
    echo
    echo "## Proof that nothing acknowledged was lost"
    echo
    echo "Per ingest phase, over that phase's own bills, once nothing was pending in the inbox: acknowledged (wrk's"
    echo "count of 200 \`{\"error\":0}\`) = inbox rows applied + duplicate + stale (up to the requests wrk had sent but not"
    echo "read an answer to when its time was up: those may have been committed); paid bills ≥ acknowledged first"
    echo "deliveries; \`bill.paid\` events = applied rows; and per bill, from the echoed request ids of the acknowledged"
    echo "answers: no bill has fewer inbox rows than acknowledged notifications, every such bill is paid (both 0)."
    echo "For creates: issued bills ≥ 201 answers (listed only if not)."
    echo
    echo "| phase | acknowledged (first + repeats) | unanswered at stop | inbox applied+duplicate+stale | applied / duplicate / stale / other / pending | paid bills ≥ acked first | bill.paid events = applied | per bill: short of rows / not paid | notifications seeded (sent again) | result |"
    echo "|---|---|---|---|---|---|---|---|---|---|"
    printf '%s\n' "${PROOF_ROWS[@]}"
  } >"$out"
}

# --- the run -----------------------------------------------------------------------------------------

lt_setup "$BENCH_RUN_DIR"
command -v wrk >/dev/null || lt_die "wrk is needed: apt-get install wrk"
for tool in od md5sum sha256sum base64; do
  command -v "$tool" >/dev/null || lt_die "$tool is not installed"
done
if [ ! -f "$LT_JAR" ]; then
  lt_log "building the gateway jar (mvn -o -q -DskipTests package)"
  (cd "$LT_ROOT" && mvn -o -q -DskipTests package) || lt_die "the gateway jar did not build"
fi
BENCH_STARTED=$SECONDS

lt_start_postgres
lt_psql -c "CREATE EXTENSION IF NOT EXISTS pgcrypto" \
  || lt_die "pgcrypto (PostgreSQL's contrib) is needed to sign the notifications"
lt_start_sandbox "$LT_SANDBOX_PORT" "$BENCH_RUN_DIR/sandbox.log"
lt_start_gateway_prod "$LT_SANDBOX_PORT" "$BENCH_MERCHANT" "$BENCH_TOKEN" \
  QIWI_CALLS_PER_SECOND="$BENCH_QIWI_CALLS_PER_SECOND"

lt_pgbench

# The warm-up first: the trivial endpoint is then measured with the HTTP stack compiled by the JIT too.
ingest_phase warmup "$BENCH_WARMUP_CONCURRENCY" "$BENCH_WARMUP_SECONDS" "${BENCH_SEED_RATE:-$LT_PGBENCH_TPS}"
run_wrk health probe.lua "$BENCH_HEALTH_CONCURRENCY" "$BENCH_HEALTH_SECONDS" \
  "http://127.0.0.1:$LT_MANAGEMENT_PORT/health/live" true
expected=${R[warmup.rate]}
BEST_INGEST=""
for concurrency in $BENCH_CONCURRENCY; do
  phase="ingest-c$concurrency"
  ingest_phase "$phase" "$concurrency" "$BENCH_STEP_SECONDS" "$(lt_calc "$expected * 1.5 + 500" "%.0f")"
  INGEST_STEPS+=("$phase")
  [ "${R[$phase.rate]}" -gt "$expected" ] && expected=${R[$phase.rate]}
  if awk "BEGIN {exit !(${R[$phase.p99]} >= $BENCH_P99_LIMIT_MS)}"; then
    lt_log "p99 ${R[$phase.p99]} ms reached ${BENCH_P99_LIMIT_MS} ms at c=$concurrency: no higher concurrency"
    break
  fi
  if [ -z "$BEST_INGEST" ] || [ "${R[$phase.rate]}" -gt "${R[$BEST_INGEST.rate]}" ]; then BEST_INGEST=$phase; fi
done

idle_phase
if [ "$BENCH_CREATE_WARMUP_SECONDS" -gt 0 ]; then
  create_phase create-warmup 8 checkout "http://127.0.0.1:$LT_API_PORT" "$BENCH_CREATE_WARMUP_SECONDS"
fi
previous=""
for concurrency in $BENCH_CREATE_CONCURRENCY; do
  create_phase "create-c$concurrency" "$concurrency" create "http://127.0.0.1:$LT_API_PORT" "$BENCH_CREATE_SECONDS"
  CREATE_STEPS+=("create-c$concurrency")
  previous="create-c$concurrency"
done
# Past the list, double the concurrency while creates/s still grows by 5%.
while [ -n "$previous" ]; do
  concurrency=$((${R[$previous.concurrency]} * 2))
  before_previous=${CREATE_STEPS[${#CREATE_STEPS[@]} - 2]:-}
  if [ -z "$before_previous" ] || [ "$concurrency" -gt "$BENCH_CREATE_MAX_CONCURRENCY" ] \
    || ! awk "BEGIN {exit !(${R[$previous.rate]} > 1.05 * ${R[$before_previous.rate]})}"; then
    break
  fi
  create_phase "create-c$concurrency" "$concurrency" create "http://127.0.0.1:$LT_API_PORT" "$BENCH_CREATE_SECONDS"
  CREATE_STEPS+=("create-c$concurrency")
  previous="create-c$concurrency"
done
create_phase direct-c1 1 direct "http://127.0.0.1:$LT_SANDBOX_PORT" "$BENCH_CREATE_SECONDS"
create_phase checkout "$BENCH_CHECKOUT_CONCURRENCY" checkout "http://127.0.0.1:$LT_API_PORT" "$BENCH_CHECKOUT_SECONDS"

write_summary "$BENCH_RUN_DIR/summary.md"
printf '\nWhole run: %s s. Files: %s/\n' "$((SECONDS - BENCH_STARTED))" "${BENCH_RUN_DIR#"$LT_ROOT"/}" >>"$BENCH_RUN_DIR/summary.md"
cat "$BENCH_RUN_DIR/summary.md"
if [ "$PROOF_FAILED" -ne 0 ]; then
  lt_log "a count disagreed: see the proof table"
  exit 3
fi
exit 0
