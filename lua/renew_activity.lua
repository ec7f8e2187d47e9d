-- dt_renew_activity: extend an activity lease (reset its idle time) if this consumer still holds it.
-- KEYS: the instance layout of lib.lua.
-- ARGV: 1 stream entry ID, 2 consumer name, 3 lease duration ms
-- Returns: 1
-- Errors: 'DT_LEASE_LOST'
local function renew_activity(KEYS, ARGV)
  local entry, consumer = ARGV[1], ARGV[2]
  local p = redis.call('XPENDING', KEYS[K_ACT], 'dt', entry, entry, 1)
  if #p == 0 or p[1][2] ~= consumer or tonumber(p[1][3]) >= tonumber(ARGV[3]) then
    return redis.error_reply('DT_LEASE_LOST')
  end
  redis.call('XCLAIM', KEYS[K_ACT], 'dt', consumer, 0, entry, 'JUSTID')
  return 1
end

redis.register_function('dt_renew_activity', renew_activity)
