-- lock_orchestration.lua: lease an instance that a worker popped from `ready`.
-- KEYS: the instance layout of lib.lua.
-- ARGV: 1 instance ID, 2 lease token, 3 lease duration ms, 4 max messages
-- Returns: nil when there is nothing to do (already leased, no messages, gone), else
--          { execution ID, history length, message count, message JSON... }
local id, token = ARGV[1], ARGV[2]
local now = nowMs()
redis.call('ZREM', KEYS[K_QUEUED], id)
local f = redis.call('HMGET', KEYS[K_INST], 's', 'e', 'hl', 'lx')
if not f[1] then return nil end
if f[4] and tonumber(f[4]) > now then return nil end
local n = redis.call('LLEN', KEYS[K_INBOX])
if n == 0 then return nil end
local max = tonumber(ARGV[4])
if n > max then n = max end
local expiry = now + tonumber(ARGV[3])
redis.call('HSET', KEYS[K_INST], 'lt', token, 'lx', expiry, 'lc', n)
redis.call('ZADD', KEYS[K_LEASES], expiry, id)
local out = { f[2] or '', tonumber(f[3] or '0'), n }
local msgs = redis.call('LRANGE', KEYS[K_INBOX], 0, n - 1)
for i = 1, #msgs do out[#out + 1] = msgs[i] end
return out
