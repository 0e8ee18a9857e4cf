#!/bin/bash
# tests/vm/guest/attach_tracepoint.sh: the runs of tests/attach.list with the tracepoint
# backend, attached after the bug fired or during a wait entered before
# the attach: each bug warned exactly, found at attach with its evidence,
# the correct programs silent, --sets marking the stuck items
# (tests/vm/judge/attach-lib.sh).
# 6.1 lacks sock:sk_data_ready: what a program read of a socket's queue at
# its last edge ("_read", during mode) is not checked here (--no-read).
. "$(dirname "$0")/../judge-lib.sh"
. "$(dirname "$0")/attach-lib.sh"
judge_attach tracepoint --no-read
