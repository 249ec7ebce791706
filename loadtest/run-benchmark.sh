#!/usr/bin/env bash
# The notification-ingest benchmark (issue 4): in one run, on one throwaway PostgreSQL with default
# durability, measure the baseline of one INSERT and commit per request with pgbench, then flood the
# gateway's POST /qiwi/notifications with signed notifications for pre-issued bills (open model,
# ramp then steady) and print, side by side, the baseline, the gateway's sustained rate, the ratio,
# p50/p99 latency, errors and the ingest batch sizes from the gateway's own metrics.
#
#   loadtest/run-benchmark.sh                 # rate: 2x the measured pgbench baseline
#   LT_RATE=8000 loadtest/run-benchmark.sh    # a fixed rate (notifications/s)
#
# Settings (environment): LT_RATE, LT_RAMP_SECONDS=10, LT_STEADY_SECONDS=60, LT_DUPLICATE_SHARE=0.2,
# LT_RESULTS_DIR (default loadtest/results/<UTC time>-benchmark), plus those of lib/loadtest-common.sh.
# Exits 0 when it ran (whatever the figures), 1 when it could not run.
set -uo pipefail

# The settings this run was given, for the printed command line.
LT_SETTINGS=$(env | grep -E '^LT_[A-Z_]+=' | sort | tr '\n' ' ')

# shellcheck source=lib/loadtest-common.sh
. "$(dirname "$0")/lib/loadtest-common.sh"

lt_print_benchmark() {
  local rate=$1 ratio gateway_ceiling pgbench_ceiling ceiling_ratio pg_ceiling server_ceiling server_ratio
  ratio=$(lt_calc "$LT_STORM_OK_PER_S / $LT_PGBENCH_TPS" "%.2f")
  pgbench_ceiling=$(lt_calc "$(nproc) * 1000000 / ($LT_PGBENCH_PG_US + $LT_PGBENCH_CLIENT_US + 0.001)" "%.0f")
  pg_ceiling=$(lt_calc "$(nproc) * 1000000 / ($LT_PGBENCH_PG_US + 0.001)" "%.0f")
  if [ "$LT_STORM_GATEWAY_US" = "n/a" ]; then
    gateway_ceiling=n/a ceiling_ratio=n/a server_ceiling=n/a server_ratio=n/a
  else
    gateway_ceiling=$(lt_calc "$(nproc) * 1000000 / ($LT_STORM_GATEWAY_US + $LT_STORM_POSTGRES_US + $LT_STORM_LOADGEN_US + 0.001)" "%.0f")
    ceiling_ratio=$(lt_calc "$gateway_ceiling / $pgbench_ceiling" "%.2f")
    server_ceiling=$(lt_calc "$(nproc) * 1000000 / ($LT_STORM_GATEWAY_US + $LT_STORM_POSTGRES_US + 0.001)" "%.0f")
    server_ratio=$(lt_calc "$server_ceiling / $pg_ceiling" "%.2f")
  fi
  cat <<EOF

## Notification ingest benchmark ($(date -u +%Y-%m-%dT%H:%M:%SZ), $(nproc) cores, $(uname -m))

| Measure | Value |
|---|---|
| pgbench baseline: one INSERT + commit per transaction, $LT_POOL_SIZE clients | **$LT_PGBENCH_TPS tx/s** (p50 $LT_PGBENCH_P50_MS ms, p99 $LT_PGBENCH_P99_MS ms) |
| offered notification rate (open model, steady stage ${LT_STEADY_SECONDS} s after a ${LT_RAMP_SECONDS} s ramp) | $rate /s, ${LT_DUPLICATE_SHARE} of them QIWI-style repeats |
| gateway sustained rate: 200 {"error":0} answers per second in the steady stage | **$LT_STORM_OK_PER_S /s** |
| ratio to the pgbench baseline (goal ≥ 2) | **$ratio×** |
| latency in the steady stage, p50 / p99 (goal p99 < 50 ms) | **$LT_STORM_P50 ms / $LT_STORM_P99 ms** |
| errors (any answer but 200 {"error":0}, or none), steady / ramp | $LT_STORM_STEADY_KO of $LT_STORM_STEADY_REQUESTS / $LT_STORM_RAMP_KO |
| committed by the gateway in the steady window (its /metrics) | $LT_STORM_COMMITTED_PER_S /s over ${LT_STORM_WINDOW_S} s: $LT_STORM_VERDICTS; refused $LT_STORM_REFUSED, of them shed (queue full, 503 {"error":13}) $LT_STORM_SHED |
| ingest transactions (batches) in that window | $LT_STORM_BATCHES_PER_S /s, mean $LT_STORM_MEAN_BATCH rows, max $LT_STORM_MAX_BATCH; by size:$LT_STORM_BATCH_SHARES |
| CPU per committed notification: gateway / PostgreSQL / Gatling | $LT_STORM_GATEWAY_US µs / $LT_STORM_POSTGRES_US µs / $LT_STORM_LOADGEN_US µs |
| CPU per pgbench transaction: PostgreSQL / pgbench | $LT_PGBENCH_PG_US µs / $LT_PGBENCH_CLIENT_US µs |
| CPU-bound ceiling on $(nproc) otherwise idle cores (derived: cores × 1 s ÷ CPU per unit), load generator included | gateway ≈ $gateway_ceiling /s, pgbench ≈ $pgbench_ceiling /s: **$ceiling_ratio×** |
| the same without the load generator's CPU (Gatling or pgbench on another machine) | gateway ≈ $server_ceiling /s, PostgreSQL alone under pgbench ≈ $pg_ceiling /s: $server_ratio× |

Command: \`${LT_COMMAND:-loadtest/run-benchmark.sh}\`; PostgreSQL $(lt_psql -tAc "SHOW server_version" | cut -d' ' -f1) with fsync=on, synchronous_commit=on; gateway PG_POOL_SIZE=$LT_POOL_SIZE, JVM $LT_GATEWAY_JAVA_OPTS; Gatling on the same machine.
EOF
}

lt_benchmark_main() {
  local results=${LT_RESULTS_DIR:-$LT_DIR/results/$(date -u +%Y%m%dT%H%M%SZ)-benchmark} rate
  LT_COMMAND="${LT_SETTINGS}loadtest/run-benchmark.sh"
  lt_setup "$results"
  lt_build
  lt_start_postgres
  lt_start_gateway
  lt_pgbench
  rate=${LT_RATE:-$((2 * LT_PGBENCH_TPS))}
  lt_warm_up "$results/warm-up"
  lt_storm "$rate" "$results/storm"
  lt_print_benchmark "$rate" | tee "$results/benchmark.md"
  lt_log "results: $results (Gatling report: $results/storm/gatling/index.html)"
}

if [ "${BASH_SOURCE[0]}" = "$0" ]; then
  lt_benchmark_main
fi
