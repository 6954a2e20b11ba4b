# An agent with a root service node can reach through a FIFO, not a socket (see root-fifo-service.sh): whoever writes a
# command into /run/bbt-cmd has it run as root.
FROM botbottle/agent:reference
USER root
COPY root-fifo-service.sh /usr/local/bin/id
RUN chmod 0755 /usr/local/bin/id
USER node
