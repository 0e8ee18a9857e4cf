# The raw syscall tracepoints (--syscall-hooks=raw_tp: sys_enter and
# sys_exit, where the syscall's number and arguments are read from the
# saved user registers, which differ by architecture): tools/ready_kinds
# under them, for tests/vm/judge/raw_tp_calls.sh.
. /et/lib/guest-lib.sh
ET_OPTS=--syscall-hooks=raw_tp launch raw auto "$TOOLS/ready_kinds"
