# The watch-limit warnings (tests/vm/lib/watches-record.sh) with the fentry
# backend, for tests/vm/judge/diag_watches_fentry.sh.
. /et/lib/guest-lib.sh
. /et/lib/watches-record.sh
watches_record fentry
