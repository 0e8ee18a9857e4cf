#!/bin/bash
# tests/vm/guest/diag_watches_fentry.sh: the watch-limit warnings with the
# fentry backend, exact counts (tests/vm/judge/watches-lib.sh).
. "$(dirname "$0")/../judge-lib.sh"
. "$(dirname "$0")/watches-lib.sh"
judge_watches fentry
