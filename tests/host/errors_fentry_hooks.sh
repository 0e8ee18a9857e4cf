#!/bin/bash
# --syscall-hooks=fentry where the kernel refuses fentry (tracing)
# programs, as this machine's lockdown does: one line on stderr saying so,
# exit status 1, nothing on stdout, the command not run.  Where fentry
# loads (the VM tier: tests/vm/guest/syscall_hooks.sh), the command is
# traced and the start record names the fentry syscall hooks instead.
. "$(dirname "$0")/../lib.sh"

timeout 30 "$ET" --json --syscall-hooks=fentry -o "$T/trace" -- sh -c "echo ran >'$T/ran'" \
	>"$T/stdout" 2>"$T/err"
rc=$?
if [ "$rc" = 0 ]; then
	grep -m1 '"event": *"start"' "$T/trace" | grep -q '"fentry:syscalls (' ||
		fail "fentry loads here, but the start record names no fentry:syscalls: $(head -c 300 "$T/trace")"
	[ -e "$T/ran" ] || fail "the command did not run"
	echo "ok: fentry loads on this kernel; the trace says fentry:syscalls"
	exit 0
fi
[ "$rc" = 1 ] || { cat "$T/err"; fail "exit status $rc, wanted 1"; }
echo "epolltrace: --syscall-hooks=fentry: the kernel refuses fentry (tracing) programs" >"$T/want"
diff "$T/want" "$T/err" >"$T/diff" || { cat "$T/diff"; fail "not the one line wanted on stderr (< wanted, > got)"; }
[ -s "$T/stdout" ] && fail "wrote to stdout: $(head -2 "$T/stdout")"
[ -e "$T/ran" ] && fail "the command ran, though nothing could trace it"
# auto passes over fentry here and says nothing of it (without -v).
timeout 30 "$ET" --json -o "$T/auto" -- true 2>"$T/auto.err" || fail "auto: exit status $?: $(head -3 "$T/auto.err")"
grep -m1 '"event": *"start"' "$T/auto" | grep -q '"tracepoint:syscalls (' ||
	fail "auto did not fall back to syscall tracepoints: $(head -c 300 "$T/auto")"
[ -s "$T/auto.err" ] && fail "auto: stderr not empty: $(head -2 "$T/auto.err")"
echo "ok: fentry refused in one line; auto uses syscall tracepoints"
