# The reference agent with curl as its only network tool: no bash (so no /dev/tcp), no nc, no
# BusyBox. Proves the probe battery works from curl alone. Built offline (--network none).
FROM botbottle/agent:reference
USER root
RUN dpkg --purge netcat-openbsd >/dev/null \
 && dpkg --purge --force-remove-essential bash >/dev/null 2>&1 \
 && ! command -v bash && ! command -v nc && ! command -v busybox && command -v curl
USER node
