-- dt_purge_instance: delete a finished instance with its history and index entries.
-- KEYS: the instance layout of lib.lua (KEYS[13] must be the index of the instance's name).
-- ARGV: 1 instance ID
-- Returns: 1 deleted, 0 no such instance
-- Errors: 'DT_LIVE <status>' when the instance is still live.
local function purge_instance(KEYS, ARGV)
  local id = ARGV[1]
  local status = redis.call('HGET', KEYS[K_INST], 's')
  if not status then return 0 end
  if isLive(status) then return redis.error_reply('DT_LIVE ' .. status) end
  notifyWaiters(KEYS)
  dropInstance(KEYS, id, status)
  redis.call('ZREM', KEYS[K_CREATED], id)
  redis.call('ZREM', KEYS[K_IDS], id)
  redis.call('ZREM', KEYS[K_NAME], id)
  return 1
end

redis.register_function('dt_purge_instance', purge_instance)
