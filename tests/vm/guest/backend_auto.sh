# With fentry allowed (6.1, no lockdown), auto picks fentry.  Records
# ready_kinds under --backend=auto (judge: tests/vm/judge/backend_auto.sh).
. /et/lib/guest-lib.sh
launch auto auto "$TOOLS/ready_kinds"
