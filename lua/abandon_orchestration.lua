-- dt_abandon_orchestration: release a lease without consuming messages.
-- KEYS: the instance layout of lib.lua.
-- ARGV: 1 instance ID, 2 lease token, 3 '1' when the work was not run (the delivery does not count)
-- Returns: 1
-- Errors: 'DT_LEASE_LOST' when the token does not hold the lease.
local function abandon_orchestration(KEYS, ARGV)
  local id, token = ARGV[1], ARGV[2]
  local now = nowMs()
  if redis.call('HGET', KEYS[K_INST], 'lt') ~= token then return redis.error_reply('DT_LEASE_LOST') end
  redis.call('HDEL', KEYS[K_INST], 'lt', 'lx', 'lc')
  if ARGV[3] == '1' and tonumber(redis.call('HGET', KEYS[K_INST], 'dc') or '0') > 0 then
    redis.call('HINCRBY', KEYS[K_INST], 'dc', -1)
  end
  redis.call('ZREM', KEYS[K_LEASES], id)
  if redis.call('LLEN', KEYS[K_INBOX]) > 0 then makeReady(KEYS, id, now) end
  return 1
end

redis.register_function('dt_abandon_orchestration', abandon_orchestration)
