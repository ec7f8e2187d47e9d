-- dt_wait_register: read an instance's state and, unless it already satisfies the caller's
-- condition, register the caller as waiting for its next status change.
-- KEYS: the instance layout of lib.lua.
-- ARGV: 1 condition: 'started' (status is not Pending) or 'completed' (status is terminal),
--       then the instance hash fields to return
-- Returns: nil when the instance does not exist; else { 1 | 0 (satisfied or registered), field values... }
local function wait_register(KEYS, ARGV)
  local status = redis.call('HGET', KEYS[K_INST], 's')
  if not status then return nil end
  local satisfied
  if ARGV[1] == 'started' then satisfied = status ~= 'Pending' else satisfied = not isLive(status) end
  if not satisfied then redis.call('HINCRBY', KEYS[K_INST], 'w', 1) end
  local out = { satisfied and 1 or 0 }
  local values = redis.call('HMGET', KEYS[K_INST], unpack(ARGV, 2))
  for i = 1, #values do out[#out + 1] = values[i] end
  return out
end

redis.register_function('dt_wait_register', wait_register)
