# An agent whose /usr/local/bin, first on the PATH of every exec (root's too), belongs to node: what node puts there,
# the harness's next root command may run as root.
FROM botbottle/agent:reference
USER root
RUN chown node /usr/local/bin
USER node
