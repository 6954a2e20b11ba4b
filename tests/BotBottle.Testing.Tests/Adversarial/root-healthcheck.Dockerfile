# An agent whose HEALTHCHECK the engine would run as an exec of the container's user every second: a root process of
# the image's that no one asked for. The harness creates every container with no health check at all.
FROM botbottle/agent:reference
HEALTHCHECK --interval=1s --timeout=10s --start-period=1s CMD touch /tmp/bbt-health-ran
