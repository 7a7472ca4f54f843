#!/usr/bin/env bash
# One command for a load test of the signing gateway: build, start (or use a running gateway),
# create or find the petitions, mint tokens, run the Gatling scenario, wait for the writer to
# drain, verify PostgreSQL against what the gateway acknowledged, print one summary line.
# The capacity mode steps the rate up instead and compares with /health/live and a naive server.
# Usage and parameters: load-tests/README.md.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/.." && pwd)"
JAR="$ROOT/target/signing-gateway.jar"
# shellcheck source=lib/gateway.sh
source "$HERE/lib/gateway.sh"
# shellcheck source=lib/verify.sh
source "$HERE/lib/verify.sh"
# shellcheck source=lib/capacity.sh
source "$HERE/lib/capacity.sh"

SCENARIOS="viral-spike city-day retry-storm readers capacity"
SCENARIO=""
URL=""
DATA_DIR=""
PORT=8080
DRAIN_TIMEOUT_S=120
DELETE_ONE_ROW=false
KEEP_DATA=false
WARMUP_RATE=300
# Empty: the scenario's own default (see scenario_defaults).
RATE="" RAMP="" HOLD="" FALL="" READERS="" WARMUP_SECONDS="" MAX_READ_P99_MS=""
MAX_FAILED_PERCENT=1.0 MAX_SIGN_P99_MS=500
REPEAT_SHARE=0.05 BROWSERS=5 FILINGS=1 ZIPF=1.0 SEED=5 PRESSES=4 PAUSE_MS=0
START_RATE=250 FACTOR=1.25 STEP_SECONDS=8 CAP_WARMUP_SECONDS=10 MAX_P99_MS=50
MAX_ERROR_PERCENT=1.0 CAP_PETITIONS=8 SIGN_MAX_RATE=20000 LIVE_MAX_RATE=60000
NAIVE=true NAIVE_PORT="" NAIVE_POOL=8

usage() {
  cat <<USAGE
usage: load-tests/run.sh SCENARIO [options]     SCENARIO: ${SCENARIOS// / | }
 every scenario:
  --url URL               use a running gateway (needs --data-dir of that gateway)
  --data-dir DIR          the gateway's data directory (default: a fresh one under target/runs)
  --port N                HTTP port of the embedded gateway started here ($PORT)
  --warmup-seconds S      warm the JIT on another petition first, 0 for none (15)
  --warmup-rate N         signing arrivals per second during the warm-up ($WARMUP_RATE)
  --drain-timeout S       how long to wait for the writer to drain ($DRAIN_TIMEOUT_S)
  --keep-data             keep the run's data directory, jar copy and tokens
  --delete-one-row        delete one stored signature before verifying (the check must fail)
 the scenarios (defaults differ per scenario: see README.md):
  --rate N                signing arrivals per second at the top
  --ramp S --hold S       seconds of the ramp (from 10/s) and of the hold
  --fall S                viral-spike: seconds of the fall back to 10/s
  --readers N             live-count (readers, viral-spike) or petition reads (city-day) per s
  --max-failed-percent X  assertion: failed requests below X % ($MAX_FAILED_PERCENT)
  --max-sign-p99-ms N     assertion: p99 of "sign" below N ms ($MAX_SIGN_P99_MS)
  --max-read-p99-ms N     assertion: p99 of reads below N ms (readers 200, others 500)
  --repeat-share X        viral-spike: share of citizens who press "sign" again ($REPEAT_SHARE)
  --browsers N            city-day: visitors browsing lists per second ($BROWSERS)
  --filings N             city-day: petitions filed per second ($FILINGS)
  --zipf X --seed N       city-day: Zipf exponent of popularity, seed of the plan ($ZIPF, $SEED)
  --presses N             retry-storm: presses of "sign" per citizen ($PRESSES)
  --pause-ms N            retry-storm: pause between two presses ($PAUSE_MS)
 capacity:
  --start-rate N          the first step ($START_RATE/s)
  --factor X              each step this many times the one before ($FACTOR)
  --step-seconds S        seconds of each step ($STEP_SECONDS)
  --capacity-warmup-seconds S   at the first rate before the steps ($CAP_WARMUP_SECONDS)
  --max-p99-ms N          a step holds while its p99 is below N ms ($MAX_P99_MS)
  --max-error-percent X   and its failed share below X % ($MAX_ERROR_PERCENT)
  --petitions N           petitions signed; each citizen signs each once ($CAP_PETITIONS)
  --sign-max-rate N       the last signing step ($SIGN_MAX_RATE)
  --live-max-rate N       the last /health/live step ($LIVE_MAX_RATE)
  --naive-port N          port of the naive server (the gateway's port + 1)
  --naive-pool N          its PostgreSQL connections ($NAIVE_POOL)
  --no-naive              skip the naive server
USAGE
}

parse_args() {
  while [[ $# -gt 0 ]]; do
    case "$1" in
      viral-spike|city-day|retry-storm|readers|capacity) SCENARIO="$1" ;;
      --url) URL="$2"; shift ;;
      --data-dir) DATA_DIR="$2"; shift ;;
      --port) PORT="$2"; shift ;;
      --rate) RATE="$2"; shift ;;
      --ramp) RAMP="$2"; shift ;;
      --hold) HOLD="$2"; shift ;;
      --fall) FALL="$2"; shift ;;
      --readers) READERS="$2"; shift ;;
      --repeat-share) REPEAT_SHARE="$2"; shift ;;
      --browsers) BROWSERS="$2"; shift ;;
      --filings) FILINGS="$2"; shift ;;
      --zipf) ZIPF="$2"; shift ;;
      --seed) SEED="$2"; shift ;;
      --presses) PRESSES="$2"; shift ;;
      --pause-ms) PAUSE_MS="$2"; shift ;;
      --max-failed-percent) MAX_FAILED_PERCENT="$2"; shift ;;
      --max-sign-p99-ms) MAX_SIGN_P99_MS="$2"; shift ;;
      --max-read-p99-ms) MAX_READ_P99_MS="$2"; shift ;;
      --start-rate) START_RATE="$2"; shift ;;
      --factor) FACTOR="$2"; shift ;;
      --step-seconds) STEP_SECONDS="$2"; shift ;;
      --capacity-warmup-seconds) CAP_WARMUP_SECONDS="$2"; shift ;;
      --max-p99-ms) MAX_P99_MS="$2"; shift ;;
      --max-error-percent) MAX_ERROR_PERCENT="$2"; shift ;;
      --petitions) CAP_PETITIONS="$2"; shift ;;
      --sign-max-rate) SIGN_MAX_RATE="$2"; shift ;;
      --live-max-rate) LIVE_MAX_RATE="$2"; shift ;;
      --naive-port) NAIVE_PORT="$2"; shift ;;
      --naive-pool) NAIVE_POOL="$2"; shift ;;
      --no-naive) NAIVE=false ;;
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
    echo "run.sh: name a scenario: $SCENARIOS" >&2; usage >&2; exit 2
  fi
  if [[ -n "$URL" && -z "$DATA_DIR" ]]; then
    echo "run.sh: --url needs --data-dir of that gateway (admin token, token key, database)" >&2
    exit 2
  fi
}

# Fills what the command line left empty with the scenario's defaults.
scenario_defaults() {
  local rate ramp hold fall readers read_p99=500 warmup=15
  case "$SCENARIO" in
    viral-spike) rate=500 ramp=10 hold=20 fall=5 readers=100 ;;
    city-day) rate=200 ramp=5 hold=40 fall=0 readers=50 ;;
    retry-storm) rate=200 ramp=5 hold=25 fall=0 readers=0 ;;
    readers) rate=100 ramp=5 hold=30 fall=0 readers=1500 read_p99=200 ;;
    capacity) rate=0 ramp=0 hold=0 fall=0 readers=0 ;;
  esac
  RATE="${RATE:-$rate}" RAMP="${RAMP:-$ramp}" HOLD="${HOLD:-$hold}" FALL="${FALL:-$fall}"
  READERS="${READERS:-$readers}" MAX_READ_P99_MS="${MAX_READ_P99_MS:-$read_p99}"
  WARMUP_SECONDS="${WARMUP_SECONDS:-$warmup}" NAIVE_PORT="${NAIVE_PORT:-$((PORT + 1))}"
}

# --- warm-up: a fresh JVM is slow until the JIT has compiled the signing path -------------------
warm_up() {
  [[ "$WARMUP_SECONDS" -gt 0 ]] || return 0
  local petition
  petition="$(create_petition warmup)"
  mint_tokens $((WARMUP_RATE * (WARMUP_SECONDS + 2) + 100)) "$RUN_DIR/warmup-tokens.txt" \
    "warmup-$STAMP-"
  run_gatling ViralSpikeSimulation "$RUN_DIR/warmup-gatling.log" -DpetitionId="$petition" \
    -Dtokens="$RUN_DIR/warmup-tokens.txt" -Drate="$WARMUP_RATE" -DrampSeconds=2 \
    -DholdSeconds="$WARMUP_SECONDS" -DfallSeconds=1 -DmaxFailedPercent=100 \
    -DmaxSignP99Ms=600000 || log "warm-up run reported failures (ignored)"
  sleep 3
}

# --- the scenarios: each sets PETITION_IDS, SIM_CLASS, SIM_ARGS and INJECT_S, mints its tokens --
viral_spike() {
  PETITION_IDS="$(create_petition load)"
  TOKENS="$RUN_DIR/tokens.txt"
  mint_tokens "$(arrivals "$RATE" "$RAMP" "$HOLD" "$FALL")" "$TOKENS" "load-$STAMP-"
  SIM_CLASS=ViralSpikeSimulation
  SIM_ARGS=(-DpetitionId="$PETITION_IDS" -Dtokens="$TOKENS" -Drate="$RATE" -DrampSeconds="$RAMP"
    -DholdSeconds="$HOLD" -DfallSeconds="$FALL" -DrepeatShare="$REPEAT_SHARE"
    -DreadersPerSec="$READERS" -DmaxFailedPercent="$MAX_FAILED_PERCENT"
    -DmaxSignP99Ms="$MAX_SIGN_P99_MS")
  INJECT_S=$((RAMP + HOLD + FALL))
}

city_day() {
  local petitions="$RUN_DIR/petitions.txt" citizens="$RUN_DIR/citizens"
  local plan="$RUN_DIR/mint-plan.txt"
  # Every collecting petition but the warm-up's, whose last signatures may still be draining.
  collecting_petitions "$petitions.all"
  grep -v " warmup-$STAMP " "$petitions.all" >"$petitions" || true
  log "collecting petitions=$(wc -l <"$petitions")" \
    "councils=$(cut -d' ' -f2 "$petitions" | sort -u | wc -l)"
  mkdir -p "$citizens"
  java -cp "$HERE/target/test-classes" ua.epetitions.loadtest.CityDayPlan "$petitions" \
    "$RATE" "$RAMP" "$HOLD" "$ZIPF" "$SEED" \
    | awk -v dir="$citizens" -v stamp="$STAMP" \
      '{ print dir "/" $1 ".txt " $2 " city-" stamp "-" $1 "- " $3 }' >"$plan"
  mint_token_files "$plan"
  PETITION_IDS="$(cut -d' ' -f1 "$petitions" | paste -sd,)"
  SIM_CLASS=CityDaySimulation
  SIM_ARGS=(-Dpetitions="$petitions" -DtokensDir="$citizens" -Drate="$RATE"
    -DrampSeconds="$RAMP" -DholdSeconds="$HOLD" -DzipfExponent="$ZIPF" -Dseed="$SEED"
    -DreadersPerSec="$READERS" -DbrowsersPerSec="$BROWSERS" -DfilingsPerSec="$FILINGS"
    -DmaxFailedPercent="$MAX_FAILED_PERCENT" -DmaxSignP99Ms="$MAX_SIGN_P99_MS"
    -DmaxReadP99Ms="$MAX_READ_P99_MS")
  INJECT_S=$((RAMP + HOLD))
}

retry_storm() {
  PETITION_IDS="$(create_petition retry)"
  TOKENS="$RUN_DIR/tokens.txt"
  mint_tokens "$(arrivals "$RATE" "$RAMP" "$HOLD" 0)" "$TOKENS" "retry-$STAMP-"
  SIM_CLASS=RetryStormSimulation
  SIM_ARGS=(-DpetitionId="$PETITION_IDS" -Dtokens="$TOKENS" -Drate="$RATE" -DrampSeconds="$RAMP"
    -DholdSeconds="$HOLD" -Dpresses="$PRESSES" -DpauseMs="$PAUSE_MS"
    -DmaxFailedPercent="$MAX_FAILED_PERCENT" -DmaxSignP99Ms="$MAX_SIGN_P99_MS")
  INJECT_S=$((RAMP + HOLD))
}

readers() {
  PETITION_IDS="$(create_petition hot)"
  TOKENS="$RUN_DIR/tokens.txt"
  mint_tokens $((RATE * (RAMP + HOLD) + 100)) "$TOKENS" "hot-$STAMP-"
  SIM_CLASS=ReadersSimulation
  SIM_ARGS=(-DpetitionId="$PETITION_IDS" -Dtokens="$TOKENS" -Drate="$RATE" -DrampSeconds="$RAMP"
    -DholdSeconds="$HOLD" -DreadersPerSec="$READERS" -DmaxFailedPercent="$MAX_FAILED_PERCENT"
    -DmaxSignP99Ms="$MAX_SIGN_P99_MS" -DmaxReadP99Ms="$MAX_READ_P99_MS")
  INJECT_S=$((RAMP + HOLD))
}

arrivals() { # arrivals RATE RAMP HOLD FALL: citizens a ramp/hold/fall from and to 10/s injects
  python3 -c "import math; r=$1; t=10; print(math.ceil((t+r)/2*$2 + r*$3 + (t+r)/2*$4) + 100)"
}

# --- the measured run, the drain, the verification and the summary -----------------------------
measured_run() {
  signature_rows "$PETITION_IDS" >"$RUN_DIR/rows-before.txt"
  scrape "$RUN_DIR/metrics-before.txt"
  start_poller
  GATLING_OK=true
  run_gatling "$SIM_CLASS" "$RUN_DIR/gatling.log" "${SIM_ARGS[@]}" || GATLING_OK=false
  LOAD_AVG="$(cut -d' ' -f1 /proc/loadavg)" # the machine's 1-minute load as the run ended
  if [[ "$GATLING_OK" != true ]]; then
    log "Gatling failed or its assertions did not hold; see $RUN_DIR/gatling.log"
    grep -E "^[A-Za-z ]+: .* : false|Exception" "$RUN_DIR/gatling.log" | head -5 >&2 || true
  fi
  wait_for_drain
  stop_poller
  scrape "$RUN_DIR/metrics-after.txt"
}

delta() { # delta REGEX: increase of a gateway counter over the measured run
  echo $(( $(metric_sum "$RUN_DIR/metrics-after.txt" "$1") \
    - $(metric_sum "$RUN_DIR/metrics-before.txt" "$1") ))
}

stat_of() { # stat_of REQUEST_NAME: "p50=Nms p99=Nms" from the report's table
  local line
  line="$(python3 "$HERE/tools/gatling_stats.py" "$REPORT_DIR" 2>/dev/null \
    | awk -F'\t' -v n="$1" '$1 == n')" || true
  if [[ -z "$line" ]]; then echo "p50=? p99=?"; return; fi
  echo "$line" | awk -F'\t' '{ printf "p50=%sms p99=%sms", $5, $6 }'
}

count_of() { # count_of REQUEST_NAME: requests of that name answered as the checks expected
  python3 "$HERE/tools/gatling_stats.py" "$REPORT_DIR" 2>/dev/null \
    | awk -F'\t' -v n="$1" '$1 == n { print $3 }'
}

scenario_extras() { # figures only some scenarios have, for their summary line
  case "$SCENARIO" in
    city-day) echo " petition $(stat_of petition) filed=$(count_of 'file petition')" ;;
    retry-storm) echo " again $(stat_of 'sign again') 409=$(delta \
      '^gateway_signatures_total\{.*outcome="duplicate"')" ;;
    readers|viral-spike) echo " live-count $(stat_of 'live count')" ;;
  esac
}

verify_and_summarise() {
  local acked late overloaded all_signing verified=true share_503 summary
  acked="$(delta '^gateway_signatures_total\{.*outcome="accepted"')"
  overloaded="$(delta '^gateway_signatures_total\{.*outcome="overloaded"')"
  all_signing="$(delta '^gateway_signatures_total\{')"
  late="$(delta '^gateway_signatures_stored_after_timeout_total')"
  verify_stored gateway "$PETITION_IDS" "$RUN_DIR/rows-before.txt" "$acked" live "$late" \
    || verified=false
  if [[ "$DRAINED" != true ]]; then verified=false; fi
  log "acknowledged=$acked $VERIFY_LINE drained=$DRAINED"

  REPORT_DIR="$(latest_report "$SIM_CLASS")"
  share_503="$(python3 -c \
    "print(f'{($overloaded / $all_signing * 100) if $all_signing else 0:.2f}%')")"
  summary="summary: scenario=$SCENARIO rate=$RATE/s acknowledged=$acked"
  summary+=" ack/s(avg over ${INJECT_S}s)=$((acked / INJECT_S)) ack/s(peak)=$PEAK_ACK_PER_S"
  summary+=" sign $(stat_of sign)$(scenario_extras) 503=$share_503 drain=${DRAIN_MS}ms"
  summary+=" load1=$LOAD_AVG"
  summary+=" gatlingAssertions=$([[ $GATLING_OK == true ]] && echo pass || echo fail)"
  summary+=" petitions=$(echo "$PETITION_IDS" | tr ',' '\n' | wc -l)"
  summary+=" storedAfter503=$late persisted==acknowledged=$verified"
  echo "$summary"
  echo "report: ${REPORT_DIR:-none}/index.html  run files: $RUN_DIR"
  if [[ "$verified" != true ]]; then
    log "VERIFICATION FAILED: drained=$DRAINED acknowledged=$acked $VERIFY_LINE"
    exit 1
  fi
  if [[ "$GATLING_OK" != true ]]; then exit 3; fi
}

main() {
  parse_args "$@"
  scenario_defaults
  STAMP="$(date +%Y%m%d-%H%M%S)"
  RUN_DIR="$HERE/target/runs/$SCENARIO-$STAMP"
  mkdir -p "$RUN_DIR"
  GATEWAY_PID="" POLLER_PID="" NAIVE_PID=""
  trap stop_started_processes EXIT

  build
  start_gateway
  warm_up
  case "$SCENARIO" in
    viral-spike) viral_spike ;;
    city-day) city_day ;;
    retry-storm) retry_storm ;;
    readers) readers ;;
    capacity) capacity; return ;;
  esac
  measured_run
  verify_and_summarise
}

main "$@"
