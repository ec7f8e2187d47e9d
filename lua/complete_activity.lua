-- dt_complete_activity: apply an activity result exactly once.
-- KEYS: the instance layout of lib.lua.
-- ARGV: 1 instance ID, 2 stream entry ID, 3 consumer name, 4 lease duration ms, 5 result event JSON,
--       6 execution ID that scheduled the activity, 7 orchestration lease token (NUL = do not lease),
--       8 orchestration lease duration ms, 9 max messages
-- Returns: 0 dropped (the instance moved on to another execution or finished), 1 applied, or, when
--          the instance was not leased and a token was given, the instance leased to the caller:
--          { execution ID, history length, message count, message JSON... } (as lock_orchestration).
-- Errors: 'DT_LEASE_LOST' when the entry is not pending for this consumer within its lease
--         (already completed, or reclaimed by another worker): the duplicate is dropped.
local function complete_activity(KEYS, ARGV)
  ARGV = emptyForNone(ARGV)
  local id, entry, consumer = ARGV[1], ARGV[2], ARGV[3]
  local now = nowMs()
  local p = redis.call('XPENDING', KEYS[K_ACT], 'dt', entry, entry, 1)
  if #p == 0 or p[1][2] ~= consumer or tonumber(p[1][3]) >= tonumber(ARGV[4]) then
    return redis.error_reply('DT_LEASE_LOST')
  end
  redis.call('XACK', KEYS[K_ACT], 'dt', entry)
  redis.call('XDEL', KEYS[K_ACT], entry)
  local f = redis.call('HMGET', KEYS[K_INST], 's', 'e')
  if not f[1] or f[2] ~= ARGV[6] or not isLive(f[1]) then return 0 end
  redis.call('RPUSH', KEYS[K_INBOX], ARGV[5])
  if ARGV[7] == '' or isLeased(KEYS, now) then
    makeReady(KEYS, id, now)
    return 1
  end
  -- Lease the instance to the caller at once: its turn can run without a pop and a lock.
  return leaseInstance(KEYS, id, ARGV[7], tonumber(ARGV[8]), tonumber(ARGV[9]), now)
end

redis.register_function('dt_complete_activity', complete_activity)
