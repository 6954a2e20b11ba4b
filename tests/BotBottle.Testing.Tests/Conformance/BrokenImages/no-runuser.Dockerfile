# Defect: no runuser (util-linux's binary removed). A bottle switches users with it for every command.
FROM botbottle/agent:reference
USER root
RUN rm -f "$(command -v runuser)" && ! command -v runuser
USER node
