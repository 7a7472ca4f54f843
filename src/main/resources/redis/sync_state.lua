-- Mirrors one petition's terms from PostgreSQL into its state hash, in one slot.
-- KEYS: 1 petition state hash, 2 signers hash
-- ARGV: 1 status, 2 closesAt (epoch ms), 3 paused (1/0), 4 required territory, 5 threshold,
--       6 persisted count, 7 open (1 when the status accepts signatures),
--       8 has signatures (1 when PostgreSQL holds signatures of the petition)
-- Never creates the state of an open petition that has signatures: without its signers the
-- script would take repeat signers as new, so such a petition needs a rebuild instead.
-- Never touches the live count of an existing state, nor its rebuilding flag.
-- Answers: written, rebuild (state missing, needs a rebuild), rebuilding (flag set).
local exists = redis.call('EXISTS', KEYS[1]) == 1
if not exists and ARGV[7] == '1' and ARGV[8] == '1' then
  return 'rebuild'
end
redis.call('HSET', KEYS[1], 'status', ARGV[1], 'closesAt', ARGV[2], 'paused', ARGV[3],
  'territory', ARGV[4], 'threshold', ARGV[5])
if not exists then
  local signers = redis.call('HLEN', KEYS[2])
  redis.call('HSET', KEYS[1], 'count', signers > 0 and signers or ARGV[6])
end
if redis.call('HEXISTS', KEYS[1], 'rebuilding') == 1 then
  return 'rebuilding'
end
return 'written'
