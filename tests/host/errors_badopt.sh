#!/bin/bash
# Unknown options and bad usage: non-zero exit and a hint to --help.
. "$(dirname "$0")/../lib.sh"

for args in "--no-such-option" "-Q" "--epfd" "--stall abc" "--backend=nonsense -- true" ""; do
	# shellcheck disable=SC2086
	timeout 10 "$ET" $args >"$T/out" 2>"$T/err"
	rc=$?
	[ "$rc" != 0 ] || fail "'$args': exit status 0"
	[ "$rc" -lt 124 ] || fail "'$args': exit status $rc (timeout or signal)"
	grep -q -- '--help\|--usage\|^epolltrace: ' "$T/err" || { cat "$T/err"; fail "'$args': no error or usage hint on stderr"; }
done
echo ok
