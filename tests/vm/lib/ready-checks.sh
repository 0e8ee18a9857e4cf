# Sourced by the guest readiness tests: what a trace of tools/ready_kinds
# must show when readiness comes from ep_poll_callback (fentry or kprobe).

# load_facts OUT: set EPFD, PIPE_R, ... from the workload's NAME=N lines.
load_facts() {
	eval "$(grep -E '^[A-Z_]+=[0-9]+$' "$1.cmd")"
	[ -n "$NESTED_PIPE_R" ] || fail "ready_kinds did not finish: $(tail -n 3 "$1.cmd")"
}

# The registrations, in order, with their modes.
check_registrations() {
	local out=$1 at=0
	want at "$out" event=epoll_create syscall=epoll_create1 ret="$EPFD"
	want at "$out" event=epoll_ctl epfd="$EPFD" op=ADD fd="$PIPE_R" events~EPOLLIN events!~EPOLLET ret=0
	want at "$out" event=epoll_ctl epfd="$EPFD" op=ADD fd="$EVENTFD" events~EPOLLIN events~EPOLLET ret=0
	want at "$out" event=epoll_ctl epfd="$EPFD" op=ADD fd="$UDP" events~EPOLLIN ret=0
	want at "$out" event=epoll_ctl epfd="$EPFD" op=ADD fd="$LISTEN" events~EPOLLIN ret=0
	want at "$out" event=epoll_ctl epfd="$EPFD" op=ADD fd="$TCP_ONESHOT" events~EPOLLONESHOT ret=0
	want at "$out" event=epoll_ctl epfd="$EPFD" op=ADD fd="$TCP_ET" events~EPOLLET ret=0
	want at "$out" event=epoll_ctl epfd="$INNER" op=ADD fd="$NESTED_PIPE_R" ret=0
	want at "$out" event=epoll_ctl epfd="$OUTER" op=ADD fd="$INNER" events~EPOLLIN ret=0
}

# step OUT EPFD FD DELIVERED COND...: the readiness of FD in EPFD (with
# COND) comes after line $at and before the next epoll_wait on EPFD, and
# that epoll_wait returns DELIVERED (an fd, or "none": it returns 0) with
# its readiness-to-delivery latency (ready_us).
# Leaves $at on that epoll_wait.
step() {
	local out=$1 epfd=$2 fd=$3 got=$4 wait_at
	shift 4
	wait_at=$(find_rec "$at" "$out" event=epoll_wait epfd="$epfd")
	[ -n "$wait_at" ] || fail "no epoll_wait on epfd $epfd after line $at"
	want at "$out" event=ready epfd="$epfd" fd="$fd" "$@"
	[ "$at" -lt "$wait_at" ] ||
		fail "readiness of fd $fd ($*) is line $at, after the epoll_wait at line $wait_at"
	at=$((wait_at - 1))
	if [ "$got" = none ]; then
		want at "$out" event=epoll_wait epfd="$epfd" ret=0
	else
		want at "$out" event=epoll_wait epfd="$epfd" ret=1 fd="$got" ready_us?
	fi
	[ "$at" = "$wait_at" ] ||
		fail "the epoll_wait on epfd $epfd at line $wait_at does not show what it returned ($got)"
}

# check_callback_readiness OUT: each step's readiness, then its delivery.
check_callback_readiness() {
	local out=$1 at=0 a b fd src=source=ep_poll_callback
	local armed="$src events~EPOLLIN queued=true coalesced=false disarmed=false mismatch=false"

	# Pipe (LT): first with nobody waiting, then waking a sleeping thread.
	step "$out" "$EPFD" "$PIPE_R" "$PIPE_R" $armed woke=false
	step "$out" "$EPFD" "$PIPE_R" "$PIPE_R" $armed woke=true
	# Eventfd (ET), UDP socket, listening socket: one readiness, one delivery.
	for fd in "$EVENTFD" "$UDP" "$LISTEN"; do
		step "$out" "$EPFD" "$fd" "$fd" $armed
	done
	# TCP ONESHOT: armed, delivered, then its next readiness is disarmed
	# and epoll_wait finds nothing.
	step "$out" "$EPFD" "$TCP_ONESHOT" "$TCP_ONESHOT" $armed
	step "$out" "$EPFD" "$TCP_ONESHOT" none $src disarmed=true queued=false
	# TCP ET end.
	step "$out" "$EPFD" "$TCP_ET" "$TCP_ET" $armed
	# Nested: one pipe write readies the pipe in the inner set and the
	# inner set in the outer one (the two callbacks nest, so either order).
	a=$at b=$at
	want a "$out" event=ready epfd="$INNER" fd="$NESTED_PIPE_R" $armed
	want b "$out" event=ready epfd="$OUTER" fd="$INNER" $armed
	[ "$a" -gt "$b" ] && at=$a || at=$b
	want at "$out" event=epoll_wait epfd="$OUTER" ret=1 fd="$INNER"
	want at "$out" event=epoll_wait epfd="$INNER" ret=1 fd="$NESTED_PIPE_R"
}

# No readiness from elsewhere, and only the ONESHOT item is ever disarmed.
check_no_strays() {
	local out=$1 all cb dis dis_oneshot
	all=$(count_recs "$out" event=ready)
	cb=$(count_recs "$out" event=ready source=ep_poll_callback)
	[ "$all" = "$cb" ] || fail "$all ready records but only $cb from ep_poll_callback"
	dis=$(count_recs "$out" event=ready disarmed=true)
	dis_oneshot=$(count_recs "$out" event=ready disarmed=true epfd="$EPFD" fd="$TCP_ONESHOT")
	[ "$dis" = "$dis_oneshot" ] ||
		fail "$dis disarmed readiness records, only $dis_oneshot of them for the ONESHOT fd $TCP_ONESHOT"
}

# check_ready_kinds BACKEND: the whole readiness test on one backend.
check_ready_kinds() {
	local backend=$1 out=$T/ready-$1.json at=0
	trace "$backend" "$out" "$TOOLS/ready_kinds"
	load_facts "$out"
	want at "$out" event=start backend="$backend"
	[ "$at" = 1 ] || fail "the start record is line $at, not the first"
	check_registrations "$out"
	check_callback_readiness "$out"
	check_no_strays "$out"
	echo "ok: $(count_recs "$out" event=ready) ready records checked on backend $backend"
}
