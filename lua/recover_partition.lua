-- dt_recover_partition: requeue instances whose lease expired or whose pop from `ready`
-- was never followed by a lock (the popping worker died). Touches partition keys only.
-- KEYS: 1 ready, 2 queued, 3 leases
-- ARGV: 1 how long a queued entry may wait before it is pushed again (ms), 2 batch size
-- Returns: the number of instances requeued.
local function recover_partition(KEYS, ARGV)
  local now = nowMs()
  local n = 0
  local expired = redis.call('ZRANGEBYSCORE', KEYS[3], '-inf', now, 'LIMIT', 0, tonumber(ARGV[2]))
  for _, id in ipairs(expired) do
    redis.call('ZREM', KEYS[3], id)
    redis.call('ZADD', KEYS[2], now, id)
    redis.call('RPUSH', KEYS[1], id)
    n = n + 1
  end
  local stale = redis.call('ZRANGEBYSCORE', KEYS[2], '-inf', now - tonumber(ARGV[1]), 'LIMIT', 0, tonumber(ARGV[2]))
  for _, id in ipairs(stale) do
    redis.call('ZADD', KEYS[2], now, id)
    redis.call('RPUSH', KEYS[1], id)
    n = n + 1
  end
  return n
end

redis.register_function('dt_recover_partition', recover_partition)
