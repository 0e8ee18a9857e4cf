#!/bin/bash
# Installed set-user-ID root, epolltrace would run the command and create
# -o files as root for any user: it refuses, with one line saying why, and
# runs nothing.
. "$(dirname "$0")/../lib.sh"
[ "$(id -u)" = 0 ] || skip "needs root to make a set-user-ID copy"
command -v setpriv >/dev/null || skip "setpriv missing"
# A directory on a file system that honours set-user-ID bits.
dir=$ROOT/build/tests/setuid.d
rm -rf "$dir" && mkdir -p "$dir" && chmod 755 "$dir"
cp "$ET" "$dir/epolltrace" && chmod 4755 "$dir/epolltrace"
drop=(setpriv --reuid=65534 --regid=65534 --clear-groups)
"${drop[@]}" true || skip "cannot drop privileges here"
[ "$("${drop[@]}" sh -c 'test -u "$0" && echo suid' "$dir/epolltrace")" = suid ] || skip "no set-user-ID bit"
chmod 777 "$dir"
timeout 10 "${drop[@]}" "$dir/epolltrace" -o "$dir/out" -- touch "$dir/ran" >"$T/out" 2>"$T/err"
rc=$?
rm -rf "$dir"/epolltrace
[ "$rc" != 0 ] || fail "a set-user-ID epolltrace ran for user nobody"
[ "$(wc -l <"$T/err")" = 1 ] || fail "not one line on stderr: $(cat "$T/err")"
grep -q '^epolltrace: refusing to run set-user-ID' "$T/err" || fail "no refusal: $(cat "$T/err")"
[ ! -e "$dir/ran" ] || fail "the command ran"
[ ! -e "$dir/out" ] || fail "-o created a file"
rm -rf "$dir"
echo "ok: refused: $(cat "$T/err")"
