# On 6.1 the tracepoint backend's only readiness is the ready list read at
# epoll_wait entry: each delivered fd sat on it before the wait returned.
. /et/lib/guest-lib.sh
. /et/lib/ready-checks.sh
out=$T/tp-rdl.json at=0
trace tracepoint "$out" "$TOOLS/ready_kinds"
load_facts "$out"
for fd in "$PIPE_R" "$EVENTFD" "$UDP" "$LISTEN" "$TCP_ONESHOT"; do
	want at "$out" event=ready epfd="$EPFD" fd="$fd" source=rdllist
	want at "$out" event=epoll_wait epfd="$EPFD" ret=1 fd="$fd"
done
echo "ok: $(count_recs "$out" event=ready source=rdllist) rdllist records"
