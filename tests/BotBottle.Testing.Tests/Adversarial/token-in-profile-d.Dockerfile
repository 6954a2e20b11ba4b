# Defect: a token exported by a login profile, so only the agent's real start path (a login shell) has it.
FROM botbottle/agent:reference
USER root
RUN printf 'export SERVICE_LINK=%s\n' 'glpat-8Hx2Kq9Rm4Tz7Wv1Yb3N' > /etc/profile.d/zz-service.sh
USER node
