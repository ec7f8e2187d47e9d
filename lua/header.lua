#!lua name=durabletask
-- The durabletask Redis Functions library: every atomic step of the task hub (see lua/README.md).
-- scripts/generate-lua.sh builds the library from this header, lib.lua and one file per function.
--
-- LIBRARY_VERSION: raise it whenever any function changes. A store refuses to start on a Redis
-- that holds another version; `durable upgrade-functions --redis URL` replaces the library.
local LIBRARY_VERSION = 2

-- dt_library_version: the version of this library.
-- KEYS: none. ARGV: none.
-- Returns: LIBRARY_VERSION (integer)
redis.register_function { function_name = 'dt_library_version', callback = function() return LIBRARY_VERSION end,
  flags = { 'no-writes' } }
