-- Shared by the bench's wrk scripts (loaded with dofile; settings come from the environment, since
-- wrk hands its arguments to init() only, and done() runs in the main Lua state).
--
-- Each wrk thread has a Lua state of its own: it counts in its global table `counters`, and done()
-- adds the threads' tables up and writes them, with wrk's own totals and latency percentiles, as
-- name=value lines to $BENCH_WRK_OUT for run.sh.

local threads = {}
local next_thread_id = 0

function setup(thread)
  thread:set("thread_id", next_thread_id)
  next_thread_id = next_thread_id + 1
  table.insert(threads, thread)
end

-- sent: request() calls (wrk also calls it once on thread 0 to check the script before the run);
-- responses: answers read; ok: answers that count as done; refused: any other answer.
counters = {sent = 0, responses = 0, ok = 0, refused = 0}

function count(name)
  counters[name] = (counters[name] or 0) + 1
end

-- The request id the gateway echoes (X-Request-Id), or "" when absent.
function echoed_request_id(headers)
  return headers["X-Request-Id"] or headers["x-request-id"] or ""
end

function done(summary, latency, requests)
  local totals = {sent = 0, responses = 0, ok = 0, refused = 0}
  for _, thread in ipairs(threads) do
    for name, value in pairs(thread:get("counters")) do
      totals[name] = (totals[name] or 0) + value
    end
  end
  local out = assert(io.open(assert(os.getenv("BENCH_WRK_OUT"), "BENCH_WRK_OUT is not set"), "w"))
  local function put(name, value) out:write(name, "=", tostring(value), "\n") end
  put("duration_us", summary.duration)
  put("completed", summary.requests)
  put("errors_connect", summary.errors.connect)
  put("errors_read", summary.errors.read)
  put("errors_write", summary.errors.write)
  put("errors_status", summary.errors.status)
  put("errors_timeout", summary.errors.timeout)
  for _, p in ipairs({50, 90, 99, 99.9}) do
    put("p" .. tostring(p):gsub("%.", "") .. "_us", latency:percentile(p))
  end
  put("max_us", latency.max)
  put("mean_us", string.format("%.0f", latency.mean))
  for name, value in pairs(totals) do put(name, value) end
  out:close()
  -- The ids of the acknowledged requests, one a line, for scripts that keep them (notify.lua).
  local acked_out = os.getenv("BENCH_ACKED_OUT")
  if acked_out then
    local ids = assert(io.open(acked_out, "w"))
    for _, thread in ipairs(threads) do
      for _, id in ipairs(thread:get("acked_ids") or {}) do ids:write(id, "\n") end
    end
    ids:close()
  end
end
