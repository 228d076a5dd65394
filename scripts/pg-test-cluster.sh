#!/usr/bin/env bash
# A throw-away PostgreSQL cluster for the store tests.
#
#   eval "$(scripts/pg-test-cluster.sh start)"; trap 'scripts/pg-test-cluster.sh stop' EXIT
#   npm test
#
# start: initdb into a fresh temp folder, listen on 127.0.0.1 only (trust auth, loopback and
#        the cluster's own socket folder), print `export THREAD_QUEUE_TEST_PG_URL=…` on stdout
#        and nothing else. Every message goes to stderr. On failure stdout carries `false`, so
#        that `eval "$(… start)"` fails too instead of letting the tests skip silently.
# stop:  stop the cluster recorded in the state file and delete its folder. Nothing to stop is
#        not an error (the EXIT trap may run after a failed start).
# status: print the URL of the running cluster, or fail.
# restart [SECONDS]: stop the recorded cluster abruptly (`-m immediate`, as a crash: sessions
#        are cut, the next start replays the WAL), wait SECONDS (default 0), start it again on
#        the same port. For the tests of instances that must survive a database restart.
#
# As root (CI), the server runs as the `postgres` user: PostgreSQL refuses to run as root.
#
# Environment (all optional):
#   PG_BIN_DIR                    folder holding initdb/pg_ctl (default: PostgreSQL 15, else the newest found)
#   THREAD_QUEUE_PG_PORT          port to use (default: the first free one from 54329)
#   THREAD_QUEUE_PG_TMPDIR        where the cluster folder is created (default: $TMPDIR or /tmp)
#   THREAD_QUEUE_PG_STATE_FILE    state file (default: <repo>/tmp/pg-test-cluster.state)
set -euo pipefail

SCRIPT_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO_ROOT=$(dirname "$SCRIPT_DIR")
STATE_FILE=${THREAD_QUEUE_PG_STATE_FILE:-$REPO_ROOT/tmp/pg-test-cluster.state}
CLUSTER_PREFIX=thread-queue-pg.
PREFERRED_MAJOR=15

say() { printf 'pg-test-cluster: %s\n' "$*" >&2; }
die() {
  say "error: $*"
  printf 'false\n'
  exit 1
}

# Sets BIN: the folder holding initdb and pg_ctl.
find_bin_dir() {
  if [[ -n ${PG_BIN_DIR:-} ]]; then
    [[ -x $PG_BIN_DIR/initdb && -x $PG_BIN_DIR/pg_ctl ]] || die "PG_BIN_DIR=$PG_BIN_DIR holds no initdb/pg_ctl"
    BIN=$PG_BIN_DIR
    return
  fi
  if [[ -x /usr/lib/postgresql/$PREFERRED_MAJOR/bin/initdb ]]; then
    BIN=/usr/lib/postgresql/$PREFERRED_MAJOR/bin
    return
  fi
  # Debian/Ubuntu keep one folder per major version; take the newest.
  local dir
  dir=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -t/ -k5 -n | tail -n 1 || true)
  if [[ -z $dir ]] && command -v pg_config >/dev/null 2>&1; then dir=$(pg_config --bindir); fi
  if [[ -z $dir ]] && command -v initdb >/dev/null 2>&1; then dir=$(dirname "$(command -v initdb)"); fi
  [[ -n $dir && -x $dir/initdb && -x $dir/pg_ctl ]] ||
    die "PostgreSQL server binaries (initdb, pg_ctl) not found: install PostgreSQL $PREFERRED_MAJOR (e.g. apt-get install postgresql-$PREFERRED_MAJOR) or set PG_BIN_DIR"
  say "PostgreSQL $PREFERRED_MAJOR not found, using $dir"
  BIN=$dir
}

# Runs a command as the cluster's owner: `postgres` when we are root, else ourselves.
as_owner() {
  if [[ $(id -u) -ne 0 ]]; then
    "$@"
  elif command -v runuser >/dev/null 2>&1; then
    runuser -u postgres -- "$@"
  else
    su postgres -s /bin/sh -c "$(printf '%q ' "$@")"
  fi
}

port_in_use() {
  # A successful connect means something listens there.
  (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

read_state() {
  local key=$1
  sed -n "s/^$key=//p" "$STATE_FILE" | head -n 1
}

cluster_running() {
  local bin=$1 data=$2
  [[ -d $data ]] && as_owner "$bin/pg_ctl" -D "$data" status >/dev/null 2>&1
}

stop_cluster() {
  if [[ ! -f $STATE_FILE ]]; then
    say "no cluster recorded in $STATE_FILE: nothing to stop"
    return 0
  fi
  local base data bin
  base=$(read_state BASE_DIR)
  data=$(read_state DATA_DIR)
  bin=$(read_state BIN_DIR)
  if [[ -n $bin && -n $data ]] && cluster_running "$bin" "$data"; then
    as_owner "$bin/pg_ctl" -D "$data" -m fast -w -t 60 stop >/dev/null || say "pg_ctl stop failed; removing the folder anyway"
  fi
  # Only ever delete a folder this script created.
  if [[ -n $base && $(basename "$base") == "$CLUSTER_PREFIX"* && -d $base ]]; then
    rm -rf -- "$base"
  fi
  rm -f -- "$STATE_FILE"
  say "stopped and removed ${base:-the cluster}"
}

# Tests open a pool per store and per simulated instance, hence more connections than the default.
start_server() {
  local bin=$1 data=$2 log=$3 port=$4 base=$5
  as_owner "$bin/pg_ctl" -D "$data" -l "$log" -w -t 60 \
    -o "-c listen_addresses=127.0.0.1 -c port=$port -c unix_socket_directories=$base -c max_connections=300" \
    start >/dev/null 2>&1
}

restart_cluster() {
  local downtime=${1:-0} base data bin port
  [[ -f $STATE_FILE ]] || die "no cluster recorded in $STATE_FILE"
  base=$(read_state BASE_DIR)
  data=$(read_state DATA_DIR)
  bin=$(read_state BIN_DIR)
  port=$(read_state PORT)
  as_owner "$bin/pg_ctl" -D "$data" -m immediate -w -t 60 stop >/dev/null 2>&1 || die "pg_ctl stop failed"
  sleep "$downtime"
  start_server "$bin" "$data" "$base/server.log" "$port" "$base" || die "the server did not start again: $(tail -n 20 "$base/server.log" 2>/dev/null)"
  say "restarted the cluster on port $port"
}

start_cluster() {
  # Globals, not locals: the EXIT trap reads them.
  local port log tmp_root
  find_bin_dir
  bin=$BIN
  if [[ -f $STATE_FILE ]]; then
    data=$(read_state DATA_DIR)
    if cluster_running "$(read_state BIN_DIR)" "$data"; then
      die "a test cluster is already running (port $(read_state PORT), state file $STATE_FILE); run '$0 stop' first"
    fi
    say "removing a stale state file from an earlier run"
    stop_cluster
  fi
  if [[ $(id -u) -eq 0 ]] && ! id postgres >/dev/null 2>&1; then
    die "running as root but there is no 'postgres' user to run the server as (PostgreSQL refuses root)"
  fi

  tmp_root=${THREAD_QUEUE_PG_TMPDIR:-${TMPDIR:-/tmp}}
  base=$(mktemp -d "$tmp_root/${CLUSTER_PREFIX}XXXXXX") || die "cannot create a folder under $tmp_root"
  data=$base/data
  # From here on a failure must leave neither a server nor the folder behind.
  trap 'as_owner "$bin/pg_ctl" -D "$data" -m immediate stop >/dev/null 2>&1 || true; rm -rf -- "$base"' EXIT
  log=$base/server.log
  if [[ $(id -u) -eq 0 ]]; then chown postgres: "$base"; fi
  as_owner test -w "$base" ||
    die "the postgres user cannot write $base (a parent folder is private?); set THREAD_QUEUE_PG_TMPDIR to a folder it can reach"

  as_owner "$bin/initdb" -D "$data" -U postgres --auth=trust -E UTF8 --no-locale --no-sync >"$base/initdb.log" 2>&1 ||
    die "initdb failed: $(tail -n 20 "$base/initdb.log")"
  # Only the loopback address and the cluster's own socket folder: nothing else can connect.
  as_owner sh -c "cat >'$data/pg_hba.conf'" <<'EOF'
local all all trust
host all all 127.0.0.1/32 trust
EOF

  local attempt started=false
  port=${THREAD_QUEUE_PG_PORT:-54329}
  for attempt in 1 2 3 4 5 6 7 8; do
    if [[ -z ${THREAD_QUEUE_PG_PORT:-} ]]; then
      while port_in_use "$port"; do port=$((port + 1)); done
    fi
    if start_server "$bin" "$data" "$log" "$port" "$base"; then
      started=true
      break
    fi
    # Another process may have taken the port between the probe and the start.
    [[ -z ${THREAD_QUEUE_PG_PORT:-} ]] || break
    say "start on port $port failed (attempt $attempt), trying the next port"
    port=$((port + 1))
  done
  $started || die "the server did not start: $(tail -n 20 "$log" 2>/dev/null)"

  mkdir -p "$(dirname "$STATE_FILE")"
  printf 'BASE_DIR=%s\nDATA_DIR=%s\nBIN_DIR=%s\nPORT=%s\n' "$base" "$data" "$bin" "$port" >"$STATE_FILE"
  trap - EXIT
  say "PostgreSQL $("$bin/pg_ctl" --version | awk '{print $3}') running on 127.0.0.1:$port, data in $data"
  printf 'export THREAD_QUEUE_TEST_PG_URL=postgres://postgres@127.0.0.1:%s/postgres\n' "$port"
}

case ${1:-} in
  start) start_cluster ;;
  stop) stop_cluster ;;
  restart) restart_cluster "${2:-0}" ;;
  status)
    [[ -f $STATE_FILE ]] && cluster_running "$(read_state BIN_DIR)" "$(read_state DATA_DIR)" ||
      { say "no test cluster is running"; exit 1; }
    printf 'postgres://postgres@127.0.0.1:%s/postgres\n' "$(read_state PORT)"
    ;;
  *)
    say "usage: $0 start|stop|status|restart [SECONDS]"
    exit 2
    ;;
esac
