# -c with the fentry backend: tools/ready_kinds under epolltrace -c --json,
# for tests/vm/judge/summary_fentry.sh.
. /et/lib/guest-lib.sh
ET_OPTS=-c launch sum fentry "$TOOLS/ready_kinds"
