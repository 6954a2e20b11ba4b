# Defect: the only user is root (no node). A bottle cannot start the agent unprivileged.
FROM botbottle/agent:reference
USER root
RUN userdel --remove node
