#!/usr/bin/env bash
# Start a private RabbitMQ 3.10 speaking AMQP 1.0 over TLS only, standing in for
# Huawei IoTDA's AMQP push endpoint: vhost "default", the queue DefaultQueue,
# SASL PLAIN. Not through systemd: the PIDs are ours ($D/broker.pid, $D/epmd.pid).
#   D=$(mktemp -d) up.sh && D=... wait.sh ... D=... down.sh
# Users: the IoTDA user (user name accessKey=…|timestamp=…|instanceId=…, password
# the access code) is checked by an HTTP hook the tests serve on $AUTH_ADDR
# (RabbitMQ's bundled rabbitmq_auth_backend_http), which checks the user name's
# shape and timestamp window as IoTDA does; the tests' publisher is an internal
# user, since IoTDA itself refuses sender links.
# Running it again on a stopped broker's $D restarts that broker (same
# certificates); its queue is not durable, so it comes back empty.
set -euo pipefail
: "${D:?set D to the broker directory}"
HERE=$(cd "$(dirname "$0")" && pwd)
# A restart in the same $D keeps the first start's settings.
[ -f "$D/settings.env" ] && . "$D/settings.env"
AMQPS_PORT=${AMQPS_PORT:-45671}      # AMQP 1.0 over TLS (stands in for IoTDA's 5671)
DIST_PORT=${DIST_PORT:-45672}        # Erlang distribution (rabbitmqctl talks to the node here)
EPMD_PORT=${EPMD_PORT:-44369}        # a private epmd instead of the shared 4369
AUTH_ADDR=${AUTH_ADDR:-127.0.0.1:45680}
NODE=${NODE:-iotdastub@localhost}
PUB_USER=${PUB_USER:-iotda-test-publisher}
PUB_PASS=${PUB_PASS:-publisher-secret}
QUEUE=${QUEUE:-DefaultQueue}
VHOST=default
# The plain queue name an IoTDA client attaches to makes RabbitMQ 3.10 declare
# the queue with the attach's source durability, which go-amqp leaves at none:
# a durable queue would refuse the attach (precondition-failed).
QUEUE_DURABLE=false
RMQ_SBIN=$(dirname "$(dpkg -L rabbitmq-server | grep '/rabbitmq_server-[^/]*/sbin/rabbitmq-server$' | head -1)")
mkdir -p "$D"/{mnesia,log}
cat > "$D/settings.env" <<SET
AMQPS_PORT=$AMQPS_PORT DIST_PORT=$DIST_PORT EPMD_PORT=$EPMD_PORT AUTH_ADDR=$AUTH_ADDR
NODE=$NODE PUB_USER=$PUB_USER PUB_PASS=$PUB_PASS QUEUE=$QUEUE
SET
D=$D "$HERE/certs.sh"

# Definitions: vhost, the publisher (password hashed as RabbitMQ stores it:
# base64(salt4 ‖ sha256(salt4 ‖ password))), permissions, the queue. Only the
# queue may be declared (configure), so attaching to another name is refused.
salt=$(mktemp)
head -c 4 /dev/urandom > "$salt"
hash=$({ cat "$salt"; printf '%s' "$PUB_PASS" | { cat "$salt" -; } | openssl dgst -sha256 -binary; } | base64 -w0)
rm -f "$salt"
cat > "$D/definitions.json" <<JSON
{"users": [{"name": "$PUB_USER", "password_hash": "$hash", "hashing_algorithm": "rabbit_password_hashing_sha256", "tags": []}],
 "vhosts": [{"name": "$VHOST"}],
 "permissions": [{"user": "$PUB_USER", "vhost": "$VHOST", "configure": "^$QUEUE\$", "write": ".*", "read": ".*"}],
 "queues": [{"name": "$QUEUE", "vhost": "$VHOST", "durable": $QUEUE_DURABLE, "auto_delete": false, "arguments": {}}]}
JSON

cat > "$D/rabbitmq.conf" <<CONF
listeners.tcp = none
listeners.ssl.1 = 127.0.0.1:$AMQPS_PORT
ssl_options.cacertfile = $D/tls/ca.pem
ssl_options.certfile   = $D/tls/server.pem
ssl_options.keyfile    = $D/tls/server.key
ssl_options.verify     = verify_none
ssl_options.fail_if_no_peer_cert = false
ssl_options.versions.1 = tlsv1.2
default_vhost = $VHOST
amqp1_0.default_vhost = $VHOST
amqp1_0.default_user = none
load_definitions = $D/definitions.json
auth_backends.1 = internal
auth_backends.2 = http
auth_http.http_method   = post
auth_http.user_path     = http://$AUTH_ADDR/auth/user
auth_http.vhost_path    = http://$AUTH_ADDR/auth/vhost
auth_http.resource_path = http://$AUTH_ADDR/auth/resource
auth_http.topic_path    = http://$AUTH_ADDR/auth/topic
log.file.level = info
log.console = false
CONF
echo "[rabbitmq_amqp1_0,rabbitmq_auth_backend_http]." > "$D/enabled_plugins"
echo '[].' > "$D/advanced.config"
: > "$D/rabbitmq-env.conf"      # keeps the system-wide rabbitmq-env.conf out

# The environment of the broker and rabbitmqctl. HOME (where .erlang.cookie
# lives) is set only for them: exported into a CI shell it would also move Go's
# module and build caches.
cat > "$D/env.sh" <<ENV
export RABBITMQ_NODENAME=$NODE
export RABBITMQ_CONFIG_FILE=$D/rabbitmq.conf
export RABBITMQ_ADVANCED_CONFIG_FILE=$D/advanced.config
export RABBITMQ_CONF_ENV_FILE=$D/rabbitmq-env.conf
export RABBITMQ_MNESIA_BASE=$D/mnesia
export RABBITMQ_LOG_BASE=$D/log
export RABBITMQ_ENABLED_PLUGINS_FILE=$D/enabled_plugins
export RABBITMQ_PID_FILE=$D/rabbit.pid
export RABBITMQ_DIST_PORT=$DIST_PORT
export RABBITMQ_CTL_DIST_PORT_MIN=$((DIST_PORT+10))
export RABBITMQ_CTL_DIST_PORT_MAX=$((DIST_PORT+20))
export ERL_EPMD_PORT=$EPMD_PORT
export ERL_EPMD_ADDRESS=127.0.0.1
export RABBITMQ_SERVER_ADDITIONAL_ERL_ARGS="-kernel inet_dist_use_interface {127,0,0,1}"
export RABBITMQ_CTL_ERL_ARGS="-kernel inet_dist_use_interface {127,0,0,1}"
rmqctl() { HOME=$D $RMQ_SBIN/rabbitmqctl -n $NODE "\$@"; }
ENV
cat > "$D/test.env" <<ENV
export IOTCLIENT_TEST_AMQP_URL=amqps://127.0.0.1:$AMQPS_PORT
export IOTCLIENT_TEST_AMQP_CA=$D/tls/ca.pem
export IOTCLIENT_TEST_AMQP_QUEUE=$QUEUE
export IOTCLIENT_TEST_AMQP_PUBLISHER=$PUB_USER
export IOTCLIENT_TEST_AMQP_PUBLISHER_PASSWORD=$PUB_PASS
export IOTCLIENT_TEST_AMQP_AUTH_ADDR=$AUTH_ADDR
export IOTCLIENT_TEST_AMQP_DIR=$D
ENV
. "$D/env.sh"
rm -f "$D/log/$NODE.log"          # wait.sh looks for this boot's "startup complete"

# A private epmd in the foreground (so its PID is ours), then the broker in a
# session of its own; the broker's start script stays in the foreground and
# stops beam.smp cleanly on TERM.
epmd -port "$EPMD_PORT" -address 127.0.0.1 >> "$D/log/epmd.out" 2>&1 &
echo $! > "$D/epmd.pid"
HOME=$D setsid "$RMQ_SBIN/rabbitmq-server" >> "$D/log/stdout.log" 2>&1 < /dev/null &
echo $! > "$D/broker.pid"
