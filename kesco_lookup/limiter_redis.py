"""The limiter's steps on Redis in one round trip: a Lua script, run atomically by the server.

The buckets are the same keys and values as the cache API writes (Django's RedisCache stores an int as
its digits), so the counts are the very ones kesco_lookup/limits.py reads and writes on any other
cache; here a running total is kept beside each window's buckets as well. Why one script and why the
totals: README, 'Speed'.
"""

from __future__ import annotations

import hashlib
from typing import Any

from redis.exceptions import NoScriptError

# KEYS: the keys of the "take" and "free" steps, in order. ARGV: for each step its kind, then for
# "take" its seconds; for "count", "spend" and "peek" the number of windows, then for each window the
# stem of its buckets' keys, its first and current bucket (the keys are the stem and the bucket's
# number), its limit, its running total's lifetime and its buckets'. The bucket keys are not declared
# in KEYS: fine on one server, not on a cluster.
# Before the steps, ARGV[1] and ARGV[2]: a counter to add one to (and its lifetime) if the run refuses,
# or "" (the lookup's count of refusals: a refusal then takes this one round trip, nothing more).
# Returns the number of steps done, the refused steps ("1,3"), 1 if the counter was counted, then per
# step its windows' counts ("0,2,1;=3"): a window at or over its limit, and every window of a spend,
# gives its buckets (the caller works out a wait from them), any other just "=" and its total.
#
# Each window keeps a running total beside its buckets (the stem and "s": "lo,total,born"): the sum
# of the buckets from lo on. A check adds to it and takes off the buckets that left the window, so
# it reads a key or two instead of summing 61 (README, 'Speed'). It is summed afresh when the clock
# went back or far ahead, and a window's length after it was last summed (`born`), so a bucket lost
# from Redis cannot skew it for longer than that. Buckets live twice as long as the total, so every
# bucket a total holds is still there to be taken off.
# Web nodes' clocks may be this many buckets apart (2 s for a per-minute rule; NTP keeps them within
# milliseconds): a total summed afresh includes what a node ahead has counted already.
AHEAD_BUCKETS = 2
SCRIPT = """
local AHEAD = {AHEAD}
local function sum(stem, from, to)
  if to < from then return 0, {} end
  local names = {}
  for bucket = from, to do names[#names + 1] = stem .. bucket end
  local values, total = redis.call('MGET', unpack(names)), 0
  for i = 1, #names do
    local v = tonumber(values[i]) or 0
    values[i] = v; total = total + v
  end
  return total, values
end

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
    local windows, over = tonumber(ARGV[a]), false
    a = a + 1
    local ws = {}
    for w = 1, windows do
      local stem, first, current = ARGV[a], tonumber(ARGV[a + 1]), tonumber(ARGV[a + 2])
      local win = {stem = stem, first = first, current = current, limit = tonumber(ARGV[a + 3]),
                   ttl = ARGV[a + 4], bucket_ttl = ARGV[a + 5], skey = stem .. 's', changed = false}
      a = a + 6
      local lo, total, born
      local state = redis.call('GET', win.skey)
      if state then
        local l, t, b = string.match(state, '^(%-?%d+),(%-?%d+),(%-?%d+)$')
        lo, total, born = tonumber(l), tonumber(t), tonumber(b)
      end
      local length, view = current - first + 1, 0
      if not lo then
        -- No total: nothing was counted for a whole window (the total outlives every bucket it holds
        -- by AHEAD buckets, and Redis evicts nothing: docs/deploy.md). A number never looked up
        -- costs one read a window and writes nothing.
        total, lo, born = 0, first, current
      elseif lo - first >= length or first - lo >= length or current - born >= length then
        -- Afresh, with the buckets a node whose clock runs a little ahead may have counted already.
        total = sum(stem, first, current + AHEAD); lo = first; born = current; win.changed = true
      elseif first > lo then
        total = total - sum(stem, lo, first - 1); lo = first; win.changed = true
      end
      -- A node whose clock runs behind also counts the buckets before lo, without moving lo back.
      view = total + sum(stem, first, lo - 1)
      if kind ~= 'peek' then
        local last = stem .. current
        if redis.call('INCR', last) == 1 then redis.call('EXPIRE', last, win.bucket_ttl) end
        view = view + 1
        if current >= lo then total = total + 1; win.changed = true end
      end
      win.lo, win.born, win.state_total, win.total = lo, born, total, view
      if (kind == 'count' and view > win.limit) or (kind == 'peek' and view >= win.limit) then over = true end
      ws[w] = win
    end
    if over and kind == 'count' then
      for w = 1, windows do
        redis.call('DECR', ws[w].stem .. ws[w].current)
        ws[w].total = ws[w].total - 1
        if ws[w].current >= ws[w].lo then ws[w].state_total = ws[w].state_total - 1 end
      end
    end
    local texts = {}
    for w = 1, windows do
      local win = ws[w]
      if win.changed then
        redis.call('SET', win.skey, win.lo .. ',' .. win.state_total .. ',' .. win.born, 'EX', win.ttl)
      end
      -- The buckets are read by the caller only to say how long to wait or how many tries are left.
      if kind == 'spend' or (over and win.total >= win.limit) then
        local counted_here, values = sum(win.stem, win.first, win.current)
        -- What a node ahead counted already goes in the current bucket: the caller's total is the view.
        values[#values] = values[#values] + math.max(0, win.total - counted_here)
        texts[w] = table.concat(values, ',')
      else
        texts[w] = '=' .. win.total
      end
    end
    if over or kind == 'spend' then out[done] = table.concat(texts, ';') end
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
""".replace("{AHEAD}", str(AHEAD_BUCKETS))
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
            # The total outlives its window and the buckets a node ahead counted; the buckets outlive it.
            lifetime = window.rate.period + (1 + AHEAD_BUCKETS) * window.rate.bucket_seconds
            args.extend((stem, first, current, window.rate.count, lifetime, 2 * lifetime + window.rate.bucket_seconds))
    client = store._cache.get_client(write=True)
    try:
        answer = client.evalsha(_SHA, len(keys), *keys, *args)
    except NoScriptError:  # a new server, or its scripts flushed: send it once, then it is known
        answer = client.eval(SCRIPT, len(keys), *keys, *args)
    done, refused, counted, *outputs = answer
    for windows, output in zip(plan, outputs, strict=False):
        if windows and output:
            for window, counts in zip(windows, output.decode().split(";"), strict=True):
                if counts.startswith("="):  # below its limit: only the total, held in the current bucket
                    window.counts = [0] * (len(window.counts) - 1) + [int(counts[1:])]
                else:
                    window.counts = [int(count) for count in counts.split(",")]
    return int(done), {int(index) for index in refused.decode().split(",") if index}, bool(counted)
