-- Ends the rebuild of one petition once its signers hash holds every signer from PostgreSQL
-- (and those still in the stream): the live count becomes the number of signers, and intake
-- opens again. KEYS: 1 petition state hash, 2 signers hash.
-- Answers the live count, or -1 when the state vanished during the rebuild (Redis lost data
-- again): the petition must be rebuilt once more.
if redis.call('EXISTS', KEYS[1]) == 0 then
  return -1
end
local signers = redis.call('HLEN', KEYS[2])
redis.call('HSET', KEYS[1], 'count', signers)
redis.call('HDEL', KEYS[1], 'rebuilding')
return signers
