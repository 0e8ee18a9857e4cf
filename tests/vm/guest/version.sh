# The static tracer starts on the guest's kernel: epolltrace -V, recorded
# for tests/vm/judge/version.sh.
. /et/lib/guest-lib.sh
need_et
"$ET" -V >"$T/version.out" 2>"$T/version.err"
echo $? >"$T/version.rc"
