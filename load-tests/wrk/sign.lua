-- wrk script: every request signs a petition with a minted token, and no (token, petition) pair
-- repeats within a run. Environment: TOKENS (file, one token per line), PETS (petition ids,
-- blank-separated), THREADS (wrk's -t), START (first pair index, to run again without repeats),
-- WRAP (optional: pair indexes wrap at this number, so that a run re-signs only the pairs a
-- previous run from START=0 used: the already-signed, 409, path).
local tokens, pets = {}, {}
local next_pair, step, wrap = 0, 1, nil
local threads = {}

function setup(thread)
  thread:set("thread_index", #threads)
  table.insert(threads, thread)
end

function init(args)
  for line in io.lines(os.getenv("TOKENS")) do tokens[#tokens + 1] = line end
  for id in string.gmatch(os.getenv("PETS"), "%d+") do pets[#pets + 1] = id end
  step = tonumber(os.getenv("THREADS") or "1")
  next_pair = thread_index + tonumber(os.getenv("START") or "0")
  wrap = tonumber(os.getenv("WRAP") or "")
end

function request()
  local pair = next_pair
  next_pair = next_pair + step
  if wrap then pair = pair % wrap end
  local petition = pets[(math.floor(pair / #tokens) % #pets) + 1]
  local token = tokens[(pair % #tokens) + 1]
  return wrk.format("POST", "/api/v1/petitions/" .. petition .. "/signatures",
    {["Content-Type"] = "application/json", ["Authorization"] = "Bearer " .. token},
    '{"consent":true}')
end

function done(summary, latency, requests)
  io.write(string.format("latency p50=%.1fms p99=%.1fms\n",
    latency:percentile(50) / 1000, latency:percentile(99) / 1000))
end
