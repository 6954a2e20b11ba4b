# A bundle whose loopback-only egress daemon listens on every address: the agent can reach it around the proxy.
FROM botbottle/bundle:reference
RUN sed -i 's/^Listen 127.0.0.1$/Listen 0.0.0.0/' /usr/local/bin/bundle-init && grep -q '^Listen 0.0.0.0$' /usr/local/bin/bundle-init
