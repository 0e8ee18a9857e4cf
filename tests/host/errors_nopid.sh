#!/bin/bash
# -p of a pid that does not exist (and of garbage): one line `epolltrace:
# ...` on stderr, a non-zero exit that is not a crash, within 5 s.
. "$(dirname "$0")/../lib.sh"

true & dead=$!
wait $dead		# reaped: the pid is free now
for arg in "$dead" "abc" "0" "1,$dead"; do
	start=$SECONDS
	timeout 10 "$ET" -p "$arg" >"$T/out" 2>"$T/err"
	rc=$?
	[ "$rc" = 124 ] && fail "-p $arg: still running after 10 s"
	[ $((SECONDS - start)) -le 5 ] || fail "-p $arg: took $((SECONDS - start)) s"
	[ "$rc" != 0 ] || fail "-p $arg: exit status 0"
	[ "$rc" -lt 128 ] || fail "-p $arg: killed by signal $((rc - 128))"
	# A pid that is not there: one line.  Garbage is a usage error: argp
	# may add its "Try --help" line.
	if [ "$arg" = "$dead" ] || [ "$arg" = "1,$dead" ]; then
		[ "$(wc -l <"$T/err")" = 1 ] || { cat "$T/err"; fail "-p $arg: stderr is not one line"; }
	fi
	head -1 "$T/err" | grep -q '^epolltrace: ' ||
		fail "-p $arg: error does not start with 'epolltrace: ': $(cat "$T/err")"
done
echo ok
