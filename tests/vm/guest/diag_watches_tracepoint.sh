# The watch-limit warnings (tests/vm/lib/watches-record.sh) with the tracepoint
# backend, for tests/vm/judge/diag_watches_tracepoint.sh.
. /et/lib/guest-lib.sh
. /et/lib/watches-record.sh
watches_record tracepoint
