# Defect: the agent CLI is not installed.
FROM botbottle/agent:reference
USER root
RUN rm /usr/local/bin/claude
USER node
