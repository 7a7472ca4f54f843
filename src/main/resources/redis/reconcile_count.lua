-- Checks a petition's live count against its signers, atomically with the signing script, and
-- repairs it: every accepted signature adds one signer and one to the count, so they must agree.
-- KEYS: 1 petition state hash, 2 signers hash.
-- Answers {outcome, live count before, signers}: ok, repaired, missing (no state), rebuilding.
local state = redis.call('HMGET', KEYS[1], 'status', 'count', 'rebuilding')
local signers = redis.call('HLEN', KEYS[2])
if not state[1] then
  return {'missing', -1, signers}
end
if state[3] then
  return {'rebuilding', -1, signers}
end
local count = tonumber(state[2]) or -1
if count == signers then
  return {'ok', count, signers}
end
redis.call('HSET', KEYS[1], 'count', signers)
return {'repaired', count, signers}
