# Defect: /home/node owned by another uid (what packing on a Mac as uid 501 can leave behind).
FROM botbottle/agent:reference
USER root
RUN chown -R 501:20 /home/node
USER node
