# --backend=auto picks the first backend that loads, in the order fentry,
# kprobe, tracepoint: ready_kinds under it, and each backend it passed over
# tried alone (passed-over-B.err and .rc), for
# tests/vm/judge/backend_auto.sh.
. /et/lib/guest-lib.sh
launch auto auto "$TOOLS/ready_kinds"
chosen=$(grep -m1 '"event":"start"' "$T/auto.json" | sed -n 's/.*"backend":"\([a-z]*\)".*/\1/p')
for b in fentry kprobe tracepoint; do
	[ "$b" = "$chosen" ] && break
	timeout 60 "$ET" --backend=$b -- true 2>"$T/passed-over-$b.err"
	echo $? >"$T/passed-over-$b.rc"
done
