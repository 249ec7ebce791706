-- wrk script: bill creation, by $BENCH_MODE:
--   create    POST /v1/bills through the gateway: a fresh billId and Idempotency-Key per request
--             (run tag, thread, counter); 201 counts as done.
--   direct    the PUT the gateway sends to QIWI for such a create, straight to the sandbox; 200 with
--             result_code 0 counts as done.
--   checkout  create, then GET, then GET ?refresh=true of that bill: the next step of a bill is queued
--             when the previous step's answer arrives (the echoed X-Request-Id names step and bill),
--             and a connection takes queued steps before it starts a new checkout. ok counts
--             finished checkouts; creates, reads and refreshes count their 2xx answers.
-- Settings: BENCH_TAG (unique per run), BENCH_TOKEN (the merchant's bearer token), BENCH_SECRET_KEY
-- (rest-v3 SECRET_KEY, direct mode), BENCH_LIFETIME (direct mode: lifetime in Moscow time).
dofile(os.getenv("BENCH_LUA_DIR") .. "/common.lua")

local mode = os.getenv("BENCH_MODE") or "create"
local tag = assert(os.getenv("BENCH_TAG"), "BENCH_TAG is not set")
local serial, host = 0, nil
local queue, queue_head, queue_tail = {}, 1, 0
counters.creates = 0
counters.reads = 0
counters.refreshes = 0

function init(args)
  host = "Host: " .. wrk.host .. ":" .. tostring(wrk.port) .. "\r\n"
end

local function next_bill_id()
  serial = serial + 1
  return tag .. "-" .. thread_id .. "-" .. serial
end

local function create(bill_id)
  local body = '{"billId":"' .. bill_id .. '","amount":"149.00","currency":"RUB","customer":"tel:+79161234567",'
      .. '"comment":"Bench order","providerName":"Marketplace"}'
  return "POST /v1/bills HTTP/1.1\r\n" .. host .. "Authorization: Bearer " .. os.getenv("BENCH_TOKEN") .. "\r\n"
      .. "Idempotency-Key: key-" .. bill_id .. "\r\nX-Request-Id: c." .. bill_id .. "\r\n"
      .. "Content-Type: application/json\r\nContent-Length: " .. #body .. "\r\n\r\n" .. body
end

local function direct(bill_id)
  local body = "user=tel%3A%2B79161234567&amount=149.00&ccy=RUB&comment=Bench+order&lifetime="
      .. os.getenv("BENCH_LIFETIME") .. "&prv_name=Marketplace"
  return "PUT /api/v3/prv/bills/" .. bill_id .. " HTTP/1.1\r\n" .. host
      .. "Authorization: Bearer " .. os.getenv("BENCH_SECRET_KEY") .. "\r\nAccept: text/json\r\n"
      .. "Content-Type: application/x-www-form-urlencoded; charset=utf-8\r\nContent-Length: " .. #body
      .. "\r\n\r\n" .. body
end

local function read(step, bill_id)
  local query = step == "r" and "?refresh=true" or ""
  return "GET /v1/bills/" .. bill_id .. query .. " HTTP/1.1\r\n" .. host
      .. "Authorization: Bearer " .. os.getenv("BENCH_TOKEN") .. "\r\nX-Request-Id: " .. step .. "." .. bill_id
      .. "\r\n\r\n"
end

function request()
  counters.sent = counters.sent + 1
  if mode == "direct" then
    return direct(next_bill_id())
  end
  if mode == "checkout" and queue_head <= queue_tail then
    local step = queue[queue_head]
    queue[queue_head] = nil
    queue_head = queue_head + 1
    return read(step:sub(1, 1), step:sub(3))
  end
  return create(next_bill_id())
end

local function enqueue(step)
  queue_tail = queue_tail + 1
  queue[queue_tail] = step
end

function response(status, headers, body)
  counters.responses = counters.responses + 1
  if mode == "direct" then
    if status == 200 and body:find('"result_code":0', 1, true) then count("ok") else count("refused") end
    return
  end
  if mode == "create" then
    if status == 201 then count("creates"); count("ok") else count("refused") end
    return
  end
  local id = echoed_request_id(headers)
  local step, bill_id = id:sub(1, 1), id:sub(3)
  if step == "c" and status == 201 then
    count("creates")
    enqueue("g." .. bill_id)
  elseif step == "g" and status == 200 then
    count("reads")
    enqueue("r." .. bill_id)
  elseif step == "r" and status == 200 then
    count("refreshes")
    count("ok")
  else
    count("refused")
  end
end
