# An agent whose env, which every exec inherits (root's too), hands root commands what node controls: a perl library
# path in node's home, and a PATH whose trailing colon is an empty entry, the working directory.
FROM botbottle/agent:reference
ENV PERL5LIB=/home/node/perl5/lib/perl5 PATH=/usr/local/bin:/usr/bin:/bin:/usr/sbin:/sbin:
