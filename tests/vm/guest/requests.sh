# On this kernel (6.1), with the fentry and kprobe backends: the kernel
# side's answers on request (tracer_ready_list, tracer_sock_info, asked
# through tools/tracer_query about tools/stuck_sets), and a wait entered
# before the attach traced when it returns (tools/epoll_blocked).
. /et/lib/guest-lib.sh
need_et
Q=$TOOLS/tracer_query

WL_SYNC=$T/s "$TOOLS/stuck_sets" &
spid=$!
i=0
while [ ! -s "$T/s.ready" ] && [ $i -lt 600 ]; do sleep 0.05; i=$((i + 1)); done
[ -s "$T/s.ready" ] || fail "stuck_sets never got ready"
field() { sed -E "s/.*\"$1\":([0-9]+).*/\1/" "$T/s.ready"; }
pid=$(field pid) A=$(field A) a=$(field a) c=$(field c) s=$(field s) lport=$(field lport)
want_fds=$(printf '%s\n' "$a" "$c" | sort -n | tr '\n' ' ')
for b in fentry kprobe; do
	out=$("$Q" --backend=$b ready-list "$pid" "$A") || fail "$b: tracer_query ready-list exited $?"
	fds=$(echo "$out" | grep -o '"fd":[0-9]*' | sed 's/"fd"://' | sort -n | tr '\n' ' ')
	[ "$fds" = "$want_fds" ] || fail "$b: set A's ready list: $out (wanted fds $want_fds)"
	out=$("$Q" --backend=$b sock "$pid" "$s") || fail "$b: tracer_query sock exited $?"
	case $out in
	*'"ret":0,'*'"state":1,'*'"saddr":"127.0.0.1"'*'"daddr":"127.0.0.1","dport":'"$lport}") ;;
	*) fail "$b: socket $s: $out (wanted connected to 127.0.0.1:$lport)" ;;
	esac
done
kill "$spid"

for b in fentry kprobe; do
	out=$T/blocked-$b.json
	rm -f "$T/w.ready"
	WL_SYNC=$T/w "$TOOLS/epoll_blocked" pwait2 thread >"$out.cmd" 2>&1 &
	wpid=$!
	i=0
	while [ ! -s "$T/w.ready" ] && [ $i -lt 600 ]; do sleep 0.05; i=$((i + 1)); done
	read -r pid wfd tid <"$T/w.ready" || fail "epoll_blocked never got ready"
	i=0
	until grep -q '^441 ' "/proc/$pid/task/$tid/syscall" || [ $i -ge 600 ]; do sleep 0.05; i=$((i + 1)); done
	"$ET" --json --backend=$b -o "$out" -p "$pid" 2>"$out.err" &
	tpid=$!
	i=0
	while ! grep -q '"event": *"start"' "$out" 2>/dev/null && [ $i -lt 1000 ]; do
		sleep 0.05; i=$((i + 1))
	done
	echo x >"/proc/$pid/fd/$wfd"
	wait "$wpid" || fail "$b: epoll_blocked exited $?"
	wait "$tpid" || { tail -n 5 "$out.err"; fail "$b: epolltrace -p exited $?"; }
	at=0
	want at "$out" event=epoll_wait tid="$tid" syscall=epoll_pwait2 timeout_ms=60500 ret=1 \
		data=0xb10c0000 before_attach=true
	want at "$out" event=epoll_wait tid="$tid" syscall=epoll_pwait2 timeout_ms=0 ret=1
	[ "$(count_recs "$out" before_attach=true)" = 1 ] || fail "$b: before_attach not on exactly one record"
done
echo ok
