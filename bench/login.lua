-- wrk script: password logins through the Authentication API, counting
-- only the answers that carry a token (loginResult "0").
--
-- With LOGIN_USERS=N in the environment, the logins go round the generated
-- accounts genfiler0000000 … (N - 1) (`openecf dev generate`, password
-- Generated-Population-2026), as many filers logging in at once do; without
-- it, every login is the demo's jfiler2026 (whose checks the per-account
-- limit of four at once holds back).
--
-- A connection turned away with 503 waits the Retry-After it was given
-- (1 s) before its next login, as a client that reads the answer does; one
-- that retried at once would be a flood of requests, not of logins, which
-- the per-address rate limit (off here) answers with 429.
wrk.method = "POST"
wrk.path = "/services/cso-auth"
wrk.headers["Content-Type"] = "application/json"
wrk.body = '{"loginId": "jfiler2026", "password": "Walnut-Harbor-Lantern-42"}'

local threads = {}
local next_id = 0

function setup(thread)
  thread:set("id", next_id)
  next_id = next_id + 1
  table.insert(threads, thread)
end

function init(args)
  ok = 0
  refused = 0
  users = tonumber(os.getenv("LOGIN_USERS") or "0") or 0
  -- Each thread starts at its own place in the list.
  n = id * 7919
end

function request()
  if users == 0 then
    return wrk.format()
  end
  local body = string.format('{"loginId": "genfiler%07d", "password": "Generated-Population-2026"}', n % users)
  n = n + 1
  return wrk.format(nil, nil, nil, body)
end

local wait_ms = 0

function response(status, headers, body)
  if status == 200 and string.find(body, '"loginResult":"0"', 1, true) then
    ok = ok + 1
  else
    refused = refused + 1
  end
  if status == 503 then
    wait_ms = 1000 * (tonumber(headers["Retry-After"] or headers["retry-after"] or "1") or 1)
  end
end

-- wrk asks for a delay before each request; the wait goes to the next
-- request this thread sends after a 503, on whichever of its connections
-- (the flood's connections are alike, so the number of logins waiting is right).
function delay()
  local ms = wait_ms
  wait_ms = 0
  return ms
end

function done(summary, latency, requests)
  local total_ok, total_refused = 0, 0
  for _, t in ipairs(threads) do
    total_ok = total_ok + t:get("ok")
    total_refused = total_refused + t:get("refused")
  end
  local seconds = summary.duration / 1e6
  io.write(string.format("logins_ok %d\nlogins_refused %d\nlogins_per_sec %.1f\n",
    total_ok, total_refused, total_ok / seconds))
end
