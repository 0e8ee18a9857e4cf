#!/bin/bash
# tests/vm/guest/attach_kprobe.sh: the runs of tests/attach.list with the kprobe
# backend, attached after the bug fired or during a wait entered before
# the attach: each bug warned exactly, found at attach with its evidence,
# the correct programs silent, --sets marking the stuck items
# (tests/vm/judge/attach-lib.sh).
. "$(dirname "$0")/../judge-lib.sh"
. "$(dirname "$0")/attach-lib.sh"
judge_attach kprobe
