-- wrk script: GET API_PATH from the JSON API with the secret key SECRET.
local path, secret = os.getenv("API_PATH"), os.getenv("SECRET")

request = function()
  return wrk.format("GET", path, {["Authorization"] = "Bearer " .. secret})
end

done = function(summary, latency, requests)
  local secs = summary.duration / 1e6
  local bad = summary.errors.status + summary.errors.connect + summary.errors.read +
    summary.errors.write + summary.errors.timeout
  io.write(string.format("requests/s %.0f  p50 %.2f ms  p99 %.2f ms  errors %d\n",
    summary.requests / secs, latency:percentile(50) / 1000, latency:percentile(99) / 1000, bad))
end
