#!/usr/bin/env bash
# The load-test report (issue 5): in one run, on one throwaway PostgreSQL with default durability,
#   1. baselines: pgbench (one INSERT + commit per transaction), a trivial Vert.x endpoint under the
#      same notification storm, and the checkout's calls sent straight to a standalone QIWI sandbox;
#   2. the gateway: the checkout mix through the merchant API, then the notification storm;
# and writes loadtest/results/<UTC time>/summary.md with the figures and their ratios, next to the
# Gatling HTML reports of every simulation (and copies the summary to loadtest/results/latest-summary.md).
#
#   loadtest/run-report.sh                    # storm at 2x the measured pgbench baseline
#   LT_RATE=3000 LT_CHECKOUT_RATE=12 loadtest/run-report.sh
#
# Settings (environment): LT_RATE (notifications/s), LT_CHECKOUT_RATE=10 (checkouts/s; the gateway
# makes at most QIWI_CALLS_PER_SECOND=50 QIWI calls a second, about 3 per checkout), LT_CHECKOUT_RAMP_SECONDS=10,
# LT_CHECKOUT_STEADY_SECONDS=40, LT_DIRECT_SANDBOX_PORT=18091, LT_RESULTS_DIR, plus those of
# lib/loadtest-common.sh (storm stages, ports, pool size, ...). Exits 1 when it could not run.
set -uo pipefail

# The settings this run was given, for the summary's command line.
LT_SETTINGS=$(env | grep -E '^LT_[A-Z_]+=' | sort | tr '\n' ' ')

# shellcheck source=lib/loadtest-common.sh
. "$(dirname "$0")/lib/loadtest-common.sh"

LT_CHECKOUT_RATE=${LT_CHECKOUT_RATE:-10}
LT_CHECKOUT_RAMP_SECONDS=${LT_CHECKOUT_RAMP_SECONDS:-10}
LT_CHECKOUT_STEADY_SECONDS=${LT_CHECKOUT_STEADY_SECONDS:-40}
LT_DIRECT_SANDBOX_PORT=${LT_DIRECT_SANDBOX_PORT:-18091}
CHECKOUT_STEPS=("issue" "issue retry" "get" "refresh" "cancel" "pay at QIWI" "await paid" "refund")

# The storm against the trivial endpoint: same simulation, same rate and stages, same bills file.
trivial_baseline() {
  local rate=$1 results=$2
  lt_log "trivial Vert.x endpoint on :$LT_TRIVIAL_PORT"
  lt_start_process TRIVIAL "$results-endpoint.log" \
    java -Xms512m -Xmx512m -cp "$LT_JAR" "$LT_DIR/baseline/TrivialEndpoint.java" "$LT_TRIVIAL_PORT"
  lt_wait_tcp "$LT_TRIVIAL_PORT" 60 || lt_die "the trivial endpoint did not start"
  lt_storm_at "http://127.0.0.1:$LT_TRIVIAL_PORT" "$rate" "$results" || lt_die "the storm against the trivial endpoint did not run"
  lt_stop_process "$LT_TRIVIAL_PID"
}

# The checkout's calls straight at a standalone sandbox (its notifications off: no gateway listens).
direct_sandbox_baseline() {
  local results=$1
  lt_log "standalone QIWI sandbox on :$LT_DIRECT_SANDBOX_PORT"
  lt_start_process DIRECT "$results-sandbox.log" \
    env SANDBOX_PORT="$LT_DIRECT_SANDBOX_PORT" java -Xms512m -Xmx512m -jar "$LT_JAR" sandbox
  lt_wait_tcp "$LT_DIRECT_SANDBOX_PORT" 60 || lt_die "the standalone sandbox did not start"
  lt_gatling DirectSandboxCheckoutSimulation "$results" -Dcheckout.sandboxUrl="http://127.0.0.1:$LT_DIRECT_SANDBOX_PORT" \
    -Dcheckout.rate="$LT_CHECKOUT_RATE" -Dcheckout.rampSeconds="$LT_CHECKOUT_RAMP_SECONDS" \
    -Dcheckout.steadySeconds="$LT_CHECKOUT_STEADY_SECONDS" || lt_die "the direct sandbox checkout did not run"
  lt_stop_process "$LT_DIRECT_PID"
}

gateway_checkout() {
  local results=$1
  lt_gatling CheckoutMixSimulation "$results" -Dcheckout.baseUrl="http://127.0.0.1:$LT_API_PORT" \
    -Dcheckout.sandboxUrl="http://127.0.0.1:$LT_SANDBOX_PORT" \
    -Dcheckout.rate="$LT_CHECKOUT_RATE" -Dcheckout.rampSeconds="$LT_CHECKOUT_RAMP_SECONDS" \
    -Dcheckout.steadySeconds="$LT_CHECKOUT_STEADY_SECONDS" || lt_die "the checkout mix did not run"
}

ratio() {
  local a=$1 b=$2
  case "$a$b" in *n/a*) echo "n/a"; return ;; esac
  lt_calc "$b > 0 ? $a / $b : 0" "%.2f"
}

checkout_rows() {
  local gateway="$1/requests.tsv" direct="$2/requests.tsv" step g d
  for step in "${CHECKOUT_STEPS[@]}"; do
    g() { lt_request "$gateway" "$step steady" "$1"; }
    d() { lt_request "$direct" "$step steady" "$1"; }
    echo "| $step | $(g requests) / $(g ko) | $(g p50_ms) / $(g p99_ms) | $(d requests) / $(d ko) | $(d p50_ms) / $(d p99_ms) | $(ratio "$(g p50_ms)" "$(d p50_ms)")× / $(ratio "$(g p99_ms)" "$(d p99_ms)")× |"
  done
}

write_summary() {
  local rate=$1 out=$2 trivial="$LT_RUN_DIR/trivial-storm/requests.tsv" tp50 tp99 tok
  tok=$(lt_request "$trivial" "notification steady" ok_per_s)
  tp50=$(lt_request "$trivial" "notification steady" p50_ms)
  tp99=$(lt_request "$trivial" "notification steady" p99_ms)
  cat >"$out" <<EOF
# qiwi-gateway load-test report

Measured $(date -u +%Y-%m-%dT%H:%M:%SZ) on $(nproc) cores ($(uname -m)), everything on this one machine
(PostgreSQL $(lt_psql -tAc "SHOW server_version" | cut -d' ' -f1) with fsync=on and synchronous_commit=on, the gateway,
the baselines and Gatling); load average at the end: $(cut -d' ' -f1-3 /proc/loadavg).
Command: \`${LT_COMMAND}\`. Every figure below comes from this one run.

## Notification storm: POST /qiwi/notifications

Open model: ${LT_RAMP_SECONDS} s ramp from a tenth of the rate, then ${LT_STEADY_SECONDS} s steady at **$rate notifications/s**
(${LT_DUPLICATE_SHARE} of them repeats of earlier ones, as QIWI's retries); figures are the steady stage's.

| | answered OK per s | p50 ms | p99 ms | errors | gateway ÷ this |
|---|---|---|---|---|---|
| **gateway** (signature check, inbox + arbiter, commit before the answer) | **$LT_STORM_OK_PER_S** | **$LT_STORM_P50** | **$LT_STORM_P99** | $LT_STORM_STEADY_KO of $LT_STORM_STEADY_REQUESTS | |
| pgbench: one INSERT + commit per transaction, $LT_POOL_SIZE clients (max rate, closed model) | $LT_PGBENCH_TPS | $LT_PGBENCH_P50_MS | $LT_PGBENCH_P99_MS | 0 | **$(ratio "$LT_STORM_OK_PER_S" "$LT_PGBENCH_TPS")×** (goal ≥ 2 with p99 < 50 ms) |
| trivial Vert.x endpoint (same storm: read the body, answer 200) | $tok | $tp50 | $tp99 | $(lt_request "$trivial" "notification steady" ko) | $(ratio "$LT_STORM_OK_PER_S" "$tok")× rate, $(ratio "$LT_STORM_P99" "$tp99")× p99 |

Inside the gateway, over the steady window (from its /metrics): $LT_STORM_COMMITTED_PER_S notifications/s committed
($LT_STORM_VERDICTS; refused $LT_STORM_REFUSED, of them shed (queue full, 503 {"error":13}) $LT_STORM_SHED) in $LT_STORM_BATCHES_PER_S transactions/s, mean $LT_STORM_MEAN_BATCH rows
(max $LT_STORM_MAX_BATCH; batches by size:$LT_STORM_BATCH_SHARES).

CPU per unit of work (kernel accounting, /proc): gateway $LT_STORM_GATEWAY_US µs + PostgreSQL $LT_STORM_POSTGRES_US µs
+ Gatling $LT_STORM_LOADGEN_US µs per notification; PostgreSQL $LT_PGBENCH_PG_US µs + pgbench $LT_PGBENCH_CLIENT_US µs per
pgbench transaction. These do not depend on what else ran on the machine as much as rates and latencies do.

## Checkout mix: the merchant API vs the same calls straight at the sandbox

Open model, ${LT_CHECKOUT_RAMP_SECONDS} s ramp then ${LT_CHECKOUT_STEADY_SECONDS} s at **$LT_CHECKOUT_RATE checkouts/s**: issue (Idempotency-Key;
10% retry it), get, get with refresh, then 50% pay at QIWI (sandbox admin API) and get refunded half, 20% cancel, 30% abandon.
"Direct" sends the calls the gateway makes for each step to a standalone sandbox (QIWI rest-v3 API).

| step (steady stage) | gateway requests / errors | gateway p50 / p99 ms | direct requests / errors | direct p50 / p99 ms | gateway ÷ direct p50 / p99 |
|---|---|---|---|---|---|
$(checkout_rows "$LT_RUN_DIR/checkout-gateway" "$LT_RUN_DIR/checkout-direct")

"await paid" through the gateway polls GET every 100 ms until QIWI's notification has been applied; its count is
the number of polls. The gateway makes at most 50 QIWI calls a second (QIWI_CALLS_PER_SECOND, per replica), about
3 per checkout: a higher checkout rate is answered 503 by design, not measured here.

## Gatling reports

- notification storm, gateway: [storm/gatling/index.html](storm/gatling/index.html)
- notification storm, trivial endpoint: [trivial-storm/gatling/index.html](trivial-storm/gatling/index.html)
- checkout mix, gateway: [checkout-gateway/gatling/index.html](checkout-gateway/gatling/index.html)
- checkout mix, direct to the sandbox: [checkout-direct/gatling/index.html](checkout-direct/gatling/index.html)
- warm-up storm (not reported above): [warm-up/gatling/index.html](warm-up/gatling/index.html)
EOF
}

lt_report_main() {
  local stamp results rate
  stamp=$(date -u +%Y%m%dT%H%M%SZ)
  results=${LT_RESULTS_DIR:-$LT_DIR/results/$stamp}
  LT_COMMAND="${LT_SETTINGS}loadtest/run-report.sh"
  lt_setup "$results"
  lt_build
  lt_start_postgres
  lt_start_gateway
  lt_pgbench
  rate=${LT_RATE:-$((2 * LT_PGBENCH_TPS))}
  # The trivial endpoint reads no database: bill ids of the same shape are enough for it.
  awk 'BEGIN {for (i = 1; i <= 2000000; i++) printf "lt-trivial-%d,%d.00\n", i, 100 + i % 49900}' >"$LT_WORK/bills.csv"
  trivial_baseline "$rate" "$results/trivial-storm"
  direct_sandbox_baseline "$results/checkout-direct"
  lt_warm_up "$results/warm-up"
  gateway_checkout "$results/checkout-gateway"
  lt_storm "$rate" "$results/storm"
  write_summary "$rate" "$results/summary.md"
  # The copy's links point into this run's directory.
  sed "s|](\([a-z-]*/gatling/index.html\))|](${results#"$LT_DIR/results/"}/\1)|" "$results/summary.md" \
    >"$LT_DIR/results/latest-summary.md"
  cat "$results/summary.md"
  lt_log "results: $results"
}

if [ "${BASH_SOURCE[0]}" = "$0" ]; then
  lt_report_main
fi
