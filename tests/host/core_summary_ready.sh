#!/bin/bash
# -c counts the readiness the stream shows: for deterministic workloads,
# `ready` per (epoll set, fd) in -c --json's summary equals the number of
# ready records per (set, fd) of a streaming --json run, on this host's
# backend (here, without fentry and kprobes: the tracepoint backend, whose
# readiness of pipes, eventfds and epoll fds comes from the ready list
# read at each wait).  tools/ready_kinds makes each kind of fd ready;
# scen_ok_lt_partial leaves a level-triggered pipe readable across waits
# (put back on the ready list at each return: not news); `hostile levels`
# also empties its pipe (the kernel drops it from the list) and writes
# it again (news), and leaves its eventfd on the list for lack of room
# (not news): 3 readinesses of the pipe and 1 of the eventfd, in both
# modes.
. "$(dirname "$0")/../lib.sh"

for wl in ready_kinds scen_ok_lt_partial "hostile levels 0"; do
	name=${wl%% *}
	# shellcheck disable=SC2086
	timeout 60 "$ET" --json -o "$T/$name.stream" -- $TOOLS/$wl >/dev/null 2>"$T/$name.err1" ||
		fail "$wl: streaming run failed: $(tail -2 "$T/$name.err1")"
	# shellcheck disable=SC2086
	timeout 60 "$ET" -c --json -o "$T/$name.summary" -- $TOOLS/$wl >/dev/null 2>"$T/$name.err2" ||
		fail "$wl: -c run failed: $(tail -2 "$T/$name.err2")"
	facts=()
	[ "$name" = hostile ] && facts=("$T/$name.err2")
	python3 "$ROOT/tests/summary_ready.py" "$T/$name.stream" "$T/$name.summary" "$name" "${facts[@]}" ||
		fail "$wl: -c and the stream count readiness differently"
done
echo "ok: -c counts what the stream shows"
