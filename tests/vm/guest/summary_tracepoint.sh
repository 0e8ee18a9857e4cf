# -c with the tracepoint backend: tools/ready_kinds under epolltrace -c --json,
# for tests/vm/judge/summary_tracepoint.sh.
. /et/lib/guest-lib.sh
ET_OPTS=-c launch sum tracepoint "$TOOLS/ready_kinds"
