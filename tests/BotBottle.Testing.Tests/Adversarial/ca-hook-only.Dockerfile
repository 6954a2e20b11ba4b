# Defect: nothing but a hook in /etc/ca-certificates/update.d. update-ca-certificates runs every hook there as root,
# and a real bottle runs update-ca-certificates to install its proxy's CA: the hook would run as root in the bottle.
# This one leaves a marker and a root process behind.
FROM botbottle/agent:reference
USER root
RUN mkdir -p /etc/ca-certificates/update.d \
 && printf '#!/bin/sh\ntouch /tmp/bbt-ca-hook-ran\n(sleep 3600 >/dev/null 2>&1 &)\n' > /etc/ca-certificates/update.d/zz-bbt-hook \
 && chmod 0755 /etc/ca-certificates/update.d/zz-bbt-hook
USER node
