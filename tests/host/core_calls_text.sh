#!/bin/bash
# Text mode on tools/epoll_calls: a few decoded lines, strace-like with fd
# annotations, looked up with the fd numbers the workload reports.
. "$(dirname "$0")/../lib.sh"

timeout 60 "$ET" -o "$T/out.txt" -- "$TOOLS/epoll_calls" >"$T/expect" 2>"$T/stderr" ||
	{ rc=$?; cat "$T/stderr"; fail "epolltrace exited $rc"; }
[ -s "$T/out.txt" ] || fail "no text output"

# The fds, from the workload's records.
eval "$(python3 - "$T/expect" <<'PY'
import json, sys
w = [json.loads(l) for l in open(sys.argv[1])]
ctl = [r for r in w if r["event"] == "epoll_ctl"]
print(f"ep={w[0]['ret']} pipe={ctl[0]['fd']} efd={ctl[1]['fd']}")
tcp = [r for r in ctl if r["events"] == ["EPOLLIN", "EPOLLRDHUP", "EPOLLET"]][0]
print(f"tcp={tcp['fd']} tcp_ep={tcp['epfd']} tcp_data={tcp['data']}")
fault = [r for r in ctl if r.get("event_ptr")][0]
print(f"f_ep={fault['epfd']} f_fd={fault['fd']}")
PY
)"
[ -n "$ep" ] && [ -n "$tcp" ] || fail "could not read the fds from the workload"

want() {	# want DESCRIPTION EXTENDED-REGEX
	grep -Eq -- "$2" "$T/out.txt" || { echo "--- text output (head):"; head -20 "$T/out.txt"; fail "no line for $1: /$2/"; }
}
ts='^[0-9]+\.[0-9]{6} '
dur=' <[0-9]+\.[0-9]{6}>$'
want "epoll_ctl ADD of the pipe" \
	"${ts}.*epoll_ctl\($ep<epoll>, EPOLL_CTL_ADD, $pipe<pipe:\[[0-9]+\]>, \{events=EPOLLIN, data=0xdeadbeefcafef00d\}\) = 0$dur"
want "epoll_ctl ADD of the eventfd, EPOLLIN|EPOLLET" \
	"epoll_ctl\($ep<epoll>, EPOLL_CTL_ADD, $efd<[^>]+>, \{events=EPOLLIN\|EPOLLET, data=0x7ffc00001234\}\) = 0"
want "epoll_wait returning the pipe, named by its fd" \
	"${ts}.*epoll_wait\($ep<epoll>, \[\{events=EPOLLIN, data=0xdeadbeefcafef00d, fd=$pipe<pipe:\[[0-9]+\]>\}\], 8, 1000\) = 1$dur"
want "the TCP socket annotated with its addresses" \
	"epoll_ctl\($tcp_ep<epoll>, EPOLL_CTL_ADD, $tcp<TCP:127\.0\.0\.1:[0-9]+->127\.0\.0\.1:[0-9]+>, \{events=EPOLLIN\|EPOLLRDHUP\|EPOLLET, data=$tcp_data\}\) = 0"
want "EFAULT shown with the bad pointer" \
	"epoll_ctl\($f_ep<epoll>, EPOLL_CTL_ADD, $f_fd<[^>]+>, 0x1\) = -1 EFAULT"
want "DEL with a NULL pointer" \
	"epoll_ctl\($f_ep<epoll>, EPOLL_CTL_DEL, $f_fd<[^>]+>, NULL\) = 0"
want "a failed call with its errno" "epoll_ctl\($f_ep<epoll>, EPOLL_CTL_ADD, $f_fd<[^>]+>, .*\) = -1 EEXIST"
want "a timeout of 0 returning nothing" "epoll_pwait\($ep<epoll>, \[\], 8, 0[,)].* = 0"
want "epoll_pwait2 returning data 0 with its fd" "epoll_pwait2\($ep<epoll>, \[\{events=EPOLLIN, data=(0x)?0, fd=[0-9]+<[^>]+>\}\], 8, .* = 1"
n_ctl=$(grep -c 'epoll_ctl(' "$T/out.txt")
n_want=$(grep -c '"event":"epoll_ctl"' "$T/expect")
[ "$n_ctl" = "$n_want" ] || fail "$n_ctl epoll_ctl lines, the workload made $n_want calls"
echo ok
