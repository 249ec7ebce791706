-- wrk script: QIWI's rest-v3 notifications, pre-signed by run.sh. Thread N reads $BENCH_REQUESTS.N,
-- one notification a line: request id (f<n> a first delivery for bill <prefix>-<n>, d<n> a repeat of
-- an earlier one), the X-Api-Signature, the form body. Only 200 {"error":0} counts as acknowledged; the
-- echoed request ids of the acknowledged ones are kept (acked_ids, written by done() to
-- $BENCH_ACKED_OUT) for run.sh's per-bill proof. Should a thread run out of lines, it starts over (ids
-- w<n>: more repeats) and counts them as `wrapped`: run.sh then says the phase needed more bills.
dofile(os.getenv("BENCH_LUA_DIR") .. "/common.lua")

local heads, ids, tails, total, next_index = {}, {}, {}, 0, 0
counters.acked_first = 0
counters.acked_repeats = 0
counters.wrapped = 0
acked_ids = {}

function init(args)
  local path = os.getenv("BENCH_NOTIFY_PATH") or "/qiwi/notifications"
  local host = "Host: " .. wrk.host .. ":" .. tostring(wrk.port) .. "\r\n"
  local file = assert(io.open(os.getenv("BENCH_REQUESTS") .. "." .. thread_id, "r"))
  for line in file:lines() do
    local id, signature, body = line:match("^([^\t]+)\t([^\t]+)\t(.+)$")
    if id then
      total = total + 1
      heads[total] = "POST " .. path .. " HTTP/1.1\r\n" .. host
          .. "Content-Type: application/x-www-form-urlencoded\r\nX-Api-Signature: " .. signature .. "\r\n"
      ids[total] = id
      tails[total] = "Content-Length: " .. #body .. "\r\n\r\n" .. body
    end
  end
  file:close()
  assert(total > 0, "no notifications for thread " .. thread_id)
end

function request()
  next_index = next_index + 1
  counters.sent = counters.sent + 1
  local i, id = next_index, nil
  if i > total then
    counters.wrapped = counters.wrapped + 1
    i = (i - 1) % total + 1
    id = "w" .. ids[i]:sub(2)
  else
    id = ids[i]
  end
  return heads[i] .. "X-Request-Id: " .. id .. "\r\n" .. tails[i]
end

function response(status, headers, body)
  counters.responses = counters.responses + 1
  if status == 200 and body == '{"error":0}' then
    counters.ok = counters.ok + 1
    local id = echoed_request_id(headers)
    acked_ids[counters.ok] = id
    if id:sub(1, 1) == "f" then
      counters.acked_first = counters.acked_first + 1
    else
      counters.acked_repeats = counters.acked_repeats + 1
    end
  else
    counters.refused = counters.refused + 1
  end
end
