-- wrk script for the bare HTTP ceiling: prints the same latency line as sign.lua.
function done(summary, latency, requests)
  io.write(string.format("latency p50=%.1fms p99=%.1fms\n",
    latency:percentile(50) / 1000, latency:percentile(99) / 1000))
end
