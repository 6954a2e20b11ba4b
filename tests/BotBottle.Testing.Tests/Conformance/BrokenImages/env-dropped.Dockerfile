# Defect: a login profile drops the proxy and CA variables, so they never reach the agent process
# (bottles start the agent in its workdir through `sh -lc`, which runs /etc/profile.d).
FROM botbottle/agent:reference
USER root
RUN printf 'unset HTTPS_PROXY https_proxy HTTP_PROXY http_proxy NODE_EXTRA_CA_CERTS\n' > /etc/profile.d/corporate-proxy.sh
USER node
