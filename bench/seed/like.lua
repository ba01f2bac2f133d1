-- bench/seed/like.lua: the wrk request of bench/seed-ratio, the same for both targets.
-- POST <url> with {"streamId":"bench-ratio-N"}, N uniform over 1000 streams, and the
-- Bearer token from $BENCH_TOKEN. At the end it prints one machine-readable line,
--   BENCH requests=.. duration_us=.. p50_us=.. p99_us=.. non2xx=.. socket_errors=..
-- that bench/seed-ratio parses (wrk's own summary is printed too).
-- No response() callback: it would make wrk hand every answer to Lua and cost the client CPU
-- that, on a 2-core machine, the server under test would otherwise get.
local token = os.getenv("BENCH_TOKEN")
if token == nil or token == "" then
  error("BENCH_TOKEN is not set (a JWT for the Authorization header)")
end

wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = "Bearer " .. token

function setup(thread)
  thread:set("seed", math.random(1, 1000000))
end

function init(args)
  math.randomseed(seed)
end

function request()
  return wrk.format(nil, nil, nil, string.format('{"streamId":"bench-ratio-%d"}', math.random(0, 999)))
end

function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    "BENCH requests=%d duration_us=%d p50_us=%d p99_us=%d non2xx=%d socket_errors=%d\n",
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(99),
    e.status, e.connect + e.read + e.write + e.timeout))
end
