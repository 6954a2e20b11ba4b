# A bundle with the policy the reference bundle had before: a port policy on CONNECT only (the filter matches host
# names, not requests) and no outbound policy (an allowlisted name that resolves to loopback or link-local is reached).
FROM botbottle/bundle:reference
RUN perl -0pi -e 's/echo "FilterURLs On"/echo "FilterURLs Off"/; s/\{ printf .\^http:.*?\} >> \/run\/bundle\/filter/"printf " . chr(39) . q{^%s$\n} . chr(39) . q{ "$literal" >> \/run\/bundle\/filter}/se; s/^policy\(\) \{ # command rule\.\.\.\n/policy() { return 0; }\npolicy_off() {\n/m' /usr/local/bin/bundle-init \
 && grep -q 'FilterURLs Off' /usr/local/bin/bundle-init && grep -q 'policy() { return 0; }' /usr/local/bin/bundle-init && ! grep -q 'http://%s:80/' /usr/local/bin/bundle-init
