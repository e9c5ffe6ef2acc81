-- GET /api/v1/customers/{id} for customers spread over the whole ledger, as collectors opening
-- one case after another would.
local customers = tonumber(os.getenv("BENCH_CUSTOMERS") or "1000000")
local counter = 0
request = function()
  counter = counter + 1
  local id = string.format("C%07d", (counter * 7919) % customers + 1)
  return wrk.format("GET", "/api/v1/customers/" .. id)
end
