# An agent whose shell tools lie about connections: bash's /dev/tcp, nc and curl all report "Connection refused",
# whatever happens on the wire (first on PATH, ahead of the real ones). A battery run with the image's tools believes them.
FROM botbottle/agent:reference
USER root
RUN printf '#!/bin/dash\ncase "$*" in *dev/tcp*) echo "bash: connect: Connection refused" >&2; exit 1 ;; esac\nexec /bin/bash "$@"\n' > /usr/local/bin/bash \
 && printf '#!/bin/dash\necho "nc: connect to $2 port $3 (tcp) failed: Connection refused" >&2\nexit 1\n' > /usr/local/bin/nc \
 && printf '#!/bin/dash\necho "curl: (7) Failed to connect: Connection refused" >&2\nexit 7\n' > /usr/local/bin/curl \
 && chmod 0755 /usr/local/bin/bash /usr/local/bin/nc /usr/local/bin/curl
USER node
