-- wrk script for bench/bench_web.py: each request takes the next path from a
-- file (one per line; every connection starts at its own place in the list), and
-- each response's Server-Timing "app;dur=<ms>" is kept, so done() can print the
-- server time's percentiles beside the client's, as one JSON line.
--
--   wrk -t2 -c20 -d20s -s bench/bench_web.lua http://127.0.0.1:PORT -- paths.txt

local threads = {}
local counter = 0

function setup(thread)
  counter = counter + 1
  thread:set("id", counter)
  table.insert(threads, thread)
end

function init(args)
  paths = {}
  for line in io.lines(args[1]) do
    if line ~= "" then
      table.insert(paths, line)
    end
  end
  math.randomseed(id * 7919)
  i = math.random(#paths)
  times = {}
  bad = 0
end

function request()
  i = i % #paths + 1
  return wrk.format("GET", paths[i])
end

function response(status, headers, body)
  if status ~= 200 then
    bad = bad + 1
  end
  local timing = headers["Server-Timing"] or headers["server-timing"]
  if timing then
    local ms = timing:match("dur=([%d%.]+)")
    if ms then
      table.insert(times, tonumber(ms))
    end
  end
end

local function percentile(sorted, p)
  if #sorted == 0 then
    return -1
  end
  local k = math.max(1, math.ceil(#sorted * p / 100))
  return sorted[k]
end

function done(summary, latency, requests)
  local all = {}
  local non200 = 0
  for _, thread in ipairs(threads) do
    for _, ms in ipairs(thread:get("times")) do
      table.insert(all, ms)
    end
    non200 = non200 + thread:get("bad")
  end
  table.sort(all)
  local e = summary.errors
  io.write(string.format(
    '{"requests": %d, "seconds": %.3f, "client_p50": %.2f, "client_p95": %.2f,'
      .. ' "server_p50": %.2f, "server_p95": %.2f, "timed": %d, "non200": %d,'
      .. ' "socket_errors": %d}\n',
    summary.requests, summary.duration / 1e6,
    latency:percentile(50) / 1000, latency:percentile(95) / 1000,
    percentile(all, 50), percentile(all, 95), #all, non200,
    e.connect + e.read + e.write + e.timeout
  ))
end
