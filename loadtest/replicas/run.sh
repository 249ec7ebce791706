#!/usr/bin/env bash
# Multi-replica proof on one machine (issue 5 item 3).
#
#   loadtest/replicas/run.sh [--broken NAME] [--traffic-seconds N] [--workers N] [--keep]
#
# Starts a throwaway PostgreSQL (loadtest/lib/local-postgres.sh), compiles the audit driver
# (replicas/src/main/java, package dev.qiwigateway.loadtest.replicas) with javac against the gateway's jar
# (for Vert.x) into the work directory, and runs it: it starts the standalone QIWI sandbox and 3 gateway
# replicas (prod profile, one database) behind a round-robin HTTP proxy, drives mixed traffic while
# SIGKILLing/SIGTERMing replicas and restarting PostgreSQL once, waits for quiescence and prints the
# audit table. Exit 0: every check held; 1: a violation; 2: the scenario could not run.
#
# --broken NAME applies loadtest/replicas/broken/NAME.patch to a temporary copy of the gateway's sources,
# compiles the patched classes into a copy of the jar, and runs the same scenario against that build: the
# audit must then fail, naming the violated check. Nothing in the working tree or target/ is changed.
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
# shellcheck source=../lib/local-postgres.sh
source "$ROOT/loadtest/lib/local-postgres.sh"

BROKEN=""
TRAFFIC_SECONDS=100
WORKERS=12
KEEP=0
while [ $# -gt 0 ]; do
  case "$1" in
    --broken) BROKEN=$2; shift 2 ;;
    --traffic-seconds) TRAFFIC_SECONDS=$2; shift 2 ;;
    --workers) WORKERS=$2; shift 2 ;;
    --keep) KEEP=1; shift ;;
    -h|--help) sed -n '2,15p' "$0"; exit 0 ;;
    *) echo "unknown argument: $1" >&2; exit 2 ;;
  esac
done

JAR="$ROOT/target/qiwi-gateway.jar"
if [ ! -f "$JAR" ]; then
  echo "building $JAR (mvn -o -q -DskipTests package)"
  (cd "$ROOT" && mvn -o -q -DskipTests package)
fi

WORK=$(mktemp -d /tmp/qiwi-replicas.XXXXXX)
chmod 755 "$WORK"   # the PostgreSQL account must reach its data directory inside
PG_DIR="$WORK/pgdata"
mkdir -p "$WORK/logs" "$WORK/pids" "$WORK/driver-classes"

cleanup() {
  local pidfile pid
  for pidfile in "$WORK"/pids/*.pid; do
    [ -f "$pidfile" ] || continue
    pid=$(cat "$pidfile")
    # Only processes the driver started; normally it has stopped them already.
    if kill -0 "$pid" 2>/dev/null; then kill -9 "$pid" 2>/dev/null || true; fi
  done
  pg_local_stop "$PG_DIR" || true
  if [ "$KEEP" = 0 ]; then rm -rf "$PG_DIR"; fi
  echo "logs: $WORK/logs"
}
trap cleanup EXIT

# The driver imports nothing of the gateway's code: the jar is only its Vert.x (CI compiles the same
# sources against the Vert.x BOM alone: mvn -f loadtest/pom.xml test-compile).
mapfile -t DRIVER_SOURCES < <(find "$HERE/src/main/java" -name '*.java' | sort)
javac -nowarn --release 17 -encoding UTF-8 -cp "$JAR" -d "$WORK/driver-classes" "${DRIVER_SOURCES[@]}" \
  || { echo "the audit driver did not compile" >&2; exit 2; }

RUN_JAR="$JAR"
LABEL="main build"
if [ -n "$BROKEN" ]; then
  PATCH="$HERE/broken/$BROKEN.patch"
  [ -f "$PATCH" ] || { echo "no such patch: $PATCH" >&2; exit 2; }
  SRC="$WORK/broken-src"
  mkdir -p "$SRC" "$WORK/broken-classes"
  cp -r "$ROOT/src" "$SRC/"
  patch -s -d "$SRC" -p1 < "$PATCH"
  mapfile -t CHANGED < <(sed -n 's|^+++ b/\([^[:space:]]*\.java\).*|\1|p' "$PATCH")
  echo "broken build '$BROKEN': recompiling ${CHANGED[*]}"
  javac -nowarn --release 17 -cp "$JAR" -d "$WORK/broken-classes" "${CHANGED[@]/#/$SRC/}"
  RUN_JAR="$WORK/qiwi-gateway-$BROKEN.jar"
  cp "$JAR" "$RUN_JAR"
  jar uf "$RUN_JAR" -C "$WORK/broken-classes" .
  LABEL="BROKEN build: $BROKEN"
fi

# A free port for PostgreSQL (the driver picks its own for everything else).
PG_PORT=""
for _ in $(seq 1 50); do
  candidate=$((20000 + RANDOM % 20000))
  if ! (exec 3<>"/dev/tcp/127.0.0.1/$candidate") 2>/dev/null; then PG_PORT=$candidate; break; fi
done
[ -n "$PG_PORT" ] || { echo "no free port for PostgreSQL" >&2; exit 2; }

started=$(date +%s)
pg_local_start "$PG_DIR" "$PG_PORT"
echo "PostgreSQL on :$PG_PORT ($PG_DIR)"

status=0
java -Xms64m -Xmx512m -XX:+UseSerialGC -Dlogback.configurationFile="$HERE/driver-logback.xml" \
  -cp "$WORK/driver-classes:$JAR" dev.qiwigateway.loadtest.replicas.ReplicaAudit \
  --jar "$RUN_JAR" --work "$WORK" --pg-dir "$PG_DIR" --pg-port "$PG_PORT" \
  --pg-lib "$ROOT/loadtest/lib/local-postgres.sh" --psql "$(pg_local_bin psql)" \
  --label "$LABEL" --traffic-seconds "$TRAFFIC_SECONDS" --workers "$WORKERS" || status=$?
echo "whole run: $(( $(date +%s) - started )) s, exit $status"
exit "$status"
