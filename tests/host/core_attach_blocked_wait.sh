#!/bin/bash
# Attach to a thread blocked in a wait it entered before the attach: when
# the wait returns, its record is there with its arguments (the timeout
# of epoll_pwait2 decoded from its timespec), its result and
# "before_attach": true; the calls after it are traced as usual.  Each
# wait syscall, one in a second thread, one with the raw sys_enter/exit
# hooks.
. "$(dirname "$0")/../lib.sh"

# blocked NAME KIND [thread] [EPOLLTRACE OPTIONS...]
blocked() {
	local name=$1 kind=$2 thread= wpid pid wfd tid nr tpid; shift 2
	[ "${1:-}" = thread ] && { thread=thread; shift; }
	WL_SYNC=$T/$name "$TOOLS/epoll_blocked" "$kind" $thread >"$T/$name.expect" &
	wpid=$!
	BG_PIDS+=("$wpid")
	for _ in $(seq 300); do [ -s "$T/$name.ready" ] && break; sleep 0.01; done
	read -r pid wfd tid <"$T/$name.ready" || fail "$name: workload never got ready"
	# Until the thread sleeps in its wait (x86-64: 232, 281, 441).
	for _ in $(seq 300); do
		read -r nr _ <"/proc/$pid/task/$tid/syscall"
		case $nr in 232|281|441) break;; esac
		sleep 0.01
	done
	case $nr in 232|281|441) ;; *) fail "$name: thread $tid not blocked in a wait (syscall $nr)";; esac
	"$ET" "$@" --json -o "$T/$name.json" -p "$pid" 2>"$T/$name.stderr" &
	tpid=$!
	BG_PIDS+=("$tpid")
	wait_start "$T/$name.json" || { cat "$T/$name.stderr"; fail "$name: no start record"; }
	wait_attached "$T/$name.stderr" "$pid" || { cat "$T/$name.stderr"; fail "$name: never said it attached"; }
	echo x >"/proc/$pid/fd/$wfd"
	wait "$wpid" || fail "$name: workload exited $?"
	wait_bounded "$tpid" 10 || fail "$name: epolltrace still running 10 s after the process exited"
	[ "$WAIT_RC" = 0 ] || { cat "$T/$name.stderr"; fail "$name: epolltrace exited $WAIT_RC"; }
	expect_check "$T/$name.json" "$T/$name.expect" --exact epoll_wait close ||
		fail "$name: the trace lacks the blocked wait or a call after it"
	# Only the wait entered before the attach is marked.
	[ "$(grep -c '"before_attach":true' "$T/$name.json")" = 1 ] ||
		fail "$name: before_attach on $(grep -c '"before_attach":true' "$T/$name.json") records, not 1"
	check_records "$T/$name.json" || fail "$name: malformed trace"
}

blocked wait wait
blocked pwait_thread pwait thread
blocked pwait2 pwait2
blocked wait_raw_tp wait --syscall-hooks=raw_tp
echo ok
