# The static tracer starts on the guest's kernel.
. /et/lib/guest-lib.sh
need_et
v=$("$ET" -V 2>&1) || fail "epolltrace -V exited $?: $v"
echo "$v" | grep -q epolltrace || fail "epolltrace -V printed: $v"
echo "ok: $v"
