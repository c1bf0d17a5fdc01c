#!/bin/sh
# Usage: start-server [port]   (default: $PORT)
set -eu
port="${1:-$PORT}"
sed "s/@PORT@/$port/" /etc/nginx/agent-conformance.conf.template >/tmp/nginx.conf
echo "agent-conformance: $(nginx -v 2>&1 | sed 's/^nginx version: //') on 127.0.0.1:$port"
exec nginx -c /tmp/nginx.conf
