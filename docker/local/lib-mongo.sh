# shellcheck shell=bash
# MongoDB wire protocol on 127.0.0.1:$MONGO_PORT: a real mongod when one is
# installed, otherwise FerretDB (MongoDB protocol over SQLite) built from the
# Go module proxy, since neither MongoDB's apt repo nor its tarballs are
# reachable from CI.

TR_FERRETDB_VERSION=v1.24.2
TR_MONGO_DIR=$TAGRELAY_LOCAL_DIR/mongo
TR_MONGO_LOG=$TR_LOG_DIR/mongo.log

ferretdb_bin() { printf '%s/ferretdb-%s/bin/ferretdb\n' "$TAGRELAY_CACHE_DIR" "$TR_FERRETDB_VERSION"; }

mongo_impl() {
  case "$TAGRELAY_MONGO_SERVER" in
    mongod | ferretdb) printf '%s\n' "$TAGRELAY_MONGO_SERVER" ;;
    auto)
      if command -v mongod >/dev/null 2>&1; then echo mongod; else echo ferretdb; fi
      ;;
    *) tr_die "TAGRELAY_MONGO_SERVER must be auto, mongod or ferretdb (got '$TAGRELAY_MONGO_SERVER')" ;;
  esac
}

mongo_version() {
  if [[ $(mongo_impl) == mongod ]]; then
    mongod --version 2>/dev/null | sed -n 's/^db version \(.*\)/mongod \1/p' | head -n 1
  else
    printf 'ferretdb %s\n' "$TR_FERRETDB_VERSION"
  fi
}

# Why not plain `go install …/cmd/ferretdb@v1.24.2`: FerretDB embeds
# build/version/version.txt, which its release tooling generates and the
# published module lacks, so that binary panics at start ("Invalid
# build/version/version.txt"). We build the same module source with the file
# filled in. The source comes from the Go module cache (go mod download), not
# from a git clone.
ferretdb_ensure() {
  local bin dest src tmp t0
  bin=$(ferretdb_bin)
  [[ -x $bin ]] && return 0
  command -v go >/dev/null 2>&1 || tr_die "mongo: neither mongod nor go is on PATH; install one of them"
  dest=$(dirname -- "$bin")
  tr_log "mongo: building FerretDB $TR_FERRETDB_VERSION into $dest (once; takes a minute or two)"
  t0=$(tr_now_ms)
  mkdir -p "$dest"
  tmp=$(mktemp -d "$TAGRELAY_CACHE_DIR/ferretdb-build.XXXXXX")
  # Outside any go.mod, and with the caller's GOFLAGS (-mod=vendor, …) cleared.
  src=$(cd "$tmp" && GOFLAGS='' go mod download -json "github.com/FerretDB/FerretDB@$TR_FERRETDB_VERSION" |
    sed -n 's/^[[:space:]]*"Dir": "\(.*\)",\{0,1\}$/\1/p') || true
  if [[ -z $src || ! -d $src ]]; then
    rm -rf "$tmp"
    tr_die "mongo: go mod download github.com/FerretDB/FerretDB@$TR_FERRETDB_VERSION failed"
  fi
  cp -R "$src" "$tmp/src"
  chmod -R u+w "$tmp/src"
  printf '%s\n' "$TR_FERRETDB_VERSION" >"$tmp/src/build/version/version.txt"
  if ! (cd "$tmp/src" && GOFLAGS='' CGO_ENABLED=0 go build -trimpath -buildvcs=false \
    -o "$tmp/ferretdb" ./cmd/ferretdb) >&2; then
    rm -rf "$tmp"
    tr_die "mongo: building FerretDB failed"
  fi
  mv -f "$tmp/ferretdb" "$bin"
  rm -rf "$tmp"
  tr_log "mongo: FerretDB built in $(tr_elapsed "$t0")"
}

# Sends an OP_MSG {ping: 1, $db: "admin"} over bash's /dev/tcp and looks for
# `ok: 1.0` in the reply: a real protocol round trip without mongosh or the
# Node driver (neither exists before `npm ci`).
mongo_ping() {
  # shellcheck disable=SC2016 # expanded by the inner bash
  timeout 5 bash -c '
    exec 3<>"/dev/tcp/127.0.0.1/$1" || exit 1
    printf "\x33\x00\x00\x00\x01\x00\x00\x00\x00\x00\x00\x00\xdd\x07\x00\x00" >&3
    printf "\x00\x00\x00\x00\x00" >&3
    printf "\x1e\x00\x00\x00\x10ping\x00\x01\x00\x00\x00" >&3
    printf "\x02\$db\x00\x06\x00\x00\x00admin\x00\x00" >&3
    len=$(head -c 4 <&3 | od -An -tu4 | tr -d " \n")
    [[ $len =~ ^[0-9]+$ ]] && ((len > 4 && len < 65536)) || exit 1
    body=$(head -c $((len - 4)) <&3 | od -An -tx1 | tr -d " \n")
    # 0x01 "ok" 0x00 followed by the double 1.0
    [[ $body == *016f6b00000000000000f03f* ]]
  ' _ "$MONGO_PORT" 2>/dev/null
}

mongo_check_ports() {
  tr_require_free_port mongo "$MONGO_PORT" MONGO_PORT
}

mongo_install() {
  if [[ $(mongo_impl) == ferretdb ]]; then
    ferretdb_ensure
  fi
}

mongo_start() {
  local impl
  if tr_our_pid mongo >/dev/null; then
    return 0
  fi
  mongo_check_ports
  impl=$(mongo_impl)
  mkdir -p "$TR_MONGO_DIR"
  if [[ $impl == mongod ]]; then
    mkdir -p "$TR_MONGO_DIR/mongod-data"
    tr_log "mongo: starting $(mongo_version) on 127.0.0.1:$MONGO_PORT"
    TR_MONGO_T0=$(tr_now_ms)
    # No --fork: it would re-parent and change the pid that `down` needs.
    tr_launch mongo "$TR_MONGO_LOG" mongod --bind_ip 127.0.0.1 --port "$MONGO_PORT" \
      --dbpath "$TR_MONGO_DIR/mongod-data"
    return 0
  fi
  mongo_install
  mkdir -p "$TR_MONGO_DIR/data" "$TR_MONGO_DIR/state"
  tr_log "mongo: starting FerretDB $TR_FERRETDB_VERSION (SQLite) on 127.0.0.1:$MONGO_PORT"
  TR_MONGO_T0=$(tr_now_ms)
  # --telemetry=disable: otherwise it phones home (no network in CI).
  # --debug-addr=-: its metrics/pprof HTTP listener would grab port 8088.
  # --state-dir: keeps state.json out of the caller's working directory.
  tr_launch mongo "$TR_MONGO_LOG" "$(ferretdb_bin)" \
    --handler=sqlite \
    --sqlite-url="file:$TR_MONGO_DIR/data/" \
    --listen-addr="127.0.0.1:$MONGO_PORT" \
    --state-dir="$TR_MONGO_DIR/state" \
    --telemetry=disable \
    --debug-addr=- \
    --log-level=info
}

mongo_wait() {
  local t0=${TR_MONGO_T0:-$(tr_now_ms)} deadline
  deadline=$((SECONDS + TAGRELAY_START_TIMEOUT))
  while ((SECONDS < deadline)); do
    tr_our_pid mongo >/dev/null || {
      rm -f "$(tr_pid_file mongo)"
      tr_relaunch_after_bind_clash mongo "$TR_MONGO_LOG" && continue
      tr_fail mongo "$TR_MONGO_LOG" "mongo: the server process exited during startup"
    }
    if mongo_ping; then
      tr_log "mongo: ready on 127.0.0.1:$MONGO_PORT after $(tr_elapsed "$t0")"
      return 0
    fi
    sleep 0.2
  done
  # Leave nothing half-started behind: the next `up` starts from scratch.
  tr_stop mongo
  tr_fail mongo "$TR_MONGO_LOG" "mongo: not answering ping after ${TAGRELAY_START_TIMEOUT}s"
}

mongo_status() {
  local pid state=stopped
  if pid=$(tr_our_pid mongo); then
    state=running
    mongo_ping || state=starting
  fi
  printf 'mongo  %-8s pid=%-8s port=%-6s version=%s\n' \
    "$state" "${pid:--}" "$MONGO_PORT" "$(mongo_version)"
  [[ $state == running ]]
}
