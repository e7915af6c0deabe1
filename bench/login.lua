-- wrk script: password logins through the Authentication API, counting
-- only the answers that carry a token (loginResult "0").
wrk.method = "POST"
wrk.path = "/services/cso-auth"
wrk.headers["Content-Type"] = "application/json"
wrk.body = '{"loginId": "jfiler2026", "password": "Walnut-Harbor-Lantern-42"}'

local threads = {}

function setup(thread)
  table.insert(threads, thread)
end

function init(args)
  ok = 0
  refused = 0
end

function response(status, headers, body)
  if status == 200 and string.find(body, '"loginResult":"0"', 1, true) then
    ok = ok + 1
  else
    refused = refused + 1
  end
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
