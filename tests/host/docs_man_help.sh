#!/bin/bash
# man/epolltrace.8 stays in step with the tool:
#  - its OPTIONS section has one tag per option of `epolltrace --help`,
#    written the same way (short and long name, argument name), and no
#    tag for an option the tool does not have;
#  - every \-\-name anywhere in the page is an option of the tool;
#  - a "(default X)" that --help states is repeated in the man entry;
#  - its "JSON events" subsection names every event the code emits
#    (head(r, ev, "NAME") in user/render_json.c), and only those;
#  - README's kernel table and its REQUIREMENTS agree on the kernels, the
#    architectures and the backends that do not load.
# Option tags in the page are written with inline font escapes, one per
# .TP, e.g.  \fB\-o\fR, \fB\-\-output\fR=\fIFILE\fR
# MAN (default man/epolltrace.8) and ET may be overridden, e.g. to check
# that this test fails on a page that lags behind.
. "$(dirname "$0")/../lib.sh"

MAN=${MAN:-$ROOT/man/epolltrace.8}
[ -f "$MAN" ] || fail "no man page at $MAN"
"$ET" --help >"$T/help" 2>&1 || fail "--help exited $?"

# Several lines as one, for a message.
oneline() { tr "\n" " " <<<"$1" | sed "s/ $//"; }

# Roff to plain words: macro names, font escapes, \- and \& go.
roff_text() {
	sed -E -e 's/^\.[A-Z]{1,2}( |$)//' \
		-e 's/\\f(\[[A-Za-z]*\]|\([A-Za-z]{2}|[BIRPC])//g' \
		-e 's/\\-/-/g' -e 's/\\&//g' -e 's/\\\(dq/"/g' -e 's/"//g'
}

# The lines of one .SH section (or, with a second argument, of one .SS
# subsection inside the page), without the heading.
man_section() {
	awk -v sh="$1" -v ss="${2:-}" '
		/^\.SH / { name = $0; sub(/^\.SH +/, "", name); gsub(/"/, "", name)
			   in_sh = (name == sh); in_ss = 0; next }
		/^\.SS / { name = $0; sub(/^\.SS +/, "", name); gsub(/"/, "", name)
			   in_ss = (name == ss); next }
		in_sh && (ss == "" || in_ss)' "$MAN"
}

# The tag lines (the line after each .TP) of some roff lines on stdin.
tp_tags() { awk 'tag { print; tag = 0 } /^\.TP/ { tag = 1 }'; }

# ---- options --------------------------------------------------------------

# --help: "  -o, --output=FILE   Write ..." -> "-o, --output=FILE"; an entry's
# description may wrap onto lines indented further, which do not start
# with "-".  Each entry becomes one line: TAG<TAB>DESCRIPTION.
awk '
	/^ +-/ {
		if (tag != "") print tag "\t" desc
		line = $0; sub(/^ +/, "", line)
		tag = line; sub(/  .*/, "", tag)
		desc = ""
		if (index(line, "  ")) { desc = substr(line, index(line, "  ")); sub(/^ +/, "", desc) }
		next
	}
	tag != "" && /^          +[^ -]/ { d = $0; sub(/^ +/, "", d); desc = desc " " d; next }
	tag != "" { print tag "\t" desc; tag = "" }
	END { if (tag != "") print tag "\t" desc }' "$T/help" >"$T/help.entries"
cut -f1 "$T/help.entries" | sort -u >"$T/help.tags"
[ "$(wc -l <"$T/help.tags")" -ge 10 ] ||
	fail "found only $(wc -l <"$T/help.tags") options in --help; has its layout changed? $(cat "$T/help")"

man_section OPTIONS >"$T/man.options"
[ -s "$T/man.options" ] || fail "$MAN has no OPTIONS section"
tp_tags <"$T/man.options" >"$T/man.tags.roff"
if grep -q '^\.' "$T/man.tags.roff"; then
	fail "option tags must be written with font escapes, not macros: $(grep '^\.' "$T/man.tags.roff" | head -3)"
fi
roff_text <"$T/man.tags.roff" | sed -E 's/ +$//' | sort -u >"$T/man.tags"

missing=$(comm -23 "$T/help.tags" "$T/man.tags")
stale=$(comm -13 "$T/help.tags" "$T/man.tags")
[ -z "$missing" ] || fail "options in --help but not in the man page's OPTIONS (as written there): $(oneline "$missing")"
[ -z "$stale" ] || fail "options in the man page's OPTIONS that --help does not have: $(oneline "$stale")"

# Every long option named anywhere in the page exists.
grep -oE -- '--[a-z][a-z0-9-]*' "$T/help.tags" | sort -u >"$T/help.long"
grep -oE '\\-\\-[a-z][a-z0-9]*((\\-|-)[a-z0-9]+)*' "$MAN" | sed 's/\\-/-/g' | sort -u >"$T/man.long"
unknown=$(comm -13 "$T/help.long" "$T/man.long")
[ -z "$unknown" ] || fail "the man page names long options --help does not have: $(oneline "$unknown")"

# Defaults stated by --help are repeated in the man entry of that option.
while IFS=$'\t' read -r tag desc; do
	default=$(grep -oE '\(default [^)]*\)' <<<"$desc" | sed -E 's/^\(default //; s/\)$//')
	[ -n "$default" ] || continue
	# The entry: from its tag to the next .TP (or the section's end).
	body=$(awk -v want="$tag" '
		/^\.TP/ { if (grab) exit; tp = 1; next }
		tp { tp = 0; t = $0
		     gsub(/\\f(\[[A-Za-z]*\]|\([A-Za-z][A-Za-z]|[BIRPC])/, "", t); gsub(/\\-/, "-", t)
		     sub(/ +$/, "", t); grab = (t == want); next }
		grab' "$T/man.options" | roff_text | tr '\n' ' ' | sed -E 's/ +/ /g; s/ ([,.;)])/\1/g')
	grep -qE "default,? $default([^0-9A-Za-z_]|$)" <<<"$body" ||
		fail "--help says $tag defaults to $default; its man entry does not say so"
done <"$T/help.entries"

# ---- JSON events ----------------------------------------------------------

grep -ohE '(own_)?head\(r, [a-z&]+, "[a-z_]+"' "$ROOT"/user/render_json.c |
	grep -oE '"[a-z_]+"$' | tr -d '"' | sort -u >"$T/code.events"
[ "$(wc -l <"$T/code.events")" -ge 8 ] ||
	fail "found only $(wc -l <"$T/code.events") event names in user/*.c; has the code changed shape?"
man_section OUTPUT "JSON events" | tp_tags | roff_text | sed -E 's/ +$//' | sort -u >"$T/man.events"
[ -s "$T/man.events" ] || fail "$MAN has no 'JSON events' subsection under OUTPUT with .TP entries"
missing=$(comm -23 "$T/code.events" "$T/man.events")
stale=$(comm -13 "$T/code.events" "$T/man.events")
[ -z "$missing" ] || fail "JSON events the code emits but the man page does not document: $(oneline "$missing")"
[ -z "$stale" ] || fail "JSON events the man page documents but the code never emits: $(oneline "$stale")"

# ---- the kernel matrix ------------------------------------------------------
# README's table of the VM tier's last run (tests/vm/matrix_table.py) has a
# row per kernel of tests/vm/kernels, and the man page's REQUIREMENTS name
# each of those kernels and architectures, and each backend the table says
# does not load, as not loading there.

README=${README:-$ROOT/README.md}
man_section REQUIREMENTS | roff_text | tr '\n' ' ' | sed -E 's/ +/ /g' >"$T/man.req"
rows=0
while read -r name arch _; do
	row=$(grep -E "^\| $name(\.[0-9]+)? \([^)]*\) \| $arch \|" "$README") ||
		fail "README's kernel table has no row for $name on $arch (tests/vm/kernels; make it with tests/vm/matrix_table.py)"
	rows=$((rows + 1))
	grep -qF -- "$name" "$T/man.req" && grep -qF -- "$arch" "$T/man.req" ||
		fail "the man page's REQUIREMENTS do not name Linux $name on $arch, which README's table shows"
	for b in fentry kprobe tracepoint; do
		awk -F'|' -v b="$b" '{ i = (b == "fentry") ? 4 : (b == "kprobe") ? 5 : 6; print $i }' <<<"$row" |
			grep -q 'does not load' || continue
		grep -qE "$arch[^.;]*$b does not" "$T/man.req" ||
			fail "README's table says $b does not load on $name $arch; the man page's REQUIREMENTS do not"
	done
done < <(sed 's/#.*//' "$ROOT/tests/vm/kernels" | grep -v '^[[:space:]]*$')
[ "$(grep -cE '^\| [0-9]+\.[0-9]+(\.[0-9]+)? \(' "$README")" = "$rows" ] ||
	fail "README's kernel table has rows for kernels tests/vm/kernels does not list"

# ---- it renders -------------------------------------------------------------

if command -v groff >/dev/null; then
	groff -man -Tutf8 -ww -z "$MAN" >"$T/groff.err" 2>&1 || fail "groff failed on $MAN: $(cat "$T/groff.err")"
	[ -s "$T/groff.err" ] && fail "groff warns about $MAN: $(head -5 "$T/groff.err")"
fi
echo "ok: $(wc -l <"$T/help.tags") options, $(wc -l <"$T/code.events") JSON events in step"
