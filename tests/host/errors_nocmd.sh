#!/bin/bash
# A command that cannot be executed, found as a shell finds it (a name
# with a '/' is a path, another is looked for in PATH): epolltrace fails
# as a shell does, before it loads its programs, prints a header or makes
# -o's file: exit status 127 (not found) or 126 (found, not executable),
# one line "epolltrace: cannot execute CMD: REASON" on stderr (even with
# -v, which would show the programs loading), nothing on stdout.
. "$(dirname "$0")/../lib.sh"

echo 'echo should not run' >"$T/notexec"
chmod 644 "$T/notexec"
mkdir "$T/dir"
# A PATH whose only match is not executable.
mkdir "$T/bin"
cp "$T/notexec" "$T/bin/notexec-in-path"
# CMD<TAB>status<TAB>reason
while IFS=$'\t' read -r cmd status reason; do
	cmd=${cmd//@T@/$T}
	rm -f "$T/out"
	PATH=$T/bin:$PATH timeout 10 "$ET" -v -o "$T/out" -- "$cmd" >"$T/stdout" 2>"$T/err"
	rc=$?
	[ "$rc" = "$status" ] || { cat "$T/err"; fail "$cmd: exit status $rc, wanted $status"; }
	printf 'epolltrace: cannot execute %s: %s\n' "$cmd" "$reason" >"$T/want"
	diff "$T/want" "$T/err" >"$T/diff" || { head -5 "$T/diff"; fail "$cmd: not the one line wanted on stderr (< wanted, > got)"; }
	[ -e "$T/out" ] && fail "$cmd: -o's file was made: $(head -2 "$T/out")"
	[ -s "$T/stdout" ] && fail "$cmd: wrote to stdout: $(head -2 "$T/stdout")"
done <<'END'
/nonexistent/command	127	No such file or directory
no-such-command-here	127	No such file or directory
@T@/notexec	126	Permission denied
notexec-in-path	126	Permission denied
@T@/dir	126	Is a directory
END
# A command found is run (the check does not stand in its way).
"$ET" -o "$T/out" -- true || fail "true: exit status $?"
grep -q '^epolltrace: tracing pid' "$T/out" || fail "true: no header"
echo ok
