#!/usr/bin/env bash
# Stop the broker and the private epmd that up.sh started in $D, by their
# recorded PIDs only; TERM first (a clean stop takes about 2.5 s), KILL after 15 s.
set -uo pipefail
: "${D:?set D to the broker directory}"
if [ -f "$D/broker.pid" ]; then
  P=$(cat "$D/broker.pid")
  kill -TERM "$P" 2>/dev/null
  for _ in $(seq 1 150); do kill -0 "$P" 2>/dev/null || break; sleep 0.1; done
  if kill -0 "$P" 2>/dev/null; then
    BEAM=$(cat "$D/rabbit.pid" 2>/dev/null)
    kill -KILL ${BEAM:-} "$P" 2>/dev/null
  fi
  rm -f "$D/broker.pid"
fi
if [ -f "$D/epmd.pid" ]; then
  kill -TERM "$(cat "$D/epmd.pid")" 2>/dev/null
  rm -f "$D/epmd.pid"
fi
exit 0
