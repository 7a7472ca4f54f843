# Sourced by run.sh: the capacity mode. The same stepped Gatling run (CapacitySimulation) against
# the gateway's signing, its /health/live and a naive signing server, one after the other on the
# same machine; each stops itself at the first step that breaks p99 or the failed share.
# Uses run.sh's globals (see run.sh) and lib/gateway.sh, lib/verify.sh.

capacity() {
  local gateway_ids naive_ids="" tokens needed
  gateway_ids="$(create_petitions capacity "$CAP_PETITIONS" | paste -sd,)"
  needed="$(java -cp "$HERE/target/test-classes" ua.epetitions.loadtest.CapacitySteps \
    "$CAP_PETITIONS" "$CAP_WARMUP_SECONDS" "$STEP_SECONDS" "$START_RATE" "$FACTOR" \
    "$SIGN_MAX_RATE")"
  tokens="$RUN_DIR/tokens.txt"
  mint_tokens $((needed + 10)) "$tokens" "capacity-$STAMP-"
  if [[ "$NAIVE" == true ]]; then
    naive_ids="$(create_petitions naive "$CAP_PETITIONS" | paste -sd,)"
    start_naive_server
  fi

  signature_rows "$gateway_ids" >"$RUN_DIR/rows-before.txt"
  scrape "$RUN_DIR/metrics-before.txt"
  start_poller
  step_up gateway-sign "$URL" sign "$SIGN_MAX_RATE" -DpetitionIds="$gateway_ids" \
    -Dtokens="$tokens"
  wait_for_drain
  stop_poller
  scrape "$RUN_DIR/metrics-after.txt"
  local acked late gateway_ok=true
  acked="$(delta '^gateway_signatures_total\{.*outcome="accepted"')"
  late="$(delta '^gateway_signatures_stored_after_timeout_total')"
  verify_stored gateway "$gateway_ids" "$RUN_DIR/rows-before.txt" "$acked" live "$late" \
    || gateway_ok=false
  [[ "$DRAINED" == true ]] || gateway_ok=false
  log "gateway: acknowledged=$acked $VERIFY_LINE drained=$DRAINED drain=${DRAIN_MS}ms"

  step_up gateway-live "$URL" live "$LIVE_MAX_RATE"

  local naive_ok=skipped
  if [[ "$NAIVE" == true ]]; then
    signature_rows "$naive_ids" >"$RUN_DIR/rows-before-naive.txt"
    local before
    before="$(naive_accepted)"
    step_up naive-sign "http://127.0.0.1:$NAIVE_PORT" sign "$SIGN_MAX_RATE" \
      -DpetitionIds="$naive_ids" -Dtokens="$tokens"
    sleep 2 # requests still in flight when the generator stopped
    naive_ok=true
    verify_stored naive "$naive_ids" "$RUN_DIR/rows-before-naive.txt" \
      "$(($(naive_accepted) - before))" || naive_ok=false
    log "naive: $VERIFY_LINE"
  fi
  capacity_summary "$gateway_ok" "$naive_ok"
}

# step_up LABEL URL TARGET MAX_RATE -D...: one stepped run; HELD[LABEL] is the rate it held,
# CAPPED[LABEL] true when every step up to MAX_RATE held (the limit is above it, not found).
declare -A HELD CAPPED
step_up() {
  local label="$1" url="$2" target="$3" max="$4" report
  shift 4
  GATLING_BASE_URL="$url" run_gatling CapacitySimulation "$RUN_DIR/gatling-$label.log" \
    -Dtarget="$target" -DwarmupSeconds="$CAP_WARMUP_SECONDS" -DstepSeconds="$STEP_SECONDS" \
    -DstartRate="$START_RATE" -Dfactor="$FACTOR" -DmaxRate="$max" -DmaxP99Ms="$MAX_P99_MS" \
    -DmaxErrorPercent="$MAX_ERROR_PERCENT" "$@" \
    || log "$label: Gatling reported failures (the first step did not hold, or worse)"
  grep -h "capacity: stopped" "$RUN_DIR/gatling-$label.log" | sed "s/^/run.sh: $label: /" >&2 \
    || true
  report="$(latest_report CapacitySimulation)"
  python3 "$HERE/tools/capacity.py" "$report" "$label" "$MAX_P99_MS" "$MAX_ERROR_PERCENT" \
    "$STEP_SECONDS" >"$RUN_DIR/capacity-$label.txt"
  grep -v '^held=\|^capped=' "$RUN_DIR/capacity-$label.txt"
  HELD[$label]="$(sed -n 's/^held=//p' "$RUN_DIR/capacity-$label.txt")"
  CAPPED[$label]="$(sed -n 's/^capped=//p' "$RUN_DIR/capacity-$label.txt")"
  echo "capacity: $label held=$(held "$label") report=$report/index.html"
  if [[ "${CAPPED[$label]}" == true ]]; then
    log "$label: every step held up to the last ($max/s): its limit is higher; raise the max rate"
  fi
  sleep 3
}

# naive_accepted: the 202s the naive server has sent (Gatling misses those in flight at its stop)
naive_accepted() { curl -sf "http://127.0.0.1:$NAIVE_PORT/naive/accepted" | jq -r .accepted; }

start_naive_server() {
  local cp="$ROOT/target/naive-classpath.txt"
  log "compiling the naive server (the project's test classes)"
  mvn -B -q -f "$ROOT/pom.xml" test-compile dependency:build-classpath \
    -Dmdep.outputFile="$cp" >"$RUN_DIR/naive-build.log" 2>&1
  log "starting the naive server port=$NAIVE_PORT log=$RUN_DIR/naive.log"
  (cd "$RUN_DIR" && GATEWAY_DATA_DIR="$DATA_DIR" exec java \
    -cp "$ROOT/target/classes:$ROOT/target/test-classes:$(cat "$cp")" \
    ua.epetitions.gateway.bench.NaiveSigningServer "$NAIVE_PORT" \
    "postgresql://postgres@127.0.0.1:$PG_PORT/gateway" "$NAIVE_POOL" \
    >"$RUN_DIR/naive.log" 2>&1) &
  NAIVE_PID=$!
  wait_until_ready "http://127.0.0.1:$NAIVE_PORT/health/live" "$NAIVE_PID" "$RUN_DIR/naive.log"
  naive_warm_up
}

# A cold naive server (classes, JIT, 32 PostgreSQL connections to open) answered nothing for
# 20 s when 250/s hit it at once on a busy machine: give it what the gateway's warm-up gives it.
naive_warm_up() {
  local petition tokens="$RUN_DIR/naive-warmup-tokens.txt"
  petition="$(create_petition naive-warmup)"
  mint_tokens 2000 "$tokens" "naive-warmup-$STAMP-"
  log "warming the naive server up: 2000 signatures, 16 at a time"
  xargs -P 16 -I{} curl -s -o /dev/null -m 30 -X POST \
    "http://127.0.0.1:$NAIVE_PORT/api/v1/petitions/$petition/signatures" \
    -H "Authorization: Bearer {}" -H 'Content-Type: application/json' \
    -d '{"consent":true}' <"$tokens"
}

# held LABEL: "N/s", marked when the last step held (the limit lies above it)
held() {
  if [[ "${CAPPED[$1]:-false}" == true ]]; then echo "${HELD[$1]}/s(every-step-held)"
  else echo "${HELD[$1]:-0}/s"; fi
}

ratio() { python3 -c "print(f'{$1 / $2:.2f}' if $2 else 'n/a')"; }

capacity_summary() { # capacity_summary GATEWAY_VERIFIED NAIVE_VERIFIED
  local sign="${HELD[gateway-sign]}" live="${HELD[gateway-live]}" naive="${HELD[naive-sign]:-0}"
  local summary="summary: scenario=capacity bound=p99<${MAX_P99_MS}ms,failed<${MAX_ERROR_PERCENT}%"
  summary+=" steps=${START_RATE}/s*${FACTOR}^n,${STEP_SECONDS}s gateway-sign=$(held gateway-sign)"
  summary+=" gateway-live=$(held gateway-live) gateway/bare-http=$(ratio "$sign" "$live")"
  if [[ "$NAIVE" == true ]]; then
    summary+=" naive-sign=$(held naive-sign) gateway/naive=$(ratio "$sign" "$naive")"
  fi
  summary+=" load1=$(cut -d' ' -f1 /proc/loadavg) persisted==acknowledged=$1"
  summary+=" naive-stored==naive-acknowledged=$2"
  echo "$summary"
  echo "run files: $RUN_DIR (capacity-*.txt per target, gatling/ for the reports)"
  if [[ "$1" != true || "$2" == false ]]; then
    log "VERIFICATION FAILED: see the lines above"
    exit 1
  fi
}
