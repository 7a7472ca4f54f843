# Sourced by run.sh: the gateway under test (build, start, stop), its petitions, tokens, metrics.
# Uses run.sh's globals: HERE ROOT JAR RUN_DIR STAMP URL DATA_DIR PORT KEEP_DATA GATEWAY_PID.

log() { echo "run.sh: $*" >&2; }

# Stops what this run started (by process id) and removes the bulky files it made.
stop_started_processes() {
  local pid
  for pid in "$POLLER_PID" "$NAIVE_PID"; do
    if [[ -n "$pid" ]] && kill -0 "$pid" 2>/dev/null; then kill "$pid" 2>/dev/null || true; fi
  done
  if [[ -n "$GATEWAY_PID" ]] && kill -0 "$GATEWAY_PID" 2>/dev/null; then
    log "stopping the gateway pid=$GATEWAY_PID"
    kill "$GATEWAY_PID" 2>/dev/null || true
    for _ in $(seq 1 60); do
      kill -0 "$GATEWAY_PID" 2>/dev/null || break
      sleep 0.5
    done
    # Only what this run made: its own data directory (a gateway it started), jar copy, tokens.
    if [[ "$KEEP_DATA" != true && "$DATA_DIR" == "$RUN_DIR/data" ]]; then
      rm -rf "$RUN_DIR/data" "$RUN_DIR/signing-gateway.jar" "$RUN_DIR"/*tokens.txt \
        "$RUN_DIR/citizens"
    fi
  fi
}

# Builds the jar when missing and the simulations; copies the jar so a rebuild cannot change it.
build() {
  if [[ ! -f "$JAR" ]]; then
    log "building the gateway jar"
    mvn -B -q -f "$ROOT/pom.xml" package -DskipTests
  fi
  cp "$JAR" "$RUN_DIR/signing-gateway.jar"
  JAR="$RUN_DIR/signing-gateway.jar"
  log "compiling the simulations"
  (cd "$HERE" && mvn -B -q test-compile)
}

# Starts an embedded gateway on a fresh data directory unless --url names one; waits for ready.
start_gateway() {
  if [[ -z "$URL" ]]; then
    DATA_DIR="${DATA_DIR:-$RUN_DIR/data}"
    mkdir -p "$DATA_DIR"
    DATA_DIR="$(cd "$DATA_DIR" && pwd)"
    URL="http://127.0.0.1:$PORT"
    log "starting the gateway port=$PORT dataDir=$DATA_DIR log=$RUN_DIR/gateway.log"
    # It runs in the run directory, so it uses the jar's built-in configuration, not ./config.
    (cd "$RUN_DIR" && GATEWAY_DATA_DIR="$DATA_DIR" GATEWAY_HTTP_PORT="$PORT" \
      GATEWAY_HTTP_HOST=127.0.0.1 exec java -jar "$JAR" >"$RUN_DIR/gateway.log" 2>&1) &
    GATEWAY_PID=$!
  fi
  DATA_DIR="$(cd "$DATA_DIR" && pwd)"
  wait_until_ready "$URL/health/ready" "$GATEWAY_PID" "$RUN_DIR/gateway.log"
  log "gateway ready at $URL"
  ADMIN="$(cat "$DATA_DIR/admin-token")"
  PG_PORT="$(sed -n 4p "$DATA_DIR/postgres/postmaster.pid")"
}

wait_until_ready() { # wait_until_ready URL PID LOG: 60 s at most
  local i
  for i in $(seq 1 120); do
    if curl -sf "$1" >/dev/null 2>&1; then return 0; fi
    if [[ -n "$2" ]] && ! kill -0 "$2" 2>/dev/null; then
      log "the server stopped during start-up; see $3"; exit 1
    fi
    sleep 0.5
  done
  log "not ready within 60 s: $1; see $3"; exit 1
}

create_community() { # create_community SLUG: a council without a residency rule
  curl -sf -X POST "$URL/api/v1/admin/communities" -H "Authorization: Bearer $ADMIN" \
    -H 'Content-Type: application/json' \
    -d "{\"slug\":\"$1\",\"name\":\"Load test $1\",\"region\":\"Load\",\
\"signatureThreshold\":10000000,\"collectionDays\":30,\"residencyRequired\":false,\
\"timeZone\":\"Europe/Kyiv\"}" >/dev/null
}

# create_petitions NAME N: a new community and N collecting petitions; prints their ids, one a line
create_petitions() {
  local slug="$1-$STAMP" author id i
  create_community "$slug"
  author="$(curl -sf -X POST "$URL/dev/identity/tokens" -H 'Content-Type: application/json' \
    -d "{\"subject\":\"author-$slug\",\"name\":\"Load Author\"}" | jq -r .token)"
  for i in $(seq 1 "$2"); do
    id="$(curl -sf -X POST "$URL/api/v1/communities/$slug/petitions" \
      -H "Authorization: Bearer $author" -H 'Content-Type: application/json' \
      -d "{\"title\":\"Viral petition $i for a load test\",\"topic\":\"transport\",\
\"text\":\"A petition that goes viral: many citizens sign it within seconds, others watch.\"}" \
      | jq -r .id)"
    curl -sf -X POST "$URL/api/v1/admin/petitions/$id/publish" \
      -H "Authorization: Bearer $ADMIN" >/dev/null
    echo "$id"
  done
  log "petitions=$2 collecting in community=$slug"
}

create_petition() { create_petitions "$1" 1; }

# collecting_petitions FILE: every collecting petition as "ID COUNCIL TERRITORY_OR_DASH", where
# TERRITORY is the council's code when it admits residents only.
collecting_petitions() {
  local after="" page slug territory
  : >"$1"
  while :; do
    page="$(curl -sf "$URL/api/v1/communities?limit=100${after:+&after=$after}")"
    while read -r slug territory; do
      list_council_petitions "$slug" "$territory" >>"$1"
    done < <(echo "$page" | jq -r '.items[] |
      "\(.slug) \(if .rules.residencyRequired then .rules.territoryCode else "-" end)"')
    after="$(echo "$page" | jq -r '.next // empty')"
    [[ -n "$after" ]] || break
  done
}

list_council_petitions() { # list_council_petitions SLUG TERRITORY
  local after="" page
  while :; do
    page="$(curl -sf \
      "$URL/api/v1/communities/$1/petitions?status=collecting&limit=100${after:+&after=$after}")"
    echo "$page" | jq -r --arg s "$1" --arg t "$2" '.items[] | "\(.id) \($s) \($t)"'
    after="$(echo "$page" | jq -r '.next // empty')"
    [[ -n "$after" ]] || break
  done
}

mint_tokens() { # mint_tokens COUNT FILE PREFIX: one token per citizen, with the gateway's command
  log "minting $1 tokens"
  (cd "$RUN_DIR" && GATEWAY_DATA_DIR="$DATA_DIR" java -jar "$JAR" mint-tokens --count "$1" \
    --out "$2" --subject-prefix "$3" >>"$RUN_DIR/mint.log" 2>&1)
}

mint_token_files() { # mint_token_files PLAN: several files in one JVM (tools/MintTokens.java)
  log "minting $(awk '{ s += $2 } END { print s }' "$1") tokens into $(wc -l <"$1") files"
  (cd "$RUN_DIR" && GATEWAY_DATA_DIR="$DATA_DIR" java -cp "$JAR" "$HERE/tools/MintTokens.java" \
    "$1" >>"$RUN_DIR/mint.log" 2>&1)
}

# run_gatling CLASS LOG -Dname=value...: one simulation; its report lands in $RUN_DIR/gatling.
run_gatling() {
  local class="ua.epetitions.loadtest.$1" out="$2"
  shift 2
  log "running Gatling $class $*"
  (cd "$HERE" && mvn -B test-compile gatling:test -Dgatling.simulationClass="$class" \
    -Dgatling.resultsFolder="$RUN_DIR/gatling" -DbaseUrl="${GATLING_BASE_URL:-$URL}" "$@" \
    >"$out" 2>&1)
}

latest_report() { # latest_report CLASS: the newest report folder of a simulation in this run
  ls -td "$RUN_DIR/gatling/$(echo "$1" | tr '[:upper:]' '[:lower:]')"-* 2>/dev/null | head -1
}

metric_sum() { # metric_sum FILE REGEX: sum of the values of the lines matching REGEX
  awk -v re="$2" '$0 !~ /^#/ && $1 ~ re { s += $NF } END { printf "%.0f\n", s + 0 }' "$1"
}
scrape() { curl -sf "$URL/metrics" >"$1"; }

# Samples every 0.5 s: epoch ms, accepted so far, backlog and pending over all partitions.
poll_metrics() {
  local file="$RUN_DIR/metrics-now.txt"
  while true; do
    if scrape "$file"; then
      echo "$(date +%s%3N)" \
        "$(metric_sum "$file" '^gateway_signatures_total\{.*outcome="accepted"')" \
        "$(metric_sum "$file" '^gateway_stream_backlog\{')" \
        "$(metric_sum "$file" '^gateway_stream_pending\{')"
    fi
    sleep 0.5
  done
}
start_poller() { poll_metrics >"$RUN_DIR/samples.txt" & POLLER_PID=$!; }
stop_poller() { kill "$POLLER_PID" 2>/dev/null || true; POLLER_PID=""; }

# Waits until backlog and pending are 0 on two samples a second apart after the last 202.
wait_for_drain() {
  DRAINED=false
  for _ in $(seq 1 $((DRAIN_TIMEOUT_S * 2))); do
    if python3 "$HERE/tools/samples.py" drained "$RUN_DIR/samples.txt"; then
      DRAINED=true; break
    fi
    sleep 0.5
  done
  DRAIN_MS="$(python3 "$HERE/tools/samples.py" drain-ms "$RUN_DIR/samples.txt")"
  PEAK_ACK_PER_S="$(python3 "$HERE/tools/samples.py" peak "$RUN_DIR/samples.txt")"
}
