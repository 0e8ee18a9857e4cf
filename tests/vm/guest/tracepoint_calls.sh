# --backend=tracepoint still traces every call on 6.1, which lacks
# sock:sk_data_ready: tools/ready_kinds under it, for
# tests/vm/judge/tracepoint_calls.sh.
. /et/lib/guest-lib.sh
launch tp tracepoint "$TOOLS/ready_kinds"
