-- dt_abandon_activity: release an activity this consumer holds so the next recovery pass hands
-- it to a worker at once (its idle time is set past any lease).
-- KEYS: the instance layout of lib.lua.
-- ARGV: 1 stream entry ID, 2 consumer name, 3 idle time to set (ms), 4 '1' when the activity was
--       not run (the delivery does not count: the reclaim that follows gives this delivery's count)
-- Returns: 1
-- Errors: 'DT_LEASE_LOST' when this consumer does not hold the entry.
local function abandon_activity(KEYS, ARGV)
  local entry, consumer = ARGV[1], ARGV[2]
  local p = redis.call('XPENDING', KEYS[K_ACT], 'dt', entry, entry, 1)
  if #p == 0 or p[1][2] ~= consumer then return redis.error_reply('DT_LEASE_LOST') end
  -- A reclaim (XAUTOCLAIM) adds one to the entry's delivery counter.
  local deliveries = tonumber(p[1][4])
  if ARGV[4] == '1' and deliveries > 0 then deliveries = deliveries - 1 end
  redis.call('XCLAIM', KEYS[K_ACT], 'dt', consumer, 0, entry, 'IDLE', ARGV[3], 'RETRYCOUNT', deliveries, 'JUSTID')
  return 1
end

redis.register_function('dt_abandon_activity', abandon_activity)
