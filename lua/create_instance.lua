-- dt_create_instance: create an instance atomically under the reuse policy; optional signal-with-start.
-- KEYS: the instance layout of lib.lua (KEYS[13] is the index of the new orchestrator name).
-- ARGV: 1 instance ID, 2 execution ID, 3 name, 4 input, 5 version, 6 parent ID,
--       7 created ms, 8 scheduled start ms (none = now), 9 policy ('fail' | 'useExisting' | 'terminateExisting'),
--       10 start message JSON, 11 event message JSON, 12 timer member for a scheduled start;
--       a missing argument is a single NUL ('\0').
-- Returns: { 1 | 0 (created or not), execution ID of the instance that now has the ID }
-- Errors: 'DT_EXISTS <status>' when a live instance has the ID and the policy is 'fail'.
local function create_instance(KEYS, ARGV)
  ARGV = emptyForNone(ARGV)
  local id, exec, policy = ARGV[1], ARGV[2], ARGV[9]
  local now = nowMs()
  local cur = redis.call('HMGET', KEYS[K_INST], 's', 'e')
  local status, curExec = cur[1], cur[2]
  if status and isLive(status) then
    if ARGV[11] ~= '' then
      redis.call('RPUSH', KEYS[K_INBOX], ARGV[11])
      makeReady(KEYS, id, now)
      return { 0, curExec }
    end
    if policy == 'fail' then return redis.error_reply('DT_EXISTS ' .. status) end
    if policy == 'useExisting' then return { 0, curExec } end
  end
  if status then
    notifyWaiters(KEYS)
    dropInstance(KEYS, id, status)
  end
  createRecord(KEYS, { id = id, exec = exec, name = ARGV[3], input = ARGV[4], version = ARGV[5], parent = ARGV[6],
    created = ARGV[7], scheduled = ARGV[8] })
  if ARGV[8] ~= '' and tonumber(ARGV[8]) > now then
    redis.call('ZADD', KEYS[K_TIMERS], ARGV[8], ARGV[12])
    redis.call('RPUSH', KEYS[K_TWAKE], '1')
    redis.call('LTRIM', KEYS[K_TWAKE], -16, -1)
  else
    redis.call('RPUSH', KEYS[K_INBOX], ARGV[10])
  end
  if ARGV[11] ~= '' then redis.call('RPUSH', KEYS[K_INBOX], ARGV[11]) end
  if redis.call('LLEN', KEYS[K_INBOX]) > 0 then makeReady(KEYS, id, now) end
  return { 1, exec }
end

redis.register_function('dt_create_instance', create_instance)
