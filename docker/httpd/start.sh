#!/bin/sh
# Usage: start-server [port]   (default: $PORT)
set -eu
PORT="${1:-$PORT}"
export PORT
mkdir -p /srv/www
echo "apache" >/srv/www/index.txt
echo "agent-conformance: $(apache2 -v | sed -n 's/^Server version: \([^ ]*\).*/\1/p') on 127.0.0.1:$PORT"
export APACHE_RUN_DIR=/tmp APACHE_LOG_DIR=/tmp
exec apache2 -DFOREGROUND -f /etc/apache2/agent-conformance.conf
