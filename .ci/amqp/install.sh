#!/usr/bin/env bash
# Install what the AMQP tests' broker needs, only if it is missing: RabbitMQ 3.10
# from Debian (its bundled AMQP 1.0 plugin is the only AMQP 1.0 broker Debian
# packages) and openssl for the test CA. About 6 s on a fresh machine.
# Where Debian's policy-rc.d denies service starts (containers) the package does
# not start a system broker; elsewhere one starts on the default ports, which
# does not disturb the private broker of up.sh (other node name and ports).
set -euo pipefail
missing=()
dpkg -s rabbitmq-server >/dev/null 2>&1 || missing+=(rabbitmq-server)
command -v openssl >/dev/null 2>&1 || missing+=(openssl)
[ ${#missing[@]} -eq 0 ] && exit 0
sudo=""
[ "$(id -u)" -eq 0 ] || sudo=sudo
echo "installing ${missing[*]}"
$sudo apt-get update -qq
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
