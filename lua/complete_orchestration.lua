-- dt_complete_orchestration: commit one orchestration turn, all or nothing.
-- KEYS: the instance layout of lib.lua.
-- ARGV: 1 instance ID, 2 lease token, 3 replace history (0/1), 4 status, 5 output ('\0' = none),
--       6 failure JSON ('\0' = none), 7 custom status ('\0' = none), 8 new execution ID ('\0' = unchanged),
--       9 new input ('\0' = none), 10 updated ms,
--       then counted groups: H, H history event JSON;
--       A, A activities as 7 fields each (execution ID, task ID, name, input, attempt, instance ID,
--       trace context JSON);
--       T, T timers as 2 fields each (due ms, member);
--       O, O outbox messages as 2 fields each (target instance ID, message JSON);
--       then 1 field: '0' to not pop the next ready instance (default: pop it).
-- Returns: { next ready instance ID of this partition or false, outbox entry ID... }
--   The next ID is popped from `ready` for the same worker to lock at once (its `queued` entry
--   stays, so recovery requeues it if that worker dies first).
-- Entities: a finished status with messages left in the inbox is committed as 'Running' instead.
-- Errors: 'DT_LEASE_LOST' when the token does not hold a live lease (nothing is changed).
local function complete_orchestration(KEYS, ARGV)
  local id, token = ARGV[1], ARGV[2]
  local now = nowMs()
  local f = redis.call('HMGET', KEYS[K_INST], 'lt', 'lx', 'lc', 's', 'ct', 'hl')
  if f[1] ~= token or not f[2] or tonumber(f[2]) <= now then return redis.error_reply('DT_LEASE_LOST') end
  local oldStatus, created, hl = f[4], f[5], tonumber(f[6] or '0')
  local status = ARGV[4]
  redis.call('LTRIM', KEYS[K_INBOX], tonumber(f[3]), -1)
  local i = 11
  local nh = tonumber(ARGV[i]); i = i + 1
  if ARGV[3] == '1' then
    redis.call('DEL', KEYS[K_HIST])
    hl = 0
  end
  -- RPUSH in chunks: Lua's unpack is limited to a few thousand values.
  local j = i
  while j < i + nh do
    local last = math.min(j + 999, i + nh - 1)
    redis.call('RPUSH', KEYS[K_HIST], unpack(ARGV, j, last))
    j = last + 1
  end
  hl = hl + nh
  i = i + nh
  local function field(v) if v == '\0' then return false end return v end
  local sets = { 'hl', hl, 'ut', ARGV[10] }
  local dels = { 'lt', 'lx', 'lc', 'dc' }
  for _, p in ipairs({ { 'out', ARGV[5] }, { 'fd', ARGV[6] }, { 'cs', ARGV[7] } }) do
    if field(p[2]) then sets[#sets + 1] = p[1]; sets[#sets + 1] = p[2] else dels[#dels + 1] = p[1] end
  end
  if field(ARGV[8]) then
    sets[#sets + 1] = 'e'; sets[#sets + 1] = ARGV[8]
    sets[#sets + 1] = 'in'; sets[#sets + 1] = field(ARGV[9]) or ''
  end
  redis.call('HSET', KEYS[K_INST], unpack(sets))
  redis.call('HDEL', KEYS[K_INST], unpack(dels))
  redis.call('ZREM', KEYS[K_LEASES], id)
  if not isLive(status) and string.byte(id, 1) == 64 and redis.call('LLEN', KEYS[K_INBOX]) > 0 then
    -- An entity that emptied itself while new requests arrived stays alive to serve them.
    status = 'Running'
  end
  setStatus(KEYS, id, oldStatus, status, created)
  local na = tonumber(ARGV[i]); i = i + 1
  for _ = 1, na do
    redis.call('XADD', KEYS[K_ACT], '*', 'e', ARGV[i], 't', ARGV[i + 1], 'n', ARGV[i + 2], 'in', ARGV[i + 3],
      'a', ARGV[i + 4], 'i', ARGV[i + 5], 'tc', ARGV[i + 6])
    i = i + 7
  end
  local nt = tonumber(ARGV[i]); i = i + 1
  for _ = 1, nt do
    redis.call('ZADD', KEYS[K_TIMERS], ARGV[i], ARGV[i + 1])
    i = i + 2
  end
  if nt > 0 then
    redis.call('RPUSH', KEYS[K_TWAKE], '1')
    redis.call('LTRIM', KEYS[K_TWAKE], -16, -1)
  end
  local no = tonumber(ARGV[i]); i = i + 1
  local ids = { false }
  for _ = 1, no do
    ids[#ids + 1] = redis.call('XADD', KEYS[K_OUTBOX], '*', 'd', ARGV[i], 'm', ARGV[i + 1])
    i = i + 2
  end
  if not isLive(status) then
    redis.call('DEL', KEYS[K_INBOX])
  elseif redis.call('LLEN', KEYS[K_INBOX]) > 0 then
    makeReady(KEYS, id, now)
  end
  if status ~= oldStatus then notifyWaiters(KEYS) end
  -- ARGV after the groups: '0' when the caller will not lock a next instance (then the ready
  -- list keeps it for a blocked worker).
  if ARGV[i] ~= '0' then ids[1] = redis.call('LPOP', KEYS[K_READY]) end
  return ids
end

redis.register_function('dt_complete_orchestration', complete_orchestration)
