namespace Herald.Cdc.Redis;

/// <summary>
/// The Lua script that applies one row change atomically, compare-and-set on the row's LSN: a change is written only
/// if it is newer than both the hash's LSN field and the row's deletion marker.
/// </summary>
/// <remarks>
/// LSNs are compared as decimal strings (length first, then text), because Lua numbers are doubles and LSNs are 64-bit.
/// A change without an LSN is applied unconditionally (log order decides) and a delete without one leaves no marker.
/// KEYS: hash key, deletion-marker key. ARGV: lsn field, lsn ('' if unknown), 'u' or 'd', marker TTL in ms (0 = none),
/// n, then n field/value pairs to set, then the fields to remove.
/// </remarks>
internal static class ProjectionScript
{
    public const string Source = """
        local function newer(a, b)
          if not b then return true end
          if #a ~= #b then return #a > #b end
          return a > b
        end
        local lsn_field, lsn, op, ttl = ARGV[1], ARGV[2], ARGV[3], tonumber(ARGV[4])
        local current = redis.call('HGET', KEYS[1], lsn_field)
        local marker = redis.call('GET', KEYS[2])
        if marker and newer(marker, current) then current = marker end
        if lsn ~= '' and current and not newer(lsn, current) then return 0 end
        if op == 'd' then
          redis.call('DEL', KEYS[1])
          if lsn ~= '' then
            if ttl > 0 then redis.call('SET', KEYS[2], lsn, 'PX', ttl) else redis.call('SET', KEYS[2], lsn) end
          end
          return 2
        end
        local n = tonumber(ARGV[5])
        if n > 0 then redis.call('HSET', KEYS[1], unpack(ARGV, 6, 5 + 2 * n)) end
        if #ARGV >= 6 + 2 * n then redis.call('HDEL', KEYS[1], unpack(ARGV, 6 + 2 * n, #ARGV)) end
        if lsn ~= '' then redis.call('HSET', KEYS[1], lsn_field, lsn) end
        redis.call('DEL', KEYS[2])
        return 1
        """;
}
