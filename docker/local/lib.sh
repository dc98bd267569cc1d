# shellcheck shell=bash
# Shared by docker/local/{up,down,status}: settings, process bookkeeping and
# the per-server pieces (lib-kafka.sh, lib-mongo.sh). Sourced, never run.
#
# Servers run as plain processes on 127.0.0.1 (no Docker on the dev/CI
# machines). Everything they write lives in TAGRELAY_LOCAL_DIR; everything
# downloaded or built lives in TAGRELAY_CACHE_DIR, outside the clone, so that
# a fresh clone (CI) on the same machine starts warm.

TR_SCRIPT_DIR=$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")" && pwd -P)
TR_REPO_ROOT=$(cd -- "$TR_SCRIPT_DIR/../.." && pwd -P)

: "${KAFKA_PORT:=9092}"
: "${KAFKA_CONTROLLER_PORT:=9093}"
: "${KAFKA_HEAP:=-Xms256m -Xmx768m}"
: "${MONGO_PORT:=27017}"
: "${TAGRELAY_LOCAL_DIR:=$TR_REPO_ROOT/.local}"
: "${TAGRELAY_CACHE_DIR:=${XDG_CACHE_HOME:-$HOME/.cache}/tagrelay}"
# Absolute and without a trailing slash: these paths end up in server command
# lines (which tr_our_pid matches) and must not depend on the caller's cwd.
tr_abs() {
  local p=${1%/}
  [[ $p == /* ]] || p=$PWD/$p
  printf '%s\n' "$p"
}
TAGRELAY_LOCAL_DIR=$(tr_abs "$TAGRELAY_LOCAL_DIR")
TAGRELAY_CACHE_DIR=$(tr_abs "$TAGRELAY_CACHE_DIR")

# auto: a real mongod when one is on PATH, FerretDB otherwise.
: "${TAGRELAY_MONGO_SERVER:=auto}"

TR_RUN_DIR=$TAGRELAY_LOCAL_DIR/run
TR_LOG_DIR=$TAGRELAY_LOCAL_DIR/logs

# Seconds. Generous because CI machines have 2 cores and a cold JIT.
: "${TAGRELAY_START_TIMEOUT:=90}"
TR_STOP_TIMEOUT=20

tr_log() { printf '[local] %s\n' "$*" >&2; }

tr_die() {
  printf '[local] ERROR: %s\n' "$*" >&2
  exit 1
}

# Monotonic enough for progress messages; bash 5 has EPOCHREALTIME.
tr_now_ms() {
  local t=${EPOCHREALTIME:-}
  if [[ -n $t ]]; then
    t=${t/[.,]/}
    printf '%s\n' "${t:0:${#t}-3}"
  else
    printf '%s000\n' "$(date +%s)"
  fi
}

tr_elapsed() { # start_ms -> "1.234s"
  local d=$(($(tr_now_ms) - $1))
  printf '%d.%03ds' $((d / 1000)) $((d % 1000))
}

# A connect that succeeds means someone listens; refused fails at once on
# loopback, the timeout only guards against a wedged kernel queue.
tr_port_open() {
  # shellcheck disable=SC2016 # expanded by the inner bash
  timeout 2 bash -c 'exec 3<>"/dev/tcp/127.0.0.1/$1"' _ "$1" 2>/dev/null
}

tr_pid_file() { printf '%s/%s.pid\n' "$TR_RUN_DIR" "$1"; }

# Prints the pid and succeeds only if the pid file names a live process whose
# command line mentions our state dir: pids get reused, and a bare kill -0
# would let `down` kill a stranger.
tr_our_pid() {
  local name=$1 file pid args
  file=$(tr_pid_file "$name")
  [[ -r $file ]] || return 1
  pid=$(<"$file")
  [[ $pid =~ ^[0-9]+$ ]] || return 1
  kill -0 "$pid" 2>/dev/null || return 1
  args=$(ps -ww -o args= -p "$pid" 2>/dev/null) || return 1
  [[ $args == *"$TAGRELAY_LOCAL_DIR/"* ]] || return 1
  printf '%s\n' "$pid"
}

# Runs "$@" detached from the caller's session (so closing a terminal or the
# end of a CI step does not take it down), output appended to the log. The
# wrapper shell writes its own pid and then execs, so the pid file holds the
# server's pid without relying on how setsid forks.
tr_launch() {
  local name=$1 log=$2
  shift 2
  local pid_file
  # Remembered for tr_relaunch_after_bind_clash.
  declare -ga "TR_CMD_$name"
  local -n cmd_ref="TR_CMD_$name"
  # shellcheck disable=SC2034 # read through a nameref
  cmd_ref=("$@")
  pid_file=$(tr_pid_file "$name")
  mkdir -p "$TR_RUN_DIR" "$TR_LOG_DIR"
  tr_rotate_log "$log"
  printf '==== %s: starting %s\n' "$(date '+%Y-%m-%dT%H:%M:%S%z')" "$name" >>"$log"
  local detach=()
  if command -v setsid >/dev/null 2>&1; then detach=(setsid); fi
  rm -f "$pid_file"
  # shellcheck disable=SC2016 # expanded by the inner bash
  "${detach[@]}" nohup bash -c 'echo $$ >"$0"; exec "$@"' "$pid_file" "$@" \
    >>"$log" 2>&1 </dev/null 9>&- &
  local i
  for ((i = 0; i < 50; i++)); do
    [[ -s $pid_file ]] && return 0
    sleep 0.1
  done
  tr_fail "$name" "$log" "$name did not start (no pid file written)"
}

# A server that died at start because its port was "already in use" although
# nothing listened there (tr_require_free_port checked): an outgoing
# connection had picked that port as its ephemeral source port. Only ports in
# the ephemeral range (Linux: 32768-60999) suffer this, e.g. ports that a test
# harness got by binding port 0; the clash lasts as long as that connection,
# so relaunch a few times. Succeeds when it relaunched.
declare -gA TR_BIND_RETRIES=()
tr_relaunch_after_bind_clash() { # name log
  local name=$1 log=$2
  local -n saved_cmd="TR_CMD_$name"
  local tries=${TR_BIND_RETRIES[$name]:-0}
  ((tries < 5)) || return 1
  # Only this start's lines: the log is appended across restarts.
  awk '/^==== /{buf=""} {buf=buf $0 "\n"} END{printf "%s", buf}' "$log" |
    grep -qi 'address already in use' || return 1
  TR_BIND_RETRIES[$name]=$((tries + 1))
  tr_log "$name: its port was briefly taken by an outgoing connection; starting again"
  sleep 1
  tr_launch "$name" "$log" "${saved_cmd[@]}"
}

# Logs are appended across restarts so an outage test can read both sides of
# it; keep them from growing without bound.
tr_rotate_log() {
  local log=$1 size
  [[ -f $log ]] || return 0
  size=$(wc -c <"$log")
  if ((size > 50 * 1024 * 1024)); then
    mv -f "$log" "$log.1"
  fi
}

tr_fail() { # name log message
  local name=$1 log=$2 msg=$3
  if [[ -f $log ]]; then
    printf '[local] ---- last 60 lines of %s ----\n' "$log" >&2
    tail -n 60 "$log" >&2 || true
    printf '[local] ---- end of %s ----\n' "$log" >&2
  fi
  tr_die "$msg (log: $log)"
}

# SIGTERM lets Kafka shut down cleanly (fast restart, no log recovery);
# SIGKILL only after TR_STOP_TIMEOUT.
tr_stop() {
  local name=$1 pid file i
  file=$(tr_pid_file "$name")
  if ! pid=$(tr_our_pid "$name"); then
    if [[ -e $file ]]; then
      tr_log "$name: removing stale pid file"
      rm -f "$file"
    else
      tr_log "$name: not running"
    fi
    return 0
  fi
  tr_log "$name: stopping pid $pid"
  kill -TERM "$pid" 2>/dev/null || true
  for ((i = 0; i < TR_STOP_TIMEOUT * 10; i++)); do
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.1
  done
  if kill -0 "$pid" 2>/dev/null; then
    tr_log "$name: still alive after ${TR_STOP_TIMEOUT}s, sending SIGKILL"
    kill -KILL "$pid" 2>/dev/null || true
    for ((i = 0; i < 50; i++)); do
      kill -0 "$pid" 2>/dev/null || break
      sleep 0.1
    done
  fi
  rm -f "$file"
  tr_log "$name: stopped"
}

# Fails if a port we are about to bind is held by a process that is not ours.
tr_require_free_port() { # name port what
  local name=$1 port=$2 what=$3
  if tr_port_open "$port"; then
    local holder=""
    if command -v ss >/dev/null 2>&1; then
      holder=$(ss -Hltnp "sport = :$port" 2>/dev/null | sed -n 's/.*users:((\(.*\)))/\1/p' | head -n 1)
    fi
    tr_die "$name: port $port ($what) on 127.0.0.1 is already in use${holder:+ by $holder}, and not by a server these scripts started with state dir $TAGRELAY_LOCAL_DIR. Stop it, or choose another port: $what=<port> ${0##*/}"
  fi
}

# Serialises concurrent up/down calls (parallel test workers, a developer
# and a test run) so two of them never launch the same server twice.
# tr_launch closes fd 9 in the servers, or they would hold the lock forever.
tr_lock() {
  mkdir -p "$TR_RUN_DIR"
  if command -v flock >/dev/null 2>&1; then
    exec 9>"$TR_RUN_DIR/.lock"
    flock 9
  fi
}

# Usage helper: expands kafka|mongo|all into the list of servers.
tr_targets() {
  case "${1:-all}" in
    all) printf '%s\n' kafka mongo ;;
    kafka | mongo) printf '%s\n' "$1" ;;
    *) return 1 ;;
  esac
}

# shellcheck source-path=SCRIPTDIR source=lib-kafka.sh
. "$TR_SCRIPT_DIR/lib-kafka.sh"
# shellcheck source-path=SCRIPTDIR source=lib-mongo.sh
. "$TR_SCRIPT_DIR/lib-mongo.sh"
