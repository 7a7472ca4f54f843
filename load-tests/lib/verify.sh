# Sourced by run.sh: counting signatures in PostgreSQL and comparing them with what was answered.
# Uses run.sh's globals: HERE JAR RUN_DIR URL PG_PORT DELETE_ONE_ROW.

# signature_rows IDS [--delete-one-row]: SignatureRows.java lines, one per petition
signature_rows() {
  java -cp "$JAR" "$HERE/tools/SignatureRows.java" \
    "jdbc:postgresql://127.0.0.1:$PG_PORT/gateway" "$@"
}

live_counts() { # live_counts IDS: "ID COUNT" per petition, from the gateway's /count
  local id
  for id in ${1//,/ }; do
    echo "$id $(curl -sf "$URL/api/v1/petitions/$id/count" | jq -r .count)"
  done
}

# verify_stored NAME IDS BEFORE ACKNOWLEDGED LIVE? LATE?: sets VERIFY_LINE, STORED_MINUS_ACKED
# and returns 1 on a mismatch. LIVE is "live" to compare the gateway's live counts too; LATE is
# the gateway's count of signatures answered 503 that Redis took all the same (0 by default).
verify_stored() {
  local name="$1" ids="$2" before="$3" acked="$4" live="-" late="${6:-0}" tamper=()
  if [[ "$DELETE_ONE_ROW" == true ]]; then tamper=(--delete-one-row); fi
  signature_rows "$ids" "${tamper[@]}" >"$RUN_DIR/rows-after-$name.txt"
  if [[ "${5:-}" == live ]]; then
    live="$RUN_DIR/live-counts-$name.txt"
    live_counts "$ids" >"$live"
  fi
  local out status=0
  out="$(python3 "$HERE/tools/verify_rows.py" "$before" "$RUN_DIR/rows-after-$name.txt" \
    "$live" "$acked" "$late")" || status=$?
  VERIFY_LINE="$(echo "$out" | head -1)"
  STORED_MINUS_ACKED="$(echo "$VERIFY_LINE" | sed 's/.*stored-acknowledged=\(-*[0-9]*\).*/\1/')"
  if [[ $status -ne 0 ]]; then
    echo "$out" | tail -n +2 | head -20 | sed "s/^/run.sh: $name: /" >&2
  fi
  return $status
}
