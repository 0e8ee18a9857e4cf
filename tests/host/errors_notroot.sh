#!/bin/bash
# Run without privileges: one line `epolltrace: ...`, non-zero exit, and
# the command is not run.
. "$(dirname "$0")/../lib.sh"
[ "$(id -u)" = 0 ] || skip "needs root to drop privileges"
command -v setpriv >/dev/null || skip "setpriv missing"

chmod 755 "$T"
drop=(setpriv --reuid=65534 --regid=65534 --clear-groups --inh-caps=-all)
"${drop[@]}" true || skip "cannot drop privileges here"
for mode in launch attach; do
	if [ $mode = launch ]; then
		args=(-- touch "$T/ran")
	else
		sleep 20 & victim=$!; BG_PIDS+=("$victim")
		args=(-p "$victim")
	fi
	timeout 10 "${drop[@]}" "$ET" "${args[@]}" >"$T/out" 2>"$T/err"
	rc=$?
	[ "$rc" != 0 ] || fail "$mode: exit status 0 without privileges"
	[ "$rc" -lt 124 ] || fail "$mode: exit status $rc (timeout or signal)"
	[ "$(wc -l <"$T/err")" = 1 ] || { cat "$T/err"; fail "$mode: stderr is not one line"; }
	grep -q '^epolltrace: ' "$T/err" || fail "$mode: error does not start with 'epolltrace: ': $(cat "$T/err")"
	[ ! -e "$T/ran" ] || fail "$mode: the command ran although tracing failed"
done
echo ok
