#!/bin/bash
# A command that cannot be executed: exit 127 as a shell does, one line on
# stderr.
. "$(dirname "$0")/../lib.sh"

echo 'echo should not run' >"$T/notexec"
chmod 644 "$T/notexec"
for cmd in /nonexistent/command no-such-command-here "$T/notexec"; do
	timeout 10 "$ET" -o "$T/out" -- "$cmd" 2>"$T/err"
	rc=$?
	# Not executable: 126 is what a shell says; 127 is fine too.
	if [ "$cmd" = "$T/notexec" ] && [ "$rc" = 126 ]; then rc=127; fi
	[ "$rc" = 127 ] || { cat "$T/err"; fail "$cmd: exit status $rc, wanted 127"; }
	[ "$(wc -l <"$T/err")" = 1 ] || { cat "$T/err"; fail "$cmd: stderr is not one line"; }
	grep -q '^epolltrace: ' "$T/err" || fail "$cmd: error does not start with 'epolltrace: ': $(cat "$T/err")"
done
echo ok
