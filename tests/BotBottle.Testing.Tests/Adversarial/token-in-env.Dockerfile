# Defect: a real-looking token shipped in the image's ENV, under a name that does not say "token".
FROM botbottle/agent:reference
ENV DEPLOY_NOTE=ghp_Zq7XbWm2VtR9kLp4NsYd8HcFgJ3eUa6QoT1i
