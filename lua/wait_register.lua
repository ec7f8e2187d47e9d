-- wait_register.lua: register a client waiting for an instance's next status change.
-- KEYS: the instance layout of lib.lua.
-- ARGV: 1 instance ID
-- Returns: the current status, or nil when the instance does not exist (nothing registered).
local status = redis.call('HGET', KEYS[K_INST], 's')
if not status then return nil end
redis.call('HINCRBY', KEYS[K_INST], 'w', 1)
return status
