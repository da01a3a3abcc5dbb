"""The limiter's steps on Redis in one round trip: a Lua script, run atomically by the server.

Same keys and values as the cache API writes (Django's RedisCache stores an int as its digits), so the
counts are the very ones kesco_lookup/limits.py reads and writes on any other cache. Why one script:
README, 'Speed'.
"""

from __future__ import annotations

import hashlib
from typing import Any

from redis.exceptions import NoScriptError

# KEYS: the keys of the "take" and "free" steps, in order. ARGV: for each step its kind, then for
# "take" its seconds; for "count", "spend" and "peek" the number of windows, then for each window the
# stem of its buckets' keys, its first and current bucket (the keys are the stem and the bucket's
# number: sending the 61 keys of each of six windows would cost more than the script), its limit and
# its buckets' lifetime. The bucket keys are not declared in KEYS: fine on one server, not on a cluster.
# Before the steps, ARGV[1] and ARGV[2]: a counter to add one to (and its lifetime) if the run refuses,
# or "" (the lookup's count of refusals: a refusal then takes this one round trip, nothing more).
# Returns the number of steps done, the refused steps ("1,3"), 1 if the counter was counted, then per
# step its windows' bucket counts ("0,2,1;0,0"; only for the steps that refused and the spends, whose
# counts the caller reads): strings, which cost a client far less to read than hundreds of integers.
SCRIPT = """
local k, a, done = 1, 3, 0
local refused, out, taken, peeked_over, busy, counted = {}, {}, nil, false, false, 0
while a <= #ARGV do
  local kind = ARGV[a]; a = a + 1
  if peeked_over and kind ~= 'peek' then break end
  done = done + 1
  out[done] = ''
  if kind == 'take' then
    if not redis.call('SET', KEYS[k], '1', 'NX', 'EX', ARGV[a]) then
      table.insert(refused, done - 1); busy = true; break
    end
    taken = KEYS[k]; k = k + 1; a = a + 1
  elseif kind == 'free' then
    redis.call('DEL', KEYS[k]); k = k + 1
  else
    local windows, lasts, over = tonumber(ARGV[a]), {}, false
    a = a + 1
    local counts = {}
    for w = 1, windows do
      local stem, first, current = ARGV[a], tonumber(ARGV[a + 1]), tonumber(ARGV[a + 2])
      local limit, ttl = tonumber(ARGV[a + 3]), ARGV[a + 4]
      a = a + 5
      local names = {}
      for bucket = first, current do table.insert(names, stem .. bucket) end
      local last = names[#names]
      if kind ~= 'peek' and redis.call('INCR', last) == 1 then redis.call('EXPIRE', last, ttl) end
      local values = redis.call('MGET', unpack(names))
      local total = 0
      for i = 1, #names do
        local v = 0
        if values[i] then v = tonumber(values[i]) end
        values[i] = v; total = total + v
      end
      if (kind == 'count' and total > limit) or (kind == 'peek' and total >= limit) then over = true end
      counts[w] = values; lasts[w] = last
    end
    if over and kind == 'count' then
      for w = 1, windows do
        redis.call('DECR', lasts[w])
        counts[w][#counts[w]] = counts[w][#counts[w]] - 1
      end
    end
    -- The counts are read by the caller only to say how long to wait or how many tries are left.
    if over or kind == 'spend' then
      for w = 1, windows do counts[w] = table.concat(counts[w], ',') end
      out[done] = table.concat(counts, ';')
    end
    if over then
      table.insert(refused, done - 1)
      if kind == 'count' then break end
      peeked_over = true
    end
  end
end
-- A refused run holds nothing: what its take took is let go.
if #refused > 0 and taken then redis.call('DEL', taken) end
if #refused > 0 and not busy and ARGV[1] ~= '' then
  if redis.call('INCR', ARGV[1]) == 1 then redis.call('EXPIRE', ARGV[1], ARGV[2]) end
  counted = 1
end
return {done, table.concat(refused, ','), counted, unpack(out)}
"""
_SHA = hashlib.sha1(SCRIPT.encode()).hexdigest()  # noqa: S324 (Redis names scripts by their SHA-1)


def run(
    store: Any, steps: list[Any], plan: list[list[Any]], refusal_counter: tuple[str, int] | None
) -> tuple[int, set[int], bool]:
    """Run the steps (kesco_lookup.limits.limits_run) on a Django RedisCache; fills each window's counts.

    Returns the number of steps done, the indexes of the steps that refused (or were busy), and
    whether the refusal counter was counted.
    """
    keys: list[str] = []
    args: list[str | int] = [store.make_key(refusal_counter[0]), refusal_counter[1]] if refusal_counter else ["", 0]
    for step, windows in zip(steps, plan, strict=True):
        args.append(step.kind)
        if step.kind in ("take", "free"):
            keys.append(store.make_key(step.key))
            if step.kind == "take":
                args.append(step.seconds)
            continue
        args.append(len(windows))
        for window in windows:
            first, current = window.first_bucket, window.current_bucket
            # Django's key function puts the key last (prefix:version:key), so the stem is that of any bucket.
            last = store.make_key(f"{window.stem}{current}")
            stem = last.removesuffix(str(current))
            if stem == last:
                raise ValueError("the cache's key function does not end with the key")
            args.extend((stem, first, current, window.rate.count, window.rate.period + window.rate.bucket_seconds))
    client = store._cache.get_client(write=True)
    try:
        answer = client.evalsha(_SHA, len(keys), *keys, *args)
    except NoScriptError:  # a new server, or its scripts flushed: send it once, then it is known
        answer = client.eval(SCRIPT, len(keys), *keys, *args)
    done, refused, counted, *outputs = answer
    for windows, output in zip(plan, outputs, strict=False):
        if windows and output:
            for window, counts in zip(windows, output.decode().split(";"), strict=True):
                window.counts = [int(count) for count in counts.split(",")]
    return int(done), {int(index) for index in refused.decode().split(",") if index}, bool(counted)
