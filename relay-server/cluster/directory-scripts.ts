// Lua scripts of the tunnel directory: each runs atomically in Redis, so two nodes never both think they hold a tunnel.

import { redisKeys, RESUME_PREFIX } from './redis-keys.js';
import { script } from './redis-connection.js';

/** Sets key to value, keeping it at least `ms` (and no less than the TTL it has: a queued request may hold it longer). */
const KEEP_FOR = `
local function keepFor(key, value, ms)
  local ttl = redis.call('PTTL', key)
  if ttl > ms then ms = ttl end
  redis.call('SET', key, value, 'PX', ms)
end
`;

/**
 * This node takes tunnel ARGV[5]: KEYS location, reservation, resume(new hash), ack, random, client timeout; ARGV node,
 * locationTtl, keepMs, hash, id, ack settings (JSON, or '' when the client does not acknowledge: earlier settings are
 * forgotten), '1' when the id is random ('' for a name), the client's timeout in ms ('' when not known), and '1' to
 * take it from another node (--force, a resume token) or '0' to take it only if no other node holds it. The id's
 * earlier resume token stops working (its key is deleted). The ack settings and the random mark live exactly as the
 * reservation; the client timeout as the location. 0: another node holds it and '0' was asked
 * (nothing written); 1: taken. Checked here, in the same step as the write: two nodes that each looked the id up and
 * found it free must not both take it.
 */
export const REGISTER = script(`${KEEP_FOR}
if ARGV[9] == '0' then
  local holder = redis.call('GET', KEYS[1])
  if holder and holder ~= ARGV[1] then return 0 end
end
redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
if ARGV[8] ~= '' then redis.call('SET', KEYS[6], ARGV[8], 'PX', ARGV[2]) else redis.call('DEL', KEYS[6]) end
local old = redis.call('GET', KEYS[2])
if old and old ~= ARGV[4] then redis.call('DEL', '${RESUME_PREFIX}' .. old) end
local ms = tonumber(ARGV[3])
local ttl = redis.call('PTTL', KEYS[2])
if ttl > ms then ms = ttl end
redis.call('SET', KEYS[2], ARGV[4], 'PX', ms)
redis.call('SET', KEYS[3], ARGV[5], 'PX', ms)
if ARGV[6] ~= '' then redis.call('SET', KEYS[4], ARGV[6], 'PX', ms) else redis.call('DEL', KEYS[4]) end
if ARGV[7] == '1' then redis.call('SET', KEYS[5], '1', 'PX', ms) else redis.call('DEL', KEYS[5]) end
return 1
`);

/**
 * Heartbeat of a held tunnel (KEYS/ARGV 1-8 as REGISTER, plus KEYS[7] its name key and ARGV[9] the name's owner, or
 * ''). 0: another node or another token took it (the local client is displaced). Missing keys are written again: that
 * is how a node re-registers its tunnels, their names, ack settings, random marks and client timeouts after Redis
 * lost its data.
 */
export const REFRESH = script(`${KEEP_FOR}
local holder = redis.call('GET', KEYS[1])
if holder and holder ~= ARGV[1] then return 0 end
local current = redis.call('GET', KEYS[2])
if current and current ~= ARGV[4] then return 0 end
redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
if ARGV[8] ~= '' then redis.call('SET', KEYS[6], ARGV[8], 'PX', ARGV[2]) end
keepFor(KEYS[2], ARGV[4], tonumber(ARGV[3]))
keepFor(KEYS[3], ARGV[5], tonumber(ARGV[3]))
if ARGV[6] ~= '' then keepFor(KEYS[4], ARGV[6], tonumber(ARGV[3])) end
if ARGV[7] == '1' then keepFor(KEYS[5], '1', tonumber(ARGV[3])) end
if ARGV[9] and ARGV[9] ~= '' then redis.call('SET', KEYS[7], ARGV[9], 'NX') end
return 1
`);

/** Deletes KEYS[1] only if it still holds ARGV[1] (a node lets go of a tunnel it held, or of a dead node's claim). */
export const DELETE_IF = script(`
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
`);

/** The id a resume token (KEYS[1] = its resume key, ARGV[1] its hash) brings back, if it is still the id's token. */
export const FIND_RESUME = script(`
local id = redis.call('GET', KEYS[1])
if not id then return false end
if redis.call('GET', '${redisKeys.reservation('')}' .. id) ~= ARGV[1] then return false end
return id
`);

/** Binds a name (KEYS[1]) to token ARGV[1] unless already bound; returns the owner. */
export const RESERVE_NAME = script(`
local owner = redis.call('GET', KEYS[1])
if owner then return owner end
redis.call('SET', KEYS[1], ARGV[1])
return ARGV[1]
`);
