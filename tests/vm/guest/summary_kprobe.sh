# -c with the kprobe backend: tools/ready_kinds under epolltrace -c --json,
# for tests/vm/judge/summary_kprobe.sh.
. /et/lib/guest-lib.sh
ET_OPTS=-c launch sum kprobe "$TOOLS/ready_kinds"
