# The tracepoint backend's readiness of what sock:sk_data_ready cannot tell
# (of everything, where the kernel lacks it) is the ready list read at
# epoll_wait: tools/ready_kinds under it, for
# tests/vm/judge/tracepoint_rdllist.sh.
. /et/lib/guest-lib.sh
launch tp tracepoint "$TOOLS/ready_kinds"
# -c counts what the stream shows (tests/vm/judge/tracepoint_rdllist.sh).
ET_OPTS=-c launch tp_c tracepoint "$TOOLS/ready_kinds"
launch levels tracepoint "$TOOLS/hostile" levels 0
ET_OPTS=-c launch levels_c tracepoint "$TOOLS/hostile" levels 0
