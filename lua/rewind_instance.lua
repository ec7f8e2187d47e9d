-- dt_rewind_instance: mark a failed instance Running and enqueue its ExecutionRewound message.
-- KEYS: the instance layout of lib.lua.
-- ARGV: 1 instance ID, 2 event JSON (ExecutionRewound).
-- Returns: 1.
-- Errors: 'DT_NOT_FOUND'; 'DT_STATE <status>' unless the instance is Failed.
local function rewind_instance(KEYS, ARGV)
  local id = ARGV[1]
  local now = nowMs()
  local f = redis.call('HMGET', KEYS[K_INST], 's', 'ct')
  if not f[1] then return redis.error_reply('DT_NOT_FOUND') end
  if f[1] ~= 'Failed' then return redis.error_reply('DT_STATE ' .. f[1]) end
  setStatus(KEYS, id, 'Failed', 'Running', f[2])
  redis.call('HSET', KEYS[K_INST], 'ut', now)
  redis.call('RPUSH', KEYS[K_INBOX], ARGV[2])
  makeReady(KEYS, id, now)
  notifyWaiters(KEYS)
  return 1
end

redis.register_function('dt_rewind_instance', rewind_instance)
