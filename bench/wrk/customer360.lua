-- GET /api/v1/customers/{id} for customers spread over the whole ledger, as collectors opening
-- one case after another would. Each wrk thread starts at its own place, chosen anew per run, so
-- that neither the threads nor a warm-up run ask for the same customers.
local customers = tonumber(os.getenv("BENCH_CUSTOMERS") or "1000000")
local threads = 0
setup = function(thread)
  threads = threads + 1
  thread:set("start", (os.time() * 7 + threads * 104729) % customers)
end
local counter = 0
request = function()
  counter = counter + 1
  local id = string.format("C%07d", (start + counter * 7919) % customers + 1)
  return wrk.format("GET", "/api/v1/customers/" .. id)
end
