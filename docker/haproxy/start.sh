#!/bin/sh
# Usage: start-server [port]   (default: $PORT)
set -eu
PORT="${1:-$PORT}"
export PORT
echo "agent-conformance: HAProxy/$(haproxy -v | sed -n 's/^HAProxy version \([^ ]*\).*/\1/p') on 127.0.0.1:$PORT"
haproxy -c -q -f /etc/haproxy/agent-conformance.cfg
# Printed once the configuration is known good; haproxy binds right after.
echo "agent-conformance: haproxy starting"
exec haproxy -db -f /etc/haproxy/agent-conformance.cfg
