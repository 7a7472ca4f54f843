-- Acknowledges stored stream entries and deletes them in one round trip, so that the stream's
-- length is the backlog still to store.
-- KEYS: 1 partition stream. ARGV: 1 consumer group, 2.. entry ids.
local acked = redis.call('XACK', KEYS[1], ARGV[1], unpack(ARGV, 2))
redis.call('XDEL', KEYS[1], unpack(ARGV, 2))
return acked
