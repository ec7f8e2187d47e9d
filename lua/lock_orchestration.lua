-- dt_lock_orchestration: lease an instance that a worker popped from `ready`.
-- KEYS: the instance layout of lib.lua.
-- ARGV: 1 instance ID, 2 lease token, 3 lease duration ms, 4 max messages
-- Returns: nil when there is nothing to do (already leased, no messages, gone), else
--          { execution ID, history length, message count, delivery count, message JSON... }
local function lock_orchestration(KEYS, ARGV)
  local id, token = ARGV[1], ARGV[2]
  local now = nowMs()
  redis.call('ZREM', KEYS[K_QUEUED], id)
  local f = redis.call('HMGET', KEYS[K_INST], 's', 'lx')
  if not f[1] then return nil end
  if f[2] and tonumber(f[2]) > now then return nil end
  return leaseInstance(KEYS, id, token, tonumber(ARGV[3]), tonumber(ARGV[4]), now)
end

redis.register_function('dt_lock_orchestration', lock_orchestration)
