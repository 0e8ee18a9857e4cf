# Attaching to stuck programs (tests/attach.list, issue 16) with the tracepoint
# backend: every bug scenario after it hung (hung, forever) and while a
# wait entered before the attach is in progress (during), the correct
# programs mid-flight, and --sets of the hung ones; recorded for
# tests/vm/judge/attach_tracepoint.sh.
. /et/lib/guest-lib.sh
. /et/lib/attach-record.sh
attach_record tracepoint
