#!/bin/bash
# The command starts with the signal dispositions and mask epolltrace was
# started with, not epolltrace's own: SIGPIPE not ignored (so `yes | head`
# ends yes by SIGPIPE, and epolltrace exits 128+13), and what the caller
# ignored or blocked is still ignored or blocked.
. "$(dirname "$0")/../lib.sh"

# sig_state: the command's SigIgn and SigBlk, as its /proc/self/status says.
sig_state() { grep -E '^Sig(Ign|Blk):' "$1" | tr '\n' ' '; }

"$ET" -o /dev/null -- grep -E '^Sig(Ign|Blk):' /proc/self/status >"$T/traced" 2>"$T/err" ||
	fail "epolltrace -- grep failed: $(cat "$T/err")"
grep -E '^Sig(Ign|Blk):' /proc/self/status >"$T/plain"
[ "$(sig_state "$T/traced")" = "$(sig_state "$T/plain")" ] ||
	fail "traced command: $(sig_state "$T/traced"); untraced: $(sig_state "$T/plain")"

# A caller that ignores SIGHUP (nohup) and blocks SIGUSR2: the command too.
python3 - "$ET" "$T" <<'PY' || fail "the caller's ignored or blocked signals did not reach the command"
import signal, subprocess, sys
et, t = sys.argv[1], sys.argv[2]
signal.signal(signal.SIGHUP, signal.SIG_IGN)
signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGUSR2})
want = subprocess.run(["grep", "-E", "^Sig(Ign|Blk):", "/proc/self/status"], capture_output=True, text=True).stdout
got = subprocess.run([et, "-o", "/dev/null", "--", "grep", "-E", "^Sig(Ign|Blk):", "/proc/self/status"],
                     capture_output=True, text=True).stdout
ign = int(got.split("SigIgn:")[1].split()[0], 16)
blk = int(got.split("SigBlk:")[1].split()[0], 16)
assert ign & (1 << (signal.SIGHUP - 1)) and blk & (1 << (signal.SIGUSR2 - 1)), got
assert got == want, f"traced {got!r}, untraced {want!r}"
PY

# yes writing into a closed pipe must die of SIGPIPE, not get EPIPE.
"$ET" -o /dev/null -- yes 2>"$T/yes.err" | head -1 >/dev/null
rc=${PIPESTATUS[0]}
[ "$rc" = 141 ] || fail "epolltrace -- yes | head -1 exited $rc, wanted 141 (SIGPIPE): $(cat "$T/yes.err")"
! grep -qi 'broken pipe' "$T/yes.err" || fail "yes saw EPIPE: $(cat "$T/yes.err")"
echo "ok: the command's signal state is its caller's"
