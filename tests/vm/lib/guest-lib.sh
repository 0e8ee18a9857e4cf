# Sourced by the guest tests (tests/vm/guest/*.sh) inside the VM, where
# there is busybox and no python: checks are awk over the NDJSON trace.
# /init sets ET (the tracer), TOOLS (the workloads) and T (a scratch dir).
: "${ET:=/et/epolltrace}" "${TOOLS:=/et/tools}" "${T:=/tmp}"

fail() { echo "FAIL: $*"; exit 1; }
skip() { echo "skip: $*"; exit 77; }

need_et() { [ -x "$ET" ] || fail "no epolltrace binary in the image"; }

# trace BACKEND OUT CMD [ARGS]: run CMD under epolltrace --json with the
# backend forced; the command's stdout goes to OUT.cmd, the tracer's
# stderr to OUT.err.  Fails unless both the tracer and CMD exit 0.
trace() {
	local backend=$1 out=$2 rc
	shift 2
	need_et
	timeout 60 "$ET" --json --backend="$backend" -o "$out" -- "$@" \
		>"$out.cmd" 2>"$out.err"
	rc=$?
	if [ "$rc" != 0 ]; then
		echo "--- epolltrace stderr:"; tail -n 15 "$out.err"
		echo "--- command stdout:"; tail -n 5 "$out.cmd"
		echo "--- trace head:"; head -n 5 "$out" 2>/dev/null
		fail "epolltrace --backend=$backend -- $* exited $rc"
	fi
	[ -s "$out" ] || fail "empty trace $out"
}

# find_rec FROM FILE COND...: the number of the first line after line
# FROM whose record meets every COND; nothing when none does.
#   key=value   "key":value appears (value quoted unless a number,
#               true, false or null; an exact value, not a prefix)
#   key~NAME    the first "key":[..] list holds "NAME"
#   key!~NAME   the first "key":[..] list lacks "NAME" (or is absent)
#   key?        "key": appears, whatever its value
# The trace is NDJSON with flat records; a key=value may also match inside
# a nested object (e.g. fd=4 in epoll_wait's "ready" list), which is how
# deliveries are checked.
find_rec() {
	local from=$1 file=$2 conds="" c sep
	sep=$(printf '\034')
	shift 2
	for c in "$@"; do conds="$conds$c$sep"; done
	awk -v from="$from" -v conds="$conds" '
	function list_of(line, k,    p, rest) {
		p = index(line, "\"" k "\":[")
		if (!p) return "\001"
		rest = substr(line, p + length(k) + 4)
		return substr(rest, 1, index(rest, "]") - 1)
	}
	function has_pair(line, k, v,    pat, p, s, nc) {
		if (v !~ /^-?[0-9]+(\.[0-9]+)?$/ && v != "true" && v != "false" && v != "null")
			v = "\"" v "\""
		pat = "\"" k "\":" v
		s = line
		while ((p = index(s, pat)) > 0) {
			nc = substr(s, p + length(pat), 1)
			if (nc == "," || nc == "}" || nc == "]") return 1
			s = substr(s, p + 1)
		}
		return 0
	}
	BEGIN { n = split(conds, c, "\034") - 1 }
	NR > from {
		line = $0
		gsub(/": /, "\":", line); gsub(/, "/, ",\"", line); gsub(/, \{/, ",{", line)
		ok = 1
		for (i = 1; i <= n && ok; i++) {
			cond = c[i]
			if (substr(cond, length(cond)) == "?") {
				if (!index(line, "\"" substr(cond, 1, length(cond) - 1) "\":")) ok = 0
			} else if ((p = index(cond, "!~")) > 0) {
				l = list_of(line, substr(cond, 1, p - 1))
				if (index(l, "\"" substr(cond, p + 2) "\"")) ok = 0
			} else if ((p = index(cond, "~")) > 0) {
				l = list_of(line, substr(cond, 1, p - 1))
				if (l == "\001" || !index(l, "\"" substr(cond, p + 1) "\"")) ok = 0
			} else {
				p = index(cond, "=")
				if (!has_pair(line, substr(cond, 1, p - 1), substr(cond, p + 1))) ok = 0
			}
		}
		if (ok) { print NR; exit }
	}' "$file"
}

# want VAR FILE COND...: like find_rec from line $VAR; on success sets VAR
# to the matching line, so a series of wants checks an order.  On failure
# it names what was missing and shows the nearby records of that event.
want() {
	# Locals get odd names: VAR is the caller's variable, so it must not
	# be shadowed by one of them.
	local _w_var=$1 _w_file=$2 _w_from _w_at _w_ev
	shift 2
	eval "_w_from=\${$_w_var:-0}"
	_w_at=$(find_rec "$_w_from" "$_w_file" "$@")
	if [ -z "$_w_at" ]; then
		_w_ev=$(printf '%s\n' "$@" | awk -F= '$1 == "event" { print $2; exit }')
		echo "missing after line $_w_from: $*"
		echo "  records of event $_w_ev after line $_w_from:"
		awk -v from="$_w_from" -v ev="\"event\":\"$_w_ev\"" \
			'NR > from { l = $0; gsub(/": /, "\":", l); if (index(l, ev)) print "   " NR ": " $0 }' \
			"$_w_file" | head -n 8
		fail "trace $_w_file lacks: $*"
	fi
	eval "$_w_var=\$_w_at"
}

# count_recs FILE COND...: how many records meet every COND.
count_recs() {
	local file=$1 from=0 n=0 at
	shift
	while at=$(find_rec "$from" "$file" "$@") && [ -n "$at" ]; do
		n=$((n + 1)); from=$at
	done
	echo "$n"
}
