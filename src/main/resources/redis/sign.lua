-- Takes one signature, atomically, in one hash slot (every key shares the partition's tag).
-- KEYS: 1 petition state hash, 2 signers hash (signer key -> receipt), 3 partition stream,
--       4 partition pause flag
-- ARGV: 1 petition id, 2 signer key, 3 display name, 4 now (epoch ms), 5 signer territory,
--       6 backlog limit (entries), 7 receipt prefix
-- Answers {outcome, ...}: accepted (receipt, count), duplicate (receipt), unknown, rebuilding,
-- paused, not-collecting (status), not-eligible, overloaded.
local state = redis.call('HMGET', KEYS[1], 'status', 'closesAt', 'paused', 'territory', 'rebuilding')
local status = state[1]
if not status then
  return {'unknown'}
end
-- The signers hash is being refilled from PostgreSQL: it cannot tell a repeat signer yet.
if state[5] then
  return {'rebuilding'}
end
if state[3] == '1' or redis.call('EXISTS', KEYS[4]) == 1 then
  return {'paused'}
end
if status ~= 'collecting' and status ~= 'threshold_reached' then
  return {'not-collecting', status}
end
if tonumber(state[2]) <= tonumber(ARGV[4]) then
  return {'not-collecting', 'closed'}
end
local required = state[4]
if required and required ~= '' and string.sub(ARGV[5], 1, #required) ~= required then
  return {'not-eligible'}
end
local receipt = redis.call('HGET', KEYS[2], ARGV[2])
if receipt then
  return {'duplicate', receipt}
end
if redis.call('XLEN', KEYS[3]) >= tonumber(ARGV[6]) then
  return {'overloaded'}
end
local id = redis.call('XADD', KEYS[3], '*', 'p', ARGV[1], 'k', ARGV[2], 'n', ARGV[3], 't', ARGV[4])
receipt = ARGV[7] .. id
redis.call('HSET', KEYS[2], ARGV[2], receipt)
local count = redis.call('HINCRBY', KEYS[1], 'count', 1)
return {'accepted', receipt, count}
