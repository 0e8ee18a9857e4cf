# With fentry allowed (6.1, no lockdown), auto picks fentry.
. /et/lib/guest-lib.sh
out=$T/auto.json at=0
trace auto "$out" "$TOOLS/ready_kinds"
want at "$out" event=start backend=fentry
[ "$at" = 1 ] || fail "the start record is line $at, not the first"
n=$(count_recs "$out" event=ready source=ep_poll_callback)
[ "$n" -gt 0 ] || fail "auto backend traced no readiness"
echo "ok: auto chose fentry, $n ready records"
