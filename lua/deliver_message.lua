-- dt_deliver_message: put one message into an instance's inbox.
-- KEYS: the instance layout of lib.lua (KEYS[13]: name index of the orchestrator a start message creates).
-- ARGV: 1 instance ID, 2 mode: 'client' (raise/terminate/suspend/resume from a client),
--       'route' (from another instance's outbox; deduplicated by message ID) or
--       'timer' (a due member of the timers ZSET; delivered once),
--       3 event JSON, 4 target execution ID (none = current), 5 message ID (route) or timer member (timer),
--       6 kind: 'start' for ExecutionStarted, else 'other'.
--       For 'start': 7 execution ID, 8 name, 9 input, 10 version, 11 parent ID, 12 created ms
--       Route mode may add 13 lease token, 14 lease ms, 15 max messages (7-12 missing for other kinds):
--       an idle target is then leased to the routing worker.
--       A missing argument is a single NUL ('\0').
-- Entities: a message to a missing or finished entity ID ('@name@key') creates it as Pending first
--   (KEYS[13] is then the entity name's index).
-- Returns: 1 delivered, the target's work item when leased (as lock_orchestration), 0 dropped (missing, finished, other execution, duplicate),
--          'REJECT' when a start message meets a live instance of another execution.
-- Errors (client mode): 'DT_NOT_FOUND', 'DT_COMPLETED <status>'.
local function deliver_message(KEYS, ARGV)
  ARGV = emptyForNone(ARGV)
  local id, mode, event, target, kind = ARGV[1], ARGV[2], ARGV[3], ARGV[4], ARGV[6]
  local now = nowMs()
  if mode == 'timer' then
    if redis.call('ZREM', KEYS[K_TIMERS], ARGV[5]) == 0 then return 0 end
  elseif mode == 'route' then
    if redis.call('ZADD', KEYS[K_SEEN], 'NX', now, ARGV[5]) == 0 then return 0 end
    redis.call('ZREMRANGEBYSCORE', KEYS[K_SEEN], '-inf', now - 3600000)
  end
  local cur = redis.call('HMGET', KEYS[K_INST], 's', 'e')
  local status, curExec = cur[1], cur[2]
  if string.byte(id, 1) == 64 and (not status or not isLive(status)) then
    -- An entity ('@name@key') comes into being, or back after it emptied itself, with a message.
    if status then
      redis.call('ZREM', statusKey(KEYS, status), id)
      redis.call('DEL', KEYS[K_HIST])
    end
    createRecord(KEYS, { id = id, exec = '', name = string.match(id, '^@([^@]*)@') or '', input = '', version = '', parent = '',
      created = tostring(now), scheduled = '' })
    status, curExec = 'Pending', ''
  end
  if kind == 'start' and curExec ~= ARGV[7] then
    if status and isLive(status) then return 'REJECT' end
    if status then dropInstance(KEYS, id, status) end
    createRecord(KEYS, { id = id, exec = ARGV[7], name = ARGV[8], input = ARGV[9], version = ARGV[10], parent = ARGV[11],
      created = ARGV[12], scheduled = '' })
    status, curExec = 'Pending', ARGV[7]
  end
  if not status then
    if mode == 'client' then return redis.error_reply('DT_NOT_FOUND') end
    return 0
  end
  if target ~= '' and target ~= curExec then return 0 end
  if not isLive(status) then
    if mode == 'client' then return redis.error_reply('DT_COMPLETED ' .. status) end
    return 0
  end
  redis.call('RPUSH', KEYS[K_INBOX], event)
  local token = ARGV[13]
  if mode == 'route' and kind ~= 'start' and token and token ~= '' and not isLeased(KEYS, now) then
    -- Lease the target to the routing worker at once: its turn runs without a pop and a lock.
    redis.call('ZREM', KEYS[K_QUEUED], id)
    return leaseInstance(KEYS, id, token, tonumber(ARGV[14]), tonumber(ARGV[15]), now)
  end
  makeReady(KEYS, id, now)
  return 1
end

redis.register_function('dt_deliver_message', deliver_message)
