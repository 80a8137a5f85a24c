#!/usr/bin/env bash
# Install (if missing) and start a private broker for the AMQP tests in a new
# temporary directory, wait until it is ready (about 4 s), and print the
# environment the tests read, for eval:
#   eval "$(.ci/amqp/start.sh)"      # then go test ./notify/notifyamqp
#   .ci/amqp/down.sh                 # D is among the variables printed
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
"$HERE/install.sh" >&2
D=${D:-$(mktemp -d -t iotclient-amqp.XXXXXX)}
export D
"$HERE/up.sh" >&2
"$HERE/wait.sh" >&2 || { "$HERE/down.sh"; exit 1; }
echo "export D=$D"
cat "$D/test.env"
