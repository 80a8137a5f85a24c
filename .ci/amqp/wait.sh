#!/usr/bin/env bash
# Wait until the broker in $D has booted (its listeners start last), for at most
# 120 s (a loaded machine slows the boot); fail at once, with its log, if it died.
set -euo pipefail
: "${D:?set D to the broker directory}"
. "$D/env.sh"
for _ in $(seq 1 1200); do
  grep -q "Server startup complete" "$D/log/$RABBITMQ_NODENAME.log" 2>/dev/null && exit 0
  kill -0 "$(cat "$D/broker.pid")" 2>/dev/null || { echo "broker exited:"; tail -n 30 "$D/log/stdout.log"; exit 1; }
  sleep 0.1
done
echo "broker not ready after 120s:"; tail -n 30 "$D/log/stdout.log"; exit 1
