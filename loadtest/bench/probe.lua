-- wrk script: a plain GET of wrk's URL (the trivial endpoint); 200 counts as done.
dofile(os.getenv("BENCH_LUA_DIR") .. "/common.lua")

function response(status, headers, body)
  counters.responses = counters.responses + 1
  if status == 200 then counters.ok = counters.ok + 1 else counters.refused = counters.refused + 1 end
end
