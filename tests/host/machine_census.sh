#!/bin/bash
# --sets -a, --sets --cgroup, --sets --comm: the census of epoll sets.
# tools/census_load holds 200 processes of 20+ registrations each (the
# first ten bigger, so the biggest sets are known; some ONESHOT items
# fired and disarmed; a stale registration each, of both kinds; every
# fifth process a second set, shared with a helper child), in a cgroup
# made by the test when it can.  The census is checked against
# /proc/PID/fd and /proc/PID/fdinfo read here independently (and against
# what census_load says it made): per process its sets and their sizes,
# disarmed ONESHOT items and stale registrations; the biggest sets; the
# rankings; per user the watches and the biggest holders.  With
# --cgroup the census holds exactly the load's processes and the user's
# watch count is theirs.  Then: a user without access to the processes
# gets a census without them, exit 0 and one line saying so; processes
# killed during a census do not make it fail.  The machine may run other
# programs: what the census says of them is checked for consistency only.
. "$(dirname "$0")/../lib.sh"
[ -x "$TOOLS/census_load" ] || fail "$TOOLS/census_load is missing: run make"
N=200 M=20

# A cgroup of our own, if the cgroup v2 hierarchy can be written here.
CG=""
mnt=$(awk '$9 == "cgroup2" { print $5; exit }' /proc/self/mountinfo)
if [ -n "$mnt" ] && mkdir "$mnt/epolltrace-census.$$" 2>/dev/null; then
	CG=$mnt/epolltrace-census.$$
fi
cg_cleanup() {
	[ -n "$CG" ] || return
	for p in $(cat "$CG/cgroup.procs" 2>/dev/null); do kill -9 "$p" 2>/dev/null; done
	for _ in $(seq 50); do rmdir "$CG" 2>/dev/null && return; sleep 0.1; done
}
trap 'cleanup_pids; cg_cleanup; rm -rf "$T"' EXIT

# census_load holds until its stdin closes: a FIFO opened read-write never does.
mkfifo "$T/hold"
if [ -n "$CG" ]; then
	bash -c 'echo $$ >"$1/cgroup.procs" && exec "$2" -s "$3" "$4"' _ "$CG" "$TOOLS/census_load" "$N" "$M" \
		<>"$T/hold" >"$T/load.out" 2>"$T/load.err" &
else
	"$TOOLS/census_load" -s "$N" "$M" <>"$T/hold" >"$T/load.out" 2>"$T/load.err" &
fi
load=$!
BG_PIDS+=("$load")
for _ in $(seq 600); do grep -q '^ready$' "$T/load.out" && break; kill -0 "$load" 2>/dev/null || break; sleep 0.05; done
grep -q '^ready$' "$T/load.out" || fail "census_load did not get ready: $(cat "$T/load.err")"
[ -n "$CG" ] && ! grep -q "^$load\$" "$CG/cgroup.procs" && fail "census_load is not in $CG"

"$ET" --sets -a --json >"$T/all.json" 2>"$T/all.err" || fail "--sets -a --json exited $?: $(cat "$T/all.err")"
"$ET" --sets -a >"$T/all.txt" 2>"$T/allt.err" || fail "--sets -a exited $?: $(cat "$T/allt.err")"
"$ET" --sets --comm census_load --json >"$T/comm.json" 2>"$T/comm.err" || fail "--sets --comm exited $?: $(cat "$T/comm.err")"
[ -s "$T/all.err" ] && fail "--sets -a --json said on stderr: $(cat "$T/all.err")"
if [ -n "$CG" ]; then
	"$ET" --sets --cgroup "$CG" --json >"$T/cg.json" 2>"$T/cg.err" || fail "--sets --cgroup exited $?: $(cat "$T/cg.err")"
	"$ET" --sets --cgroup "$CG" >"$T/cg.txt" 2>&1 || fail "--sets --cgroup (text) exited $?"
fi
python3 - "$T" "$load" "${CG:+cgroup}" <<'PY' || fail "the census does not match /proc"
import ctypes, json, os, re, sys

T, load, cg = sys.argv[1], int(sys.argv[2]), sys.argv[3] == "cgroup"
ONESHOT, PRIVATE = 1 << 30, (1 << 28) | (1 << 29) | (1 << 30) | (1 << 31)


def records(name):
    recs = [json.loads(l) for l in open(f"{T}/{name}")]
    for r in recs:
        assert {"ts", "pid", "tid", "comm", "event"} <= r.keys(), f"{name}: {r}"
    return recs


def proc_census(pid):
    """A process's sets as /proc shows them, read here: {epfd: (items,
    disarmed ONESHOT items, the items' fdinfo, {fd: stale kind})}."""
    fdir = f"/proc/{pid}/fd"
    links = {int(f): os.readlink(f"{fdir}/{f}") for f in os.listdir(fdir)}
    sets = {}
    for fd, link in links.items():
        if link != "anon_inode:[eventpoll]":
            continue
        items, disarmed, stale = [], 0, {}
        for line in open(f"/proc/{pid}/fdinfo/{fd}"):
            m = re.match(r"tfd:\s*(\d+) events:\s*([0-9a-f]+) data:\s*([0-9a-f]+)\s+pos:\d+ ino:([0-9a-f]+)", line)
            if not m:
                continue
            tfd, ev, ino = int(m[1]), int(m[2], 16), int(m[4], 16)
            items.append((tfd, ev, m[3], ino))
            if ev & ONESHOT and not ev & ~PRIVATE:
                disarmed += 1
            if tfd not in links:
                stale[tfd] = "fd closed; the file is still open elsewhere"
            elif os.stat(f"{fdir}/{tfd}").st_ino != ino:
                stale[tfd] = "fd now names another file"
        sets[fd] = (len(items), disarmed, tuple(sorted(items)), stale)
    return sets


def start_time(pid):
    return int(open(f"/proc/{pid}/stat").read().rsplit(")", 1)[1].split()[19])


# What census_load made: "PID SETS ITEMS DISARMED STALE" per process.
made = {}
for line in open(f"{T}/load.out"):
    f = line.split()
    if len(f) == 5:
        made[int(f[0])] = tuple(map(int, f[1:]))
raw = {p: proc_census(p) for p in made}
for p, (nsets, items, dis, st) in made.items():
    sets = raw[p]
    got = (len(sets), sum(s[0] for s in sets.values()), sum(s[1] for s in sets.values()),
           sum(len(s[3]) for s in sets.values()))
    assert got == (nsets, items, dis, st), f"pid {p}: /proc shows {sets}, census_load made {made[p]}"
assert len(made) == 200 + 40, f"{len(made)} processes of census_load"
# A set held by two processes (the helpers') is the same open file in
# both (kcmp, asked here through libc): it is counted for the one that
# started first, which judges its stale items.
libc = ctypes.CDLL(None, use_errno=True)
SYS_KCMP = {"x86_64": 312, "aarch64": 272}[os.uname().machine]


def same_file(a, fa, b, fb):
    r = libc.syscall(SYS_KCMP, a, b, 0, fa, fb)   # KCMP_FILE
    assert r >= 0, f"kcmp: {os.strerror(ctypes.get_errno())}"
    return r == 0


owner = {}      # (pid, epfd) -> the pid it is counted for
firsts = []     # (pid, epfd, items) of each set seen, by start time
for p in sorted(made, key=lambda p: (start_time(p), p)):   # ties: the lower pid
    for fd, s in raw[p].items():
        o = next((q for q, qfd, its in firsts if its == s[2] and same_file(q, qfd, p, fd)), None)
        owner[(p, fd)] = o or p
        if o is None:
            firsts.append((p, fd, s[2]))
ours = {}
for p, sets in raw.items():
    own = {fd: s for fd, s in sets.items() if owner[(p, fd)] == p}
    ours[p] = ({fd: (s[0], None if owner[(p, fd)] == p else owner[(p, fd)]) for fd, s in sets.items()},
               sum(s[0] for s in own.values()), sum(s[1] for s in own.values()),
               {(fd, tfd): why for fd, s in own.items() for tfd, why in s[3].items()})
shared = sum(1 for o in ours.values() for n, w in o[0].values() if w)
assert shared == 40, f"{shared} shared sets"
kinds = {k for s in ours.values() for k in s[3].values()}
assert len(kinds) == 2, f"stale kinds made: {kinds}"


def check_census(name, target_is_ours):
    recs = records(name)
    procs = {r["pid"]: r for r in recs if r["event"] == "census_process"}
    stale = {}
    for r in recs:
        if r["event"] == "census_stale":
            stale.setdefault(r["pid"], {})[(r["epfd"], r["fd"])] = r["stale"]
    # every process of ours, exactly as /proc shows it
    for p, (sets, items, disarmed, st) in ours.items():
        r = procs.get(p)
        assert r, f"{name}: pid {p} of census_load missing"
        got = {s["epfd"]: (s["items"], s.get("shared_with")) for s in r["sets"]}
        assert got == sets, f"{name}: pid {p}: sets {got}, /proc {sets}"
        assert r["items"] == items and r["oneshot_disarmed"] == disarmed \
            and r["stale"] == len(st) and r["uid"] == 0 and r["comm"] == "census_load", \
            f"{name}: pid {p}: {r}; /proc: {sets} {items} {disarmed} {st}"
        assert stale.get(p, {}) == st, f"{name}: pid {p}: stale {stale.get(p)}, /proc {st}"
    if target_is_ours:
        assert set(procs) == set(ours), f"{name}: processes not of the load: {set(procs) - set(ours)}"
    # the biggest sets: in order, of the right sizes, none of ours left out
    top = [r for r in recs if r["event"] == "census_top_set"]
    assert [t["rank"] for t in top] == list(range(1, len(top) + 1)) and len(top) == 10, f"{name}: {top}"
    sizes = [t["items"] for t in top]
    assert sizes == sorted(sizes, reverse=True), f"{name}: biggest sets out of order: {sizes}"
    for t in top:
        assert {s["epfd"]: s["items"] for s in procs[t["pid"]]["sets"]}.get(t["epfd"]) == t["items"], \
            f"{name}: {t} is not as its process's record says"
    listed = {(t["pid"], t["epfd"]) for t in top}
    for p, (sets, _, _, _) in ours.items():
        for fd, (n, shared_with) in sets.items():
            assert n <= sizes[-1] or (p, fd) in listed or shared_with, f"{name}: set {fd} of {p} ({n} items) not among {top}"
            assert not (shared_with and (p, fd) in listed), f"{name}: a shared set listed twice: {top}"
    # the rankings: totals and the processes holding the most
    for what, key in (("oneshot_disarmed", "oneshot_disarmed"), ("stale", "stale")):
        rk = [r for r in recs if r["event"] == "census_rank" and r["of"] == what]
        assert len(rk) == 1, f"{name}: census_rank {what}: {rk}"
        rk = rk[0]
        counts = [r[key] for r in procs.values() if r[key]]
        assert rk["total"] == sum(counts) and rk["processes"] == len(counts), f"{name}: {rk}"
        assert [h["count"] for h in rk["top"]] == sorted(counts, reverse=True)[:10], f"{name}: {rk}"
        for h in rk["top"]:
            assert procs[h["pid"]][key] == h["count"], f"{name}: {h}"
    # per user: the watches are the processes' items; the holders the biggest
    users = [r for r in recs if r["event"] == "census_user"]
    assert users, f"{name}: no census_user"
    for u in users:
        mine = [r for r in procs.values() if r["uid"] == u["uid"]]
        assert u["watches"] == sum(r["items"] for r in mine) and u["processes"] == len(mine), \
            f"{name}: user {u['uid']}: {u['watches']} watches in {u['processes']} processes; the processes say {sum(r['items'] for r in mine)} in {len(mine)}"
        assert u["all_watches"] >= u["watches"] and u["max_user_watches"] > 0, f"{name}: {u}"
        w = [h["watches"] for h in u["top"]]
        assert w == sorted(w, reverse=True) and len(w) == min(5, u["processes"]) or not target_is_ours, f"{name}: {u}"
        if name != "all.json":
            continue    # the holders are of all the user's processes
        assert w == sorted((r["items"] for r in mine), reverse=True)[:5], f"{name}: holders {u['top']}"
    root = [u for u in users if u["uid"] == 0][0]
    ours_items = sum(s[1] for s in ours.values())
    if target_is_ours:
        assert root["watches"] == ours_items and root["processes"] == len(ours), \
            f"{name}: uid 0: {root}; census_load's processes hold {ours_items}"
    else:
        assert root["watches"] >= ours_items
    tot = [r for r in recs if r["event"] == "census"]
    assert len(tot) == 1 and recs[-1] is tot[0], f"{name}: the census record is not last"
    tot = tot[0]
    assert tot["processes"] == len(procs) and tot["items"] == sum(r["items"] for r in procs.values()) \
        and tot["sets"] == sum(1 for r in procs.values() for x in r["sets"] if "shared_with" not in x) \
        and tot["shared"] == sum(1 for r in procs.values() for x in r["sets"] if "shared_with" in x) \
        and tot["oneshot_disarmed"] == sum(r["oneshot_disarmed"] for r in procs.values()) \
        and tot["stale"] == sum(r["stale"] for r in procs.values()) \
        and tot["items"] == sum(u["watches"] for u in users) and tot["unreadable"] == 0, f"{name}: {tot}"
    if target_is_ours:
        assert tot["scanned"] == len(ours) + 1 and tot["vanished"] == 0, f"{name}: {tot} (the load's parent holds no set)"
    return tot


tot = check_census("all.json", False)
assert tot["target"] == "all processes"
comm = records("comm.json")
check_census("comm.json", {r["pid"] for r in comm if r["event"] == "census_process"} == set(ours))
if cg:
    check_census("cg.json", True)

# Text: a line per process, STALE lines under it, the sections.
text = open(f"{T}/all.txt").read().splitlines()
for p, (sets, n, disarmed, st) in ours.items():
    line = (f"[{p} census_load] uid 0: {len(sets)} epoll set{'s' if len(sets) != 1 else ''}, {n} item{'s' if n != 1 else ''} ("
            + ", ".join(f"epoll {fd}: {k}" + (f" shared, counted for {w}" if w else "")
                        for fd, (k, w) in sorted(sets.items())) + ")"
            + (f"; {disarmed} ONESHOT item{'s' if disarmed != 1 else ''} fired and disarmed" if disarmed else "")
            + (f"; {len(st)} stale registration{'s' if len(st) != 1 else ''}" if st else ""))
    assert line in text, f"text: no line {line!r}"
    i = text.index(line)
    under = [l for l in text[i + 1:i + 1 + len(st)] if l.startswith("    STALE: ")]
    want = [f"    STALE: epoll {e}, fd {fd}: {why}" for (e, fd), why in sorted(st.items())]
    assert sorted(under) == want, f"text: under {line!r}: {under}, want {want}"
for head in ("biggest epoll sets:", "ONESHOT items fired and disarmed: ", "stale registrations: ",
             "uid 0: ", "census of all processes: "):
    assert any(l.startswith(head) for l in text), f"text: no line starting {head!r}"
big = [l for l in text if re.match(r"^ +\d+\. epoll \d+ of \[\d+ .*\]: \d+ items?$", l)]
assert len(big) == 10, f"text: biggest sets: {big}"
print(f"ok: {len(ours)} processes of census_load as /proc shows them ({sum(s[1] for s in ours.values())} items, {shared} sets shared); "
      f"-a: {tot['processes']} processes, {tot['items']} items in {tot['duration_ms']} ms" + ("; --cgroup exact" if cg else ""))
PY
[ -n "$CG" ] || echo "note: no cgroup could be made here: --sets --cgroup not checked"
if [ -n "$CG" ]; then
	grep -qE "^uid 0: [0-9]+ epoll watches in 240 processes of the target, [0-9]+ in all its processes, of fs.epoll.max_user_watches = [0-9]+ \([0-9.]+%\); biggest holders of all its processes: \[" "$T/cg.txt" ||
		{ cat "$T/cg.txt" | tail -5; fail "--sets --cgroup: no uid line for the target"; }
	grep -qE "^census of cgroup /epolltrace-census.$$: 240 processes with epoll sets \(of 241 looked at\)" "$T/cg.txt" ||
		{ tail -1 "$T/cg.txt"; fail "--sets --cgroup: census line"; }
fi

# A user who may not look into root's processes: they are counted as not
# readable, said once on stderr, and the census goes on (exit 0).
if command -v setpriv >/dev/null && setpriv --reuid=65534 --regid=65534 --clear-groups true 2>/dev/null; then
	setpriv --reuid=65534 --regid=65534 --clear-groups "$ET" --sets -a --json >"$T/nobody.json" 2>"$T/nobody.err" ||
		fail "--sets -a as nobody exited $?: $(cat "$T/nobody.err")"
	[ "$(wc -l <"$T/nobody.err")" = 1 ] && grep -qE '^epolltrace: [0-9]+ processes could not be read \(/proc/PID/fd: (Permission denied|Operation not permitted)\): their epoll sets are not counted' "$T/nobody.err" ||
		fail "--sets -a as nobody: stderr is not one line saying so: $(cat "$T/nobody.err")"
	python3 - "$T/nobody.json" "$T/load.out" <<'PY' || fail "--sets -a as nobody"
import json, sys
recs = [json.loads(l) for l in open(sys.argv[1])]
ours = {int(l.split()[0]) for l in open(sys.argv[2]) if len(l.split()) == 5}
tot = recs[-1]
assert tot["event"] == "census" and tot["unreadable"] >= len(ours), tot
assert not ours & {r["pid"] for r in recs if r["event"] == "census_process"}, "root's processes listed"
notes = [r for r in recs if r["event"] == "note" and r["kind"] == "checks_off"]
assert len(notes) == 1, notes
print(f"ok: as nobody, {tot['unreadable']} processes not readable, said once")
PY
else
	echo "note: cannot drop privileges here: the unreadable case not checked"
fi

# Processes that vanish during the census: killed while it runs.
for try in 1 2 3; do
	"$ET" --sets -a --json >"$T/vanish.$try.json" 2>"$T/vanish.$try.err" &
	et=$!
	if [ "$try" = 3 ]; then
		kill -TERM "$load"	# census_load kills its processes
	else
		for p in $(awk 'NF == 5 && NR % 3 == '"$try"' {print $1}' "$T/load.out"); do kill -9 "$p" 2>/dev/null; done
	fi
	wait "$et" || fail "--sets -a while processes vanish exited $?: $(cat "$T/vanish.$try.err")"
	python3 -c 'import json, sys; r = [json.loads(l) for l in open(sys.argv[1])][-1]; assert r["event"] == "census", r; print("try", sys.argv[2], "vanished:", r["vanished"], "processes:", r["processes"])' \
		"$T/vanish.$try.json" "$try" || fail "--sets -a while processes vanish: bad output"
done
wait_bounded "$load" 10 || fail "census_load did not end on SIGTERM"
echo "ok: --sets -a, --comm${CG:+, --cgroup}"
