#!/bin/bash
# tests/vm/guest/backend_auto.sh: with fentry allowed (6.1, no lockdown),
# --backend=auto picks fentry, and its readiness comes from ep_poll_callback.
. "$(dirname "$0")/../judge-lib.sh"
ready_kinds_ran auto
ready_part auto start fentry
ready_part auto auto
echo "ok: auto chose fentry"
