#!/bin/bash
# missed_edge: an EPOLLET UDP socket, one recv with two datagrams queued, then a stall.
# Workload: tools/scen_missed_edge_udp.c.
. "$(dirname "$0")/../lib.sh"
. "$ROOT/tests/scenario.sh"
run_scenario missed_edge_udp
