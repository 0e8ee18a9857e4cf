# On this kernel (6.1), with the fentry and kprobe backends: the kernel
# side's answers on request (tracer_ready_list, tracer_sock_info, asked
# through tools/tracer_query about tools/stuck_sets), and a wait entered
# before the attach traced when it returns (tools/epoll_blocked).
# Records for tests/vm/judge/requests.sh: stuck.facts (the sets as
# stuck_sets made them), ready-B.out and sock-B.out (the answers),
# blocked-B.json (the trace), blocked-B.tid (its pid and the thread that waited).
. /et/lib/guest-lib.sh
need_et
Q=$TOOLS/tracer_query

WL_SYNC=$T/s "$TOOLS/stuck_sets" &
spid=$!
wait_for "$T/s.ready" 600 && sleep 0.1
[ -s "$T/s.ready" ] || fail "stuck_sets never got ready"
cp "$T/s.ready" "$T/stuck.facts"
field() { sed -E "s/.*\"$1\":([0-9]+).*/\1/" "$T/stuck.facts"; }
pid=$(field pid) A=$(field A) s=$(field s)
for b in fentry kprobe; do
	"$Q" --backend=$b ready-list "$pid" "$A" >"$T/ready-$b.out" 2>&1
	"$Q" --backend=$b sock "$pid" "$s" >"$T/sock-$b.out" 2>&1
done
kill "$spid"

for b in fentry kprobe; do
	out=$T/blocked-$b.json
	rm -f "$T/w.ready"
	WL_SYNC=$T/w "$TOOLS/epoll_blocked" pwait2 thread >"$out.cmd" 2>&1 &
	wpid=$!
	wait_for "$T/w.ready" 600 && sleep 0.1
	read -r pid wfd tid <"$T/w.ready" || fail "epoll_blocked never got ready"
	echo "$pid $tid" >"$T/blocked-$b.tid"
	i=0
	until grep -q '^441 ' "/proc/$pid/task/$tid/syscall" || [ $i -ge 600 ]; do sleep 0.05; i=$((i + 1)); done
	"$ET" --json --backend=$b -o "$out" -p "$pid" 2>"$out.err" &
	tpid=$!
	wait_start "$out"
	echo x >"/proc/$pid/fd/$wfd"
	wait "$wpid"
	echo $? >"$T/blocked-$b.wrc"
	wait "$tpid"
	echo $? >"$T/blocked-$b.rc"
done
echo ok
