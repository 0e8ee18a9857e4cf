# With the fentry and kprobe backends: the kernel
# side's answers on request (tracer_ready_list, tracer_sock_info, asked
# through tools/tracer_query about tools/stuck_sets), and a wait entered
# before the attach traced when it returns (tools/epoll_blocked).
# Records for tests/vm/judge/requests.sh: stuck.facts (the sets as
# stuck_sets made them), ready-B.out and sock-B.out (the answers),
# blocked-B.json (the trace), blocked-B.tid (its pid and the thread that
# waited), blocked-B.syscall (the wait it was blocked in); B.unavailable
# instead where backend B does not load.
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
# A backend that does not load here is left out (B.unavailable: why).
backends=""
for b in fentry kprobe; do
	"$Q" --backend=$b ready-list "$pid" "$A" >"$T/ready-$b.out" 2>&1
	if grep -q "^epolltrace: backend $b unavailable: " "$T/ready-$b.out"; then
		sed -n "s/^epolltrace: backend $b unavailable: //p" "$T/ready-$b.out" >"$T/$b.unavailable"
		continue
	fi
	backends="$backends $b"
	"$Q" --backend=$b sock "$pid" "$s" >"$T/sock-$b.out" 2>&1
done
kill "$spid"
[ -n "$backends" ] || skip "neither fentry nor kprobe loads on this kernel"

# The blocked wait: epoll_pwait2, where the kernel has it (5.11+), else
# epoll_pwait (blocked-B.syscall says which).
if has_syscall epoll_pwait2; then wait_kind=pwait2; else wait_kind=pwait; fi
nr=$(syscall_nr epoll_$wait_kind)
for b in $backends; do
	out=$T/blocked-$b.json
	echo "epoll_$wait_kind" >"$T/blocked-$b.syscall"
	rm -f "$T/w.ready"
	WL_SYNC=$T/w "$TOOLS/epoll_blocked" $wait_kind thread >"$out.cmd" 2>&1 &
	wpid=$!
	wait_for "$T/w.ready" 600 && sleep 0.1
	read -r pid wfd tid <"$T/w.ready" || fail "epoll_blocked never got ready"
	echo "$pid $tid" >"$T/blocked-$b.tid"
	i=0
	until grep -q "^$nr " "/proc/$pid/task/$tid/syscall" || [ $i -ge 600 ]; do sleep 0.05; i=$((i + 1)); done
	"$ET" --json --backend=$b -o "$out" -p "$pid" 2>"$out.err" &
	tpid=$!
	wait_start "$out" "$tpid"
	wait_attached "$out.err" "$pid" "$tpid"
	echo x >"/proc/$pid/fd/$wfd"
	wait "$wpid"
	echo $? >"$T/blocked-$b.wrc"
	wait "$tpid"
	echo $? >"$T/blocked-$b.rc"
done
echo ok
