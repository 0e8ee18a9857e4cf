#!/bin/bash
# A monitor that runs for days, in short: epolltrace -a -q --json (every
# process on the machine, warnings and the recap only) while nginx serves
# under wrk for SOAK_SECS seconds (60 here; `make soak`: 600).  Its
# resident memory is read every 5 s: the last reading may exceed the first
# (taken once the load runs) by at most 25% and 8 MB; no warning names
# nginx, nothing is lost, and the monitor ends whole on SIGINT with its
# recap.  Prints the RSS at the start and the end.
. "$(dirname "$0")/../lib.sh"
command -v nginx >/dev/null || skip "nginx is not installed (make deps)"
command -v wrk >/dev/null || skip "wrk is not installed (make deps)"
[ -x "$ET" ] || fail "$ET is missing: run make"
secs=${SOAK_SECS:-60}

port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
mkdir -p "$T/www"
head -c 3000 /dev/urandom | base64 >"$T/www/file.html"
cat >"$T/nginx.conf" <<CONF
$(nginx_conf_head)
	server {
		listen 127.0.0.1:$port;
		root $T/www;
	}
}
CONF

"$ET" -a -q --json -o "$T/monitor.json" 2>"$T/monitor.err" &
mon=$!
BG_PIDS+=("$mon")
wait_start "$T/monitor.json" || { cat "$T/monitor.err"; fail "epolltrace -a -q did not start"; }
# nginx starts after the monitor: it joins at its first epoll call.
nginx -p "$T/" -c "$T/nginx.conf" -e "$T/error.log" &
ngx=$!
BG_PIDS+=("$ngx")
for _ in $(seq 100); do
	python3 -c "import socket; socket.create_connection(('127.0.0.1', $port), 0.2)" 2>/dev/null && break
	sleep 0.05
done
wrk -t2 -c32 -d"${secs}s" "http://127.0.0.1:$port/file.html" >"$T/wrk.out" 2>&1 &
load=$!
BG_PIDS+=("$load")

rss_kb() { awk '/^VmRSS:/ { print $2 }' "/proc/$mon/status"; }
sleep 5
first=$(rss_kb)
samples=$first
while kill -0 "$load" 2>/dev/null; do
	sleep 5
	kill -0 "$mon" 2>/dev/null || fail "the monitor died under load: $(cat "$T/monitor.err")"
	last=$(rss_kb)
	samples="$samples $last"
done
wait "$load" || { cat "$T/wrk.out"; fail "wrk failed"; }
cat "$T/wrk.out"
reqs=$(awk '/requests in/ { print $1 }' "$T/wrk.out")
[ "${reqs:-0}" -gt 10000 ] || fail "wrk made only ${reqs:-0} requests in $secs s"
echo "monitor RSS: ${first} kB after 5 s of load, ${last} kB after $secs s (samples: $samples)"

kill -INT "$mon"
wait_bounded "$mon" 10 || fail "the monitor still runs 10 s after SIGINT"
[ "$WAIT_RC" = 0 ] || { cat "$T/monitor.err"; fail "the monitor exited $WAIT_RC"; }
kill -TERM "$ngx" 2>/dev/null

[ "$last" -le $((first + first / 4 + 8192)) ] ||
	fail "the monitor's RSS grew from $first kB to $last kB in $secs s"
check_records "$T/monitor.json" --no-loss || fail "the monitor's trace is malformed or lost records"
python3 - "$T/monitor.json" "$ngx" <<'PY' || fail "the monitor's trace is wrong, see above"
import json, sys
recs = [json.loads(l) for l in open(sys.argv[1])]
ngx = int(sys.argv[2])
kinds = {r["event"] for r in recs}
bad = []
if recs[0]["event"] != "start":
    bad.append("no start record first")
if kinds - {"start", "warning", "retracted", "note", "recap", "lost", "summary_lost"}:
    bad.append(f"-q showed {sorted(kinds)}: more than warnings, notes and the recap")
warned = [r for r in recs if r["event"] == "warning" and r["pid"] == ngx]
if warned:
    bad.append(f"warnings about nginx: {warned[:3]}")
if not any(r["event"] == "recap" for r in recs) and any(r["event"] == "warning" for r in recs):
    bad.append("warnings but no recap at the end")
print(f"monitor: {len(recs)} records, {sum(r['event'] == 'warning' for r in recs)} warnings "
      f"(about other processes of the machine), none about nginx ({ngx})" if not bad else "\n".join(bad))
sys.exit(1 if bad else 0)
PY
echo "ok: -a -q for $secs s under load, memory flat, no warning about nginx, nothing lost"
