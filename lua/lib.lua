-- lib.lua: local helpers shared by the library's functions (scripts/generate-lua.sh puts this file
-- after header.lua and before the functions). Redis Functions have no KEYS and ARGV globals: each
-- function receives them as its parameters (named KEYS and ARGV), and the helpers that read keys
-- take KEYS as their first parameter. Everything here is local: the library may not set globals.
--
-- Every instance function receives the same KEYS layout (all keys share the hash tag {hub:p}):
--   KEYS[1]  i:<id>        HASH   instance state (fields below)
--   KEYS[2]  h:<id>        LIST   history events (JSON)
--   KEYS[3]  in:<id>       LIST   inbox: pending messages (JSON history events)
--   KEYS[4]  ready         LIST   instance IDs with visible messages (may hold stale duplicates)
--   KEYS[5]  queued        ZSET   instance ID -> ms when pushed to `ready` (dedupe + crash recovery)
--   KEYS[6]  leases        ZSET   instance ID -> lease expiry ms
--   KEYS[7]  timers        ZSET   timer member -> due ms
--   KEYS[8]  twake         LIST   wake-up tokens for timer loops
--   KEYS[9]  act           STREAM activity work items (consumer group "dt")
--   KEYS[10] outbox        STREAM messages to other instances, delivered by the committing worker
--   KEYS[11] idx:created   ZSET   instance ID -> created ms
--   KEYS[12] idx:id        ZSET   instance ID (score 0, lexicographic prefix queries)
--   KEYS[13] idx:n:<name>  ZSET   instance ID -> created ms, per orchestrator name
--   KEYS[14] seen          ZSET   routed message ID -> ms (dedupe of redelivered outbox entries)
--   KEYS[15] w:<id>        LIST   wake-up tokens for clients waiting on this instance
--   KEYS[16..23] idx:s:<Status> ZSET instance ID -> created ms, one per status, in STATUS order
--
-- Instance hash fields: n name, e execution ID, s status, in input, out output, cs custom status,
-- fd failure details (JSON), ct created ms, ut updated ms, pi parent instance ID, st scheduled start ms,
-- v version, hl history length, lt lease token, lx lease expiry ms, lc leased message count,
-- dc deliveries since the last commit (the poison counter), w number of waiting clients.

local K_INST, K_HIST, K_INBOX, K_READY, K_QUEUED, K_LEASES, K_TIMERS, K_TWAKE = 1, 2, 3, 4, 5, 6, 7, 8
local K_ACT, K_OUTBOX, K_CREATED, K_IDS, K_NAME, K_SEEN, K_WAIT, K_STATUS0 = 9, 10, 11, 12, 13, 14, 15, 16

local STATUS = { Pending = 0, Running = 1, Completed = 2, ContinuedAsNew = 3, Failed = 4, Canceled = 5,
  Terminated = 6, Suspended = 7 }

local function statusKey(KEYS, s) return KEYS[K_STATUS0 + STATUS[s]] end

local function isLive(s)
  return s == 'Pending' or s == 'Running' or s == 'Suspended' or s == 'ContinuedAsNew'
end

local function nowMs()
  local t = redis.call('TIME')
  return tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
end

-- Arguments spell "no value" one way, as a single NUL ('\0'). The functions whose missing
-- arguments become fields where '' means none (the data layout) read ARGV through this.
local function emptyForNone(ARGV)
  local out = {}
  for i = 1, #ARGV do
    if ARGV[i] == '\0' then out[i] = '' else out[i] = ARGV[i] end
  end
  return out
end

-- Whether a live lease is held on the instance.
local function isLeased(KEYS, now)
  local lx = redis.call('HGET', KEYS[K_INST], 'lx')
  return lx and tonumber(lx) > now
end

-- Queues the instance for a worker unless it is leased (the lease holder requeues it on release).
local function makeReady(KEYS, id, now)
  if isLeased(KEYS, now) then return end
  if redis.call('ZADD', KEYS[K_QUEUED], 'NX', now, id) == 1 then
    redis.call('RPUSH', KEYS[K_READY], id)
  end
end

-- Wakes every client waiting on this instance (they re-read its state).
local function notifyWaiters(KEYS)
  local w = tonumber(redis.call('HGET', KEYS[K_INST], 'w') or '0')
  if w > 0 then
    for _ = 1, w do redis.call('RPUSH', KEYS[K_WAIT], '1') end
    redis.call('HSET', KEYS[K_INST], 'w', 0)
    redis.call('PEXPIRE', KEYS[K_WAIT], 60000)
  end
end

-- Moves the instance between status indexes and records the status.
local function setStatus(KEYS, id, old, new, created)
  if old == new then return end
  if old and STATUS[old] then redis.call('ZREM', statusKey(KEYS, old), id) end
  redis.call('ZADD', statusKey(KEYS, new), created, id)
  redis.call('HSET', KEYS[K_INST], 's', new)
end

-- Removes an instance's state, history, inbox, lease and index entries (not its name index:
-- callers pass the current name's index as KEYS[13]; stale entries elsewhere are skipped by queries).
local function dropInstance(KEYS, id, status)
  if status and STATUS[status] then redis.call('ZREM', statusKey(KEYS, status), id) end
  redis.call('DEL', KEYS[K_INST], KEYS[K_HIST], KEYS[K_INBOX])
  redis.call('ZREM', KEYS[K_LEASES], id)
  redis.call('ZREM', KEYS[K_QUEUED], id)
end

-- Creates (or replaces) the instance record as Pending and indexes it.
-- a: { id, exec, name, input, version, parent, created, scheduled }
local function createRecord(KEYS, a)
  redis.call('DEL', KEYS[K_INST])
  redis.call('HSET', KEYS[K_INST], 'n', a.name, 'e', a.exec, 'in', a.input, 'ct', a.created, 'ut', a.created,
    'pi', a.parent, 'st', a.scheduled, 'v', a.version, 'hl', 0)
  setStatus(KEYS, a.id, nil, 'Pending', a.created)
  redis.call('ZADD', KEYS[K_CREATED], a.created, a.id)
  redis.call('ZADD', KEYS[K_IDS], 0, a.id)
  redis.call('ZADD', KEYS[K_NAME], a.created, a.id)
end

-- Leases the instance to `token` for up to `max` inbox messages and returns the work item
-- { execution ID, history length, message count, delivery count, message JSON... }, or nil if the
-- inbox is empty. Each lease counts a delivery; a commit resets the count. After a delivery that
-- did not commit, one message at a time isolates a poison message.
local function leaseInstance(KEYS, id, token, leaseMs, max, now)
  local n = redis.call('LLEN', KEYS[K_INBOX])
  if n == 0 then return nil end
  local dc = redis.call('HINCRBY', KEYS[K_INST], 'dc', 1)
  if dc > 1 then max = 1 end
  if n > max then n = max end
  local expiry = now + leaseMs
  redis.call('HSET', KEYS[K_INST], 'lt', token, 'lx', expiry, 'lc', n)
  redis.call('ZADD', KEYS[K_LEASES], expiry, id)
  local f = redis.call('HMGET', KEYS[K_INST], 'e', 'hl')
  local out = { f[1] or '', tonumber(f[2] or '0'), n, dc }
  local msgs = redis.call('LRANGE', KEYS[K_INBOX], 0, n - 1)
  for i = 1, #msgs do out[#out + 1] = msgs[i] end
  return out
end
