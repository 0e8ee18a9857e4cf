#!/bin/bash
# The launched command gets the fds it would get without epolltrace: none
# of the tracer's own (output file, hold pipe, BPF objects) leak into it.
. "$(dirname "$0")/../lib.sh"

# ls, a child of sh, lists sh's fds.
list='ls /proc/$$/fd'
sh -c "$list" >"$T/plain" 2>&1
for mode in text json; do
	opts=(-o "$T/trace.$mode")
	[ $mode = json ] && opts+=(--json)
	timeout 20 "$ET" "${opts[@]}" -- sh -c "$list" >"$T/traced" 2>&1 ||
		fail "$mode: epolltrace exited $?"
	diff "$T/plain" "$T/traced" >"$T/diff" ||
		{ cat "$T/diff"; fail "$mode: the command's fds differ under epolltrace (> lines leaked in)"; }
done
echo ok
