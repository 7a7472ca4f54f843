#!/usr/bin/env bash
# One command for a load test of the signing gateway: build, start (or use a running gateway),
# create a collecting petition, mint tokens, run the Gatling scenario, wait for the writer to
# drain, verify PostgreSQL against what the gateway acknowledged, print one summary line.
# Usage and parameters: load-tests/README.md.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/.." && pwd)"
JAR="$ROOT/target/signing-gateway.jar"

SCENARIO=""
URL=""
DATA_DIR=""
PORT=8080
RATE=500
RAMP=10
HOLD=20
FALL=5
REPEAT_SHARE=0.05
READERS=100
MAX_FAILED_PERCENT=1.0
MAX_SIGN_P99_MS=500
DRAIN_TIMEOUT_S=120
DELETE_ONE_ROW=false
WARMUP_SECONDS=20
KEEP_DATA=false
WARMUP_RATE=300

usage() {
  cat <<EOF
usage: load-tests/run.sh viral-spike [options]
  --url URL               use a running gateway (needs --data-dir of that gateway)
  --data-dir DIR          the gateway's data directory (default: a fresh one under load-tests/target)
  --port N                HTTP port of the embedded gateway started here ($PORT)
  --rate N                target signing arrivals per second ($RATE)
  --ramp S --hold S --fall S   seconds of each phase ($RAMP, $HOLD, $FALL)
  --repeat-share X        share of citizens who press "sign" again, 0..1 ($REPEAT_SHARE)
  --readers N             live-count reads per second ($READERS)
  --max-failed-percent X  Gatling assertion: failed requests below X % ($MAX_FAILED_PERCENT)
  --max-sign-p99-ms N     Gatling assertion: p99 of "sign" below N ms ($MAX_SIGN_P99_MS)
  --drain-timeout S       how long to wait for the writer to drain ($DRAIN_TIMEOUT_S)
  --warmup-seconds S      warm the gateway's JIT first on another petition, 0 for none ($WARMUP_SECONDS)
  --warmup-rate N         signing arrivals per second during the warm-up ($WARMUP_RATE)
  --keep-data             keep the run's data directory, jar copy and tokens (removed by default)
  --delete-one-row        delete one stored signature before verifying (the check must fail)
EOF
}

while [[ $# -gt 0 ]]; do
  case "$1" in
    viral-spike) SCENARIO="$1" ;;
    --url) URL="$2"; shift ;;
    --data-dir) DATA_DIR="$2"; shift ;;
    --port) PORT="$2"; shift ;;
    --rate) RATE="$2"; shift ;;
    --ramp) RAMP="$2"; shift ;;
    --hold) HOLD="$2"; shift ;;
    --fall) FALL="$2"; shift ;;
    --repeat-share) REPEAT_SHARE="$2"; shift ;;
    --readers) READERS="$2"; shift ;;
    --max-failed-percent) MAX_FAILED_PERCENT="$2"; shift ;;
    --max-sign-p99-ms) MAX_SIGN_P99_MS="$2"; shift ;;
    --drain-timeout) DRAIN_TIMEOUT_S="$2"; shift ;;
    --warmup-seconds) WARMUP_SECONDS="$2"; shift ;;
    --warmup-rate) WARMUP_RATE="$2"; shift ;;
    --keep-data) KEEP_DATA=true ;;
    --delete-one-row) DELETE_ONE_ROW=true ;;
    -h|--help) usage; exit 0 ;;
    *) echo "run.sh: unknown argument '$1'" >&2; usage >&2; exit 2 ;;
  esac
  shift
done
if [[ -z "$SCENARIO" ]]; then
  echo "run.sh: name a scenario (only viral-spike exists so far)" >&2; usage >&2; exit 2
fi
if [[ -n "$URL" && -z "$DATA_DIR" ]]; then
  echo "run.sh: --url needs --data-dir of that gateway (admin token, token key, database)" >&2
  exit 2
fi

STAMP="$(date +%Y%m%d-%H%M%S)"
RUN_DIR="$HERE/target/runs/$SCENARIO-$STAMP"
mkdir -p "$RUN_DIR"
GATEWAY_PID=""
POLLER_PID=""

log() { echo "run.sh: $*" >&2; }

stop_started_processes() {
  if [[ -n "$POLLER_PID" ]] && kill -0 "$POLLER_PID" 2>/dev/null; then
    kill "$POLLER_PID" 2>/dev/null || true
  fi
  if [[ -n "$GATEWAY_PID" ]] && kill -0 "$GATEWAY_PID" 2>/dev/null; then
    log "stopping the gateway pid=$GATEWAY_PID"
    kill "$GATEWAY_PID" 2>/dev/null || true
    for _ in $(seq 1 60); do
      kill -0 "$GATEWAY_PID" 2>/dev/null || break
      sleep 0.5
    done
    # Only what this run made: its own data directory (a gateway it started), jar copy, tokens.
    if [[ "$KEEP_DATA" != true && "$DATA_DIR" == "$RUN_DIR/data" ]]; then
      rm -rf "$RUN_DIR/data" "$RUN_DIR/signing-gateway.jar" "$RUN_DIR"/*tokens.txt
    fi
  fi
}
trap stop_started_processes EXIT

# --- build and start -------------------------------------------------------------------------
if [[ ! -f "$JAR" ]]; then
  log "building the gateway jar"
  mvn -B -q -f "$ROOT/pom.xml" package -DskipTests
fi

# A copy, so that a rebuild of the project during the run cannot change the jar under us; the
# gateway runs in the run directory, so it uses the jar's built-in configuration, not ./config.
cp "$JAR" "$RUN_DIR/signing-gateway.jar"
JAR="$RUN_DIR/signing-gateway.jar"

if [[ -z "$URL" ]]; then
  DATA_DIR="${DATA_DIR:-$RUN_DIR/data}"
  mkdir -p "$DATA_DIR"
  DATA_DIR="$(cd "$DATA_DIR" && pwd)"
  URL="http://127.0.0.1:$PORT"
  log "starting the gateway port=$PORT dataDir=$DATA_DIR log=$RUN_DIR/gateway.log"
  (cd "$RUN_DIR" && GATEWAY_DATA_DIR="$DATA_DIR" GATEWAY_HTTP_PORT="$PORT" GATEWAY_HTTP_HOST=127.0.0.1 \
    exec java -jar "$JAR" >"$RUN_DIR/gateway.log" 2>&1) &
  GATEWAY_PID=$!
fi
DATA_DIR="$(cd "$DATA_DIR" && pwd)"

for i in $(seq 1 120); do
  if curl -sf "$URL/health/ready" >/dev/null 2>&1; then break; fi
  if [[ -n "$GATEWAY_PID" ]] && ! kill -0 "$GATEWAY_PID" 2>/dev/null; then
    log "the gateway stopped during start-up; see $RUN_DIR/gateway.log"; exit 1
  fi
  if [[ $i -eq 120 ]]; then log "the gateway was not ready within 60 s at $URL"; exit 1; fi
  sleep 0.5
done
log "gateway ready at $URL"

# --- helpers -----------------------------------------------------------------------------------
ADMIN="$(cat "$DATA_DIR/admin-token")"

create_petition() { # create_petition NAME: a new community and a collecting petition; prints its id
  local slug="$1-$STAMP" author id
  curl -sf -X POST "$URL/api/v1/admin/communities" -H "Authorization: Bearer $ADMIN" \
    -H 'Content-Type: application/json' \
    -d "{\"slug\":\"$slug\",\"name\":\"Load test $slug\",\"region\":\"Load\",\
\"signatureThreshold\":10000000,\"collectionDays\":30,\"residencyRequired\":false,\
\"timeZone\":\"Europe/Kyiv\"}" >/dev/null
  author="$(curl -sf -X POST "$URL/dev/identity/tokens" -H 'Content-Type: application/json' \
    -d "{\"subject\":\"author-$slug\",\"name\":\"Load Author\",\"territory\":\"UA46060250010015970\"}" \
    | jq -r .token)"
  id="$(curl -sf -X POST "$URL/api/v1/communities/$slug/petitions" \
    -H "Authorization: Bearer $author" -H 'Content-Type: application/json' \
    -d '{"title":"Viral petition for a load test","topic":"transport",'\
'"text":"A petition that goes viral: many citizens sign it within seconds while others watch the live count."}' \
    | jq -r .id)"
  curl -sf -X POST "$URL/api/v1/admin/petitions/$id/publish" -H "Authorization: Bearer $ADMIN" >/dev/null
  log "petition id=$id collecting in community=$slug"
  echo "$id"
}

mint_tokens() { # mint_tokens RATE RAMP HOLD FALL FILE PREFIX: one token per citizen the run can inject
  local count
  count="$(python3 -c "import math; r=$1; t=10; print(math.ceil((t+r)/2*$2 + r*$3 + (t+r)/2*$4) + 100)")"
  log "minting $count tokens"
  (cd "$RUN_DIR" && GATEWAY_DATA_DIR="$DATA_DIR" java -jar "$JAR" mint-tokens --count "$count" \
    --out "$5" --subject-prefix "$6" >>"$RUN_DIR/mint.log" 2>&1)
}

SIM_CLASS="ua.epetitions.loadtest.ViralSpikeSimulation"
run_gatling() { # run_gatling PETITION TOKENS RATE RAMP HOLD FALL MAX_FAILED_PCT MAX_P99_MS LOG
  log "running Gatling $SIM_CLASS petition=$1 rate=$3 ramp=${4}s hold=${5}s fall=${6}s"
  (cd "$HERE" && mvn -B test-compile gatling:test -Dgatling.simulationClass="$SIM_CLASS" \
    -DbaseUrl="$URL" -DpetitionId="$1" -Dtokens="$2" -Drate="$3" \
    -DrampSeconds="$4" -DholdSeconds="$5" -DfallSeconds="$6" \
    -DrepeatShare="$REPEAT_SHARE" -DreadersPerSec="$READERS" \
    -DmaxFailedPercent="$7" -DmaxSignP99Ms="$8" >"$9" 2>&1)
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
      echo "$(date +%s%3N) $(metric_sum "$file" '^gateway_signatures_total\{.*outcome="accepted"') \
$(metric_sum "$file" '^gateway_stream_backlog\{') $(metric_sum "$file" '^gateway_stream_pending\{')"
    fi
    sleep 0.5
  done
}

# --- warm-up: a fresh JVM is slow until the JIT has compiled the signing path -------------------
if [[ "$WARMUP_SECONDS" -gt 0 ]]; then
  WARMUP_PETITION="$(create_petition warmup)"
  mint_tokens "$WARMUP_RATE" 2 "$WARMUP_SECONDS" 1 "$RUN_DIR/warmup-tokens.txt" "warmup-$STAMP-"
  run_gatling "$WARMUP_PETITION" "$RUN_DIR/warmup-tokens.txt" "$WARMUP_RATE" 2 "$WARMUP_SECONDS" 1 \
    100 600000 "$RUN_DIR/warmup-gatling.log" || log "warm-up run reported failures (ignored)"
  sleep 3
fi

# --- the measured run --------------------------------------------------------------------------
PETITION_ID="$(create_petition load)"
TOKENS="$RUN_DIR/tokens.txt"
mint_tokens "$RATE" "$RAMP" "$HOLD" "$FALL" "$TOKENS" "load-$STAMP-"

scrape "$RUN_DIR/metrics-before.txt"
poll_metrics >"$RUN_DIR/samples.txt" &
POLLER_PID=$!

GATLING_OK=true
run_gatling "$PETITION_ID" "$TOKENS" "$RATE" "$RAMP" "$HOLD" "$FALL" \
  "$MAX_FAILED_PERCENT" "$MAX_SIGN_P99_MS" "$RUN_DIR/gatling.log" || GATLING_OK=false
LOAD_AVG="$(cut -d' ' -f1 /proc/loadavg)" # the machine's 1-minute load as the run ended
if [[ "$GATLING_OK" != true ]]; then
  log "Gatling failed or its assertions did not hold; see $RUN_DIR/gatling.log"
  grep -E "^[A-Za-z ]+: .* : false" "$RUN_DIR/gatling.log" >&2 || true
fi

# --- drain: backlog and pending at 0 on two samples in a row after the last acknowledgement ------
DRAINED=false
for _ in $(seq 1 $((DRAIN_TIMEOUT_S * 2))); do
  if python3 - "$RUN_DIR/samples.txt" <<'EOF'
import sys
rows = [list(map(int, l.split())) for l in open(sys.argv[1]) if len(l.split()) == 4]
last_ack = max((i for i in range(1, len(rows)) if rows[i][1] > rows[i - 1][1]), default=0)
after = rows[last_ack + 1:]
ok = any(a[2] == 0 and a[3] == 0 and b[2] == 0 and b[3] == 0 and b[0] - a[0] >= 1000
         for a in after for b in after)
sys.exit(0 if ok else 1)
EOF
  then DRAINED=true; break; fi
  sleep 0.5
done
kill "$POLLER_PID" 2>/dev/null || true
POLLER_PID=""
DRAIN_MS="$(python3 - "$RUN_DIR/samples.txt" <<'EOF'
import sys
rows = [list(map(int, l.split())) for l in open(sys.argv[1]) if len(l.split()) == 4]
last_ack = max((i for i in range(1, len(rows)) if rows[i][1] > rows[i - 1][1]), default=0)
zero = next((r for r in rows[last_ack:] if r[2] == 0 and r[3] == 0), None)
print(zero[0] - rows[last_ack][0] if zero else -1)
EOF
)"
PEAK_ACK_PER_S="$(python3 - "$RUN_DIR/samples.txt" <<'EOF'
import sys
rows = [list(map(int, l.split())) for l in open(sys.argv[1]) if len(l.split()) == 4]
rates = [(b[1] - a[1]) * 1000.0 / (b[0] - a[0]) for a, b in zip(rows, rows[2:]) if b[0] > a[0]]
print(round(max(rates, default=0)))
EOF
)"

# --- verification ------------------------------------------------------------------------------
scrape "$RUN_DIR/metrics-after.txt"
delta() {
  echo $(( $(metric_sum "$RUN_DIR/metrics-after.txt" "$1") \
    - $(metric_sum "$RUN_DIR/metrics-before.txt" "$1") ))
}
ACKED="$(delta '^gateway_signatures_total\{.*outcome="accepted"')"
OVERLOADED="$(delta '^gateway_signatures_total\{.*outcome="overloaded"')"
ALL_SIGNING="$(delta '^gateway_signatures_total\{')"
PETITION_JSON="$(curl -sf "$URL/api/v1/petitions/$PETITION_ID")"
PERSISTED="$(echo "$PETITION_JSON" | jq -r .persistedCount)"
LIVE="$(curl -sf "$URL/api/v1/petitions/$PETITION_ID/count" | jq -r .count)"
PG_PORT="$(sed -n 4p "$DATA_DIR/postgres/postmaster.pid")"
ROWS_ARGS=("jdbc:postgresql://127.0.0.1:$PG_PORT/gateway" "$PETITION_ID")
if [[ "$DELETE_ONE_ROW" == true ]]; then ROWS_ARGS+=(--delete-one-row); fi
ROWS_LINE="$(java -cp "$JAR" "$HERE/tools/SignatureRows.java" "${ROWS_ARGS[@]}")"
ROWS="$(echo "$ROWS_LINE" | sed 's/.*rows=\([0-9]*\).*/\1/')"
DISTINCT="$(echo "$ROWS_LINE" | sed 's/.*distinctSigners=\([0-9]*\).*/\1/')"
log "acknowledged=$ACKED persistedCount=$PERSISTED rows=$ROWS distinctSigners=$DISTINCT liveCount=$LIVE"

VERIFIED=false
if [[ "$DRAINED" == true && "$ACKED" -gt 0 && "$ACKED" == "$PERSISTED" && "$ACKED" == "$ROWS" \
  && "$ROWS" == "$DISTINCT" && "$ACKED" == "$LIVE" ]]; then
  VERIFIED=true
fi

# --- summary -----------------------------------------------------------------------------------
REPORT_DIR="$(ls -td "$HERE"/target/gatling/viralspikesimulation-* 2>/dev/null | head -1 || true)"
STATS="p50=? p99=?"
if [[ -n "$REPORT_DIR" && -f "$REPORT_DIR/index.html" ]]; then
  # Gatling 3.15 keeps its statistics in the report's table: the row of the request "sign".
  STATS="$(python3 - "$REPORT_DIR/index.html" <<'EOF'
import re, sys
html = open(sys.argv[1], encoding="utf-8").read()
row = re.search(r'<tr id="req_sign-?\d+".*?</tr>', html, re.S).group(0)
cell = lambda n: re.search(r'class="value total col-%d">([^<]*)<' % n, row).group(1)
print(f"p50={cell(8)}ms p99={cell(11)}ms")
EOF
)" || STATS="p50=? p99=?"
fi
INJECT_S=$((RAMP + HOLD + FALL))
SHARE_503="$(python3 -c "print(f'{($OVERLOADED / $ALL_SIGNING * 100) if $ALL_SIGNING else 0:.2f}%')")"
GATLING_ASSERTIONS="$([[ $GATLING_OK == true ]] && echo pass || echo fail)"
SUMMARY="summary: scenario=$SCENARIO rate=$RATE/s acknowledged=$ACKED"
SUMMARY+=" ack/s(avg over ${INJECT_S}s)=$((ACKED / INJECT_S)) ack/s(peak)=$PEAK_ACK_PER_S"
SUMMARY+=" sign $STATS 503=$SHARE_503 drain=${DRAIN_MS}ms load1=$LOAD_AVG"
SUMMARY+=" gatlingAssertions=$GATLING_ASSERTIONS stored-acknowledged=$((ROWS - ACKED))"
SUMMARY+=" persisted==acknowledged=$VERIFIED"
echo "$SUMMARY"
echo "report: ${REPORT_DIR:-none}/index.html  run files: $RUN_DIR"

if [[ "$VERIFIED" != true ]]; then
  log "VERIFICATION FAILED: drained=$DRAINED acknowledged=$ACKED persistedCount=$PERSISTED" \
    "rows=$ROWS distinctSigners=$DISTINCT liveCount=$LIVE"
  exit 1
fi
if [[ "$GATLING_OK" != true ]]; then exit 3; fi
