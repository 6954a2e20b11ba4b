# An agent whose setpriv ignores the user switch: it drops its options and runs the command as it is, so the bottle's
# keep-alive stays root for the bottle's life while the image's passwd still says node is 1000.
FROM botbottle/agent:reference
USER root
RUN printf '#!/bin/sh\nwhile [ $# -gt 0 ]; do case $1 in --*) shift ;; *) break ;; esac; done\nexec "$@"\n' > /usr/bin/setpriv \
 && chmod 0755 /usr/bin/setpriv
USER node
