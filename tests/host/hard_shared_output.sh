#!/bin/bash
# The trace and the program's own output share one pipe: every line that
# comes out is whole, either a trace record or one of the program's lines,
# never a mix.  (A trace buffered in 1 MiB blocks used to be flushed at
# arbitrary byte offsets, splitting records.)
. "$(dirname "$0")/../lib.sh"
N=20000
"$ET" -- "$TOOLS/hostile" chatter $N 2>"$T/err" | cat >"$T/out"
grep -q "^lines=$N\$" "$T/err" || fail "the workload did not finish: $(tail -2 "$T/err")"
python3 - "$T/out" $N <<'PY' || fail "broken lines in the shared output"
import re, sys
trace = re.compile(r"^(\d+\.\d{6} \[\d+(/\d+)?\] (?!.*chatter).*|epolltrace: (?!.*chatter).*)$")
prog = re.compile(r"^chatter \d{6} the program's own line, written whole with one write\(2\)$")
n_prog = n_trace = 0
bad = []
for i, line in enumerate(open(sys.argv[1], errors="replace").read().split("\n")[:-1], 1):
    if prog.match(line):
        n_prog += 1
    elif trace.match(line):
        n_trace += 1
    else:
        bad.append((i, line[:160]))
assert not bad, f"{len(bad)} broken line(s), e.g. {bad[:3]}"
assert n_prog == int(sys.argv[2]), f"{n_prog} program lines"
assert n_trace > int(sys.argv[2]), f"only {n_trace} trace lines: the test proves nothing"
print(f"ok: {n_prog} program lines and {n_trace} trace lines, all whole")
PY
