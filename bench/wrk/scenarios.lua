-- wrk script for `./taskw bench`: one scenario per run, chosen by TEKANA_BENCH_SCENARIO.
-- TEKANA_BENCH_DATA names a Lua file returning the seeded data (tokens, accounts, ...);
-- TEKANA_BENCH_OUT receives the run's summary as JSON; TEKANA_BENCH_NONCE is unique per run.

local data = dofile(os.getenv("TEKANA_BENCH_DATA"))
local scenario = os.getenv("TEKANA_BENCH_SCENARIO")
local out_path = os.getenv("TEKANA_BENCH_OUT")
-- New for every wrk run, so no idempotency key or e-mail repeats an earlier run's.
local nonce = os.getenv("TEKANA_BENCH_NONCE")

-- thread_id is a global: setup() gives each thread its own before init().
thread_id = 0
local counter = 0
local json = {["Content-Type"] = "application/json"}

local function bearer(i, extra)
  local headers = {["Authorization"] = "Bearer " .. data.tokens[i]}
  for k, v in pairs(extra or {}) do headers[k] = v end
  return headers
end

local function unique(prefix)
  counter = counter + 1
  return prefix .. "-" .. nonce .. "-" .. thread_id .. "-" .. counter
end

local function pick_receiver(sender)
  local receiver = data.receivers[math.random(#data.receivers)]
  while receiver == sender do receiver = data.receivers[math.random(#data.receivers)] end
  return receiver
end

local function transfer(receiver_of)
  local i = math.random(#data.tokens)
  local sender = data.accounts[i]
  local body = '{"senderAcc":"' .. sender .. '","receiverAcc":"' .. receiver_of(sender)
    .. '","amount":1}'
  return wrk.format("POST", "/transaction",
    bearer(i, {["Content-Type"] = "application/json", ["Idempotency-Key"] = unique("t")}), body)
end

local requests = {
  register = function()
    local email = unique("reg") .. "@bench.example.com"
    local body = '{"email":"' .. email .. '","password":"' .. data.password
      .. '","fullName":"Bench Register","nationalId":"1199880012345678","gender":"F"}'
    return wrk.format("POST", "/customer/register", json, body)
  end,
  login = function()
    local email = data.emails[math.random(#data.emails)]
    local body = '{"email":"' .. email .. '","password":"' .. data.password .. '"}'
    return wrk.format("PUT", "/customer/login", json, body)
  end,
  ["get-customer"] = function()
    local i = math.random(#data.tokens)
    return wrk.format("GET", "/customer/" .. data.customers[i], bearer(i))
  end,
  ["get-wallet"] = function()
    local i = math.random(#data.tokens)
    return wrk.format("GET", "/wallet/" .. data.accounts[i], bearer(i))
  end,
  deposit = function()
    local i = math.random(#data.tokens)
    local body = '{"accNumber":"' .. data.accounts[i] .. '","amount":1,"transactionId":"'
      .. unique("d") .. '"}'
    return wrk.format("POST", "/wallet/deposit",
      bearer(i, {["Content-Type"] = "application/json"}), body)
  end,
  transfer = function() return transfer(pick_receiver) end,
  ["transfer-hot"] = function() return transfer(function() return data.hot end) end,
  history = function()
    local i = math.random(#data.tokens)
    return wrk.format("GET", "/transaction/" .. data.accounts[i], bearer(i))
  end,
}

local mix = {"get-customer", "get-wallet", "transfer", "history", "deposit", "transfer-hot"}
requests.mix = function() return requests[mix[math.random(#mix)]]() end

local threads = {}

function setup(thread)
  thread:set("thread_id", #threads + 1)
  table.insert(threads, thread)
end

function init(args)
  math.randomseed(os.time() + thread_id * 7919)
  if requests[scenario] == nil then error("unknown scenario " .. tostring(scenario)) end
end

function request()
  return requests[scenario]()
end

-- The legacy contract answers some refusals with HTTP 201 and the real status in the body
-- ({"status":409,...}), so each body's own status is checked too.
envelope_errors = 0
error_sample = ""

function response(status, _, body)
  if status < 300 then
    local inner = tonumber(string.match(body or "", '^{"status":(%d+)'))
    if inner ~= nil and inner >= 300 then
      envelope_errors = envelope_errors + 1
      if #error_sample < 300 then error_sample = error_sample .. body:sub(1, 150) .. "\n" end
    end
  elseif #error_sample < 300 then
    error_sample = error_sample .. status .. " " .. (body or ""):sub(1, 150) .. "\n"
  end
end

local function json_string(text)
  return '"' .. text:gsub('[%c"\\]', function(c) return string.format("\\u%04x", c:byte()) end)
    .. '"'
end

function done(summary, latency, _)
  local e = summary.errors
  local envelope, sample = 0, ""
  for _, thread in ipairs(threads) do
    envelope = envelope + thread:get("envelope_errors")
    sample = sample .. thread:get("error_sample")
  end
  local f = assert(io.open(out_path, "w"))
  f:write(string.format(
    '{"requests":%d,"duration_us":%d,"p50_us":%d,"p90_us":%d,"p99_us":%d,"max_us":%d,' ..
    '"errors":{"connect":%d,"read":%d,"write":%d,"status":%d,"timeout":%d,"envelope":%d},' ..
    '"error_sample":%s}',
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(90),
    latency:percentile(99), latency.max, e.connect, e.read, e.write, e.status, e.timeout,
    envelope, json_string(sample)))
  f:close()
end
