-- wrk script: POST one Segment track call per request (or, with BATCH=n,
-- a batch of n calls), each call with a messageId never sent before.
local counter, batch = 0, tonumber(os.getenv("BATCH") or "0")
local run = "b" .. (os.getenv("BATCH") or "0")   -- each run its own messageIds
local auth = os.getenv("AUTH")
local thread_no = 0

function setup(thread)
  thread:set("tag", thread_no)
  thread_no = thread_no + 1
end

local function call(typed)
  counter = counter + 1
  return string.format('{%s"userId":"u%d","event":"Page Load","messageId":"w%s-%d",' ..
    '"properties":{"plan":"pro"}}', typed and '"type":"track",' or "", counter % 5000, run .. "-" .. tag,
    counter)
end

request = function()
  local path, body = "/v1/track", nil
  if batch > 0 then
    local calls = {}
    for i = 1, batch do calls[i] = call(true) end
    path, body = "/v1/batch", '{"batch":[' .. table.concat(calls, ",") .. ']}'
  else
    body = call(false)
  end
  return wrk.format("POST", path, {["Authorization"] = auth,
    ["Content-Type"] = "application/json"}, body)
end

done = function(summary, latency, requests)
  local per = batch > 0 and batch or 1
  local secs = summary.duration / 1e6
  local bad = summary.errors.status + summary.errors.connect + summary.errors.read +
    summary.errors.write + summary.errors.timeout
  io.write(string.format("requests/s %.0f  events/s %.0f  p50 %.2f ms  p99 %.2f ms  errors %d" ..
    "  acked %d\n", summary.requests / secs, summary.requests * per / secs,
    latency:percentile(50) / 1000, latency:percentile(99) / 1000, bad,
    (summary.requests - summary.errors.status) * per))
end
