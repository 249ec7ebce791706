# Sourced by the load-test scripts: a throwaway PostgreSQL cluster of the machine's own PostgreSQL
# binaries (Debian: apt-get install postgresql), in a directory of its own, on a port of its own,
# with PostgreSQL's default durability (fsync on, synchronous_commit on): the same settings for the
# gateway and for the pgbench baseline. Nothing here touches a cluster the machine already runs.
#
#   pg_local_start DIR PORT   initialise (first time) and start; creates database "gateway"
#   pg_local_stop DIR         fast shutdown
#   pg_local_restart DIR      stop then start again (same data)
#   pg_local_kill DIR         SIGKILL the postmaster: a crash, recovered from the WAL at next start
#   pg_local_url PORT         the gateway's PG_URL for that cluster
#   pg_local_psql PORT ...    psql against database "gateway"
#   pg_local_bin NAME         path of a PostgreSQL program (pgbench, psql, ...)

pg_local_bindir() {
  if [ -n "${PG_BINDIR:-}" ]; then echo "$PG_BINDIR"; return; fi
  if command -v pg_config >/dev/null 2>&1 && [ -x "$(pg_config --bindir)/initdb" ]; then
    pg_config --bindir; return
  fi
  local newest
  newest=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
  if [ -n "$newest" ] && [ -x "$newest/initdb" ]; then echo "$newest"; return; fi
  echo "no PostgreSQL server binaries found: install them (Debian/Ubuntu: apt-get install postgresql) or set PG_BINDIR" >&2
  return 1
}

pg_local_bin() {
  echo "$(pg_local_bindir)/$1"
}

# PostgreSQL refuses to run as root; as root, run its programs as the postgres account.
pg_local_as_owner() {
  if [ "$(id -u)" = "0" ]; then
    runuser -u "${PG_OS_USER:-postgres}" -- "$@"
  else
    "$@"
  fi
}

pg_local_start() {
  local dir=$1 port=$2 bindir
  bindir=$(pg_local_bindir) || return 1
  if [ ! -f "$dir/PG_VERSION" ]; then
    mkdir -p "$dir"
    [ "$(id -u)" = "0" ] && chown "${PG_OS_USER:-postgres}" "$dir"
    pg_local_as_owner "$bindir/initdb" -D "$dir" -U postgres -A trust -E UTF8 --no-locale >/dev/null || return 1
    cat >>"$dir/postgresql.conf" <<EOF
listen_addresses = '127.0.0.1'
unix_socket_directories = '$dir'
max_connections = 300
shared_buffers = 256MB
EOF
  fi
  pg_local_as_owner "$bindir/pg_ctl" -D "$dir" -o "-p $port" -l "$dir/server.log" -w -t 60 start >/dev/null || {
    tail -n 20 "$dir/server.log" >&2; return 1; }
  if ! pg_local_psql "$port" -d postgres -tAc "SELECT 1 FROM pg_database WHERE datname='gateway'" | grep -q 1; then
    pg_local_psql "$port" -d postgres -qc "CREATE DATABASE gateway" || return 1
  fi
}

pg_local_stop() {
  local dir=$1
  [ -f "$dir/postmaster.pid" ] || return 0
  pg_local_as_owner "$(pg_local_bindir)/pg_ctl" -D "$dir" -m fast -w -t 60 stop >/dev/null
}

pg_local_restart() {
  local dir=$1 port
  port=$(sed -n 4p "$dir/postmaster.pid")
  pg_local_stop "$dir" && pg_local_start "$dir" "$port"
}

pg_local_kill() {
  local dir=$1 pid state i
  [ -f "$dir/postmaster.pid" ] || return 0
  pid=$(sed -n 1p "$dir/postmaster.pid")
  kill -9 "$pid" 2>/dev/null
  # The orphaned backends exit when they notice the postmaster is gone. Where nothing reaps orphans
  # (a container without an init), the dead postmaster stays a zombie and its lock file would look
  # alive: remove the file once the process is dead or a zombie.
  for i in $(seq 1 50); do
    state=$(ps -o stat= -p "$pid" 2>/dev/null | cut -c1)
    if [ -z "$state" ] || [ "$state" = "Z" ]; then break; fi
    sleep 0.1
  done
  sleep 1
  rm -f "$dir/postmaster.pid" "$dir"/.s.PGSQL.*.lock
}

pg_local_url() {
  echo "postgresql://postgres@127.0.0.1:$1/gateway"
}

pg_local_psql() {
  local port=$1; shift
  "$(pg_local_bindir)/psql" -h 127.0.0.1 -p "$port" -U postgres -v ON_ERROR_STOP=1 -d gateway "$@"
}
