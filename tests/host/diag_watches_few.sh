#!/bin/bash
# No warning: 200 epoll watches, far below fs.epoll.max_user_watches.
# (The limit warnings themselves run in the VM tier, tests/vm/guest/
# diag_watches.sh, where the limit can be lowered.)
# Workload: tools/scen_watches.c.
. "$(dirname "$0")/../lib.sh"
. "$ROOT/tests/scenario.sh"
limit=$(cat /proc/sys/fs/epoll/max_user_watches)
[ "$limit" -gt 10000 ] || skip "fs.epoll.max_user_watches is only $limit"
run_scenario watches 200
