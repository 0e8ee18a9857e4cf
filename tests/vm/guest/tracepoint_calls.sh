# --backend=tracepoint still traces every call on 6.1, which lacks
# sock:sk_data_ready: the backend must load without it.
. /et/lib/guest-lib.sh
. /et/lib/ready-checks.sh
out=$T/tp.json at=0
trace tracepoint "$out" "$TOOLS/ready_kinds"
load_facts "$out"
want at "$out" event=start backend=tracepoint
[ "$at" = 1 ] || fail "the start record is line $at, not the first"
check_registrations "$out"
# Every delivery, in the workload's order.
at=0
for fd in "$PIPE_R" "$PIPE_R" "$EVENTFD" "$UDP" "$LISTEN" "$TCP_ONESHOT"; do
	want at "$out" event=epoll_wait epfd="$EPFD" ret=1 fd="$fd"
done
want at "$out" event=epoll_wait epfd="$EPFD" ret=0 timeout_ms=0
want at "$out" event=epoll_wait epfd="$EPFD" ret=1 fd="$TCP_ET"
want at "$out" event=epoll_wait epfd="$OUTER" ret=1 fd="$INNER"
want at "$out" event=epoll_wait epfd="$INNER" ret=1 fd="$NESTED_PIPE_R"
n=$(count_recs "$out" event=ready source=ep_poll_callback)
[ "$n" = 0 ] || fail "tracepoint backend reported $n ep_poll_callback readiness records"
n=$(count_recs "$out" event=ready source=sk_data_ready)
[ "$n" = 0 ] || fail "sk_data_ready readiness on a kernel without that tracepoint ($n records)"
echo "ok: $(wc -l <"$out") records"
