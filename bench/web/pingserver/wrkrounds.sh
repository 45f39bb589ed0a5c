#!/bin/bash
# Usage (from bench/): go build -o /tmp/ps ./web/pingserver && ./web/pingserver/wrkrounds.sh
# Needs wrk (apt-get install wrk). Prints one line per round and stack with requests/s and the load.
# 5 rounds x 4 stacks, wrk -t2 -c64 -d6s against /tmp/ps
PS=${PS:-/tmp/ps}
for r in 1 2 3 4 5; do
  for impl in nethttp gee gee-bare gin; do
    $PS -impl $impl -addr 127.0.0.1:18181 2>/dev/null >/dev/null &
    pid=$!
    sleep 0.5
    out=$(nice -n -15 wrk -t2 -c64 -d6s http://127.0.0.1:18181/ping | grep -E 'Requests/sec')
    echo "round $r $impl $out load $(cut -d' ' -f1 /proc/loadavg)"
    kill $pid; wait $pid 2>/dev/null
  done
done
