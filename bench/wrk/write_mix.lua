-- A collector's writes: contacts and promises to pay on customers spread over the ledger
-- (half each). Refused promises (more than is open) are answered 422 and change nothing.
local customers = tonumber(os.getenv("BENCH_CUSTOMERS") or "1000000")
local counter = 0
wrk.headers["Content-Type"] = "application/json"
request = function()
  counter = counter + 1
  local id = string.format("C%07d", (counter * 104729) % customers + 1)
  if counter % 2 == 0 then
    return wrk.format("POST", "/api/v1/contacts", nil, string.format(
      '{"customer_id":"%s","channel":"phone","at":"2026-06-30T10:00:00+08:00","outcome":"no_answer","note":"bench"}', id))
  end
  return wrk.format("POST", "/api/v1/promises", nil, string.format(
    '{"customer_id":"%s","amount":"1.00","date":"2027-01-15"}', id))
end
