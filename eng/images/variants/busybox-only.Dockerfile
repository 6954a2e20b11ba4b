# The reference agent with BusyBox as its only network tool: no bash (so no /dev/tcp), no curl, no
# OpenBSD nc. Proves the probe battery works from `busybox nc` alone. Built offline (--network none).
FROM botbottle/agent:reference
USER root
COPY --from=botbottle/bundle:reference /bin/busybox /usr/local/bin/busybox
RUN dpkg --purge curl netcat-openbsd git openssh-client >/dev/null \
 && dpkg --purge --force-remove-essential bash >/dev/null 2>&1 \
 && ! command -v bash && ! command -v curl && ! command -v nc && busybox nc 2>&1 | grep -q Usage
USER node
