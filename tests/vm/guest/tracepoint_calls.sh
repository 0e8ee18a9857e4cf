# --backend=tracepoint traces every call, with or without
# sock:sk_data_ready (6.4+): tools/ready_kinds under it, for
# tests/vm/judge/tracepoint_calls.sh.
. /et/lib/guest-lib.sh
launch tp tracepoint "$TOOLS/ready_kinds"
