#!/bin/bash
# Bad usage: for each bad command line, exit status 64 (EX_USAGE, argp's),
# nothing on stdout, and on stderr exactly two lines: the message that
# names what is wrong with this command line, then the hint to --help.
. "$(dirname "$0")/../lib.sh"

hint="Try \`epolltrace --help' or \`epolltrace --usage' for more information."
# ARGS<TAB>first line of stderr
while IFS=$'\t' read -r args msg; do
	[ -n "$msg" ] || continue
	# shellcheck disable=SC2086
	timeout 10 "$ET" $args >"$T/out" 2>"$T/err"
	rc=$?
	[ "$rc" = 64 ] || { cat "$T/err"; fail "'$args': exit status $rc, wanted 64 (usage error)"; }
	[ -s "$T/out" ] && fail "'$args': wrote to stdout: $(head -3 "$T/out")"
	printf '%s\n%s\n' "$msg" "$hint" >"$T/want"
	diff "$T/want" "$T/err" >"$T/diff" || { cat "$T/diff"; fail "'$args': not the message wanted on stderr (< wanted, > got)"; }
done <<'EOF'
--no-such-option	epolltrace: unrecognized option '--no-such-option'
-Q	epolltrace: invalid option -- 'Q'
--epfd	epolltrace: option '--epfd' requires an argument
-p	epolltrace: option requires an argument -- 'p'
--stall abc	epolltrace: invalid stall threshold: 'abc'
--stall=-5 -- true	epolltrace: invalid stall threshold: '-5'
--epfd -3 -- true	epolltrace: invalid epoll fd: '-3'
--fd x -- true	epolltrace: invalid fd: 'x'
--ringbuf-kb 0 -- true	epolltrace: invalid ring buffer size: '0'
--backend=nonsense -- true	epolltrace: unknown backend 'nonsense' (auto, fentry, kprobe, tracepoint)
--syscall-hooks=zz -- true	epolltrace: unknown syscall hook 'zz' (auto, tracepoint, raw_tp, fentry)
--syscall-hooks=fentry -p 1	epolltrace: --syscall-hooks=fentry traces only a COMMAND epolltrace starts: fexit cannot see the return of a call in progress at the attach
--syscall-hooks=fentry -a	epolltrace: --syscall-hooks=fentry traces only a COMMAND epolltrace starts: fexit cannot see the return of a call in progress at the attach
--sets	epolltrace: --sets needs -p PID (or -a, --cgroup, --comm) and no command
-p ,,,	epolltrace: no pid in the list given to -p: ',,,'
-p 1 -p ,	epolltrace: no pid in the list given to -p: ','
--sets -c -p 1	epolltrace: -c cannot be used with --sets, which prints the sets and exits
--sets -p 1 -f	epolltrace: -f cannot be used with --sets, which prints the sets and exits
--stall 50 --sets -p 1	epolltrace: --stall cannot be used with --sets, which prints the sets and exits
--sets --confirm 0 -p 1	epolltrace: --confirm cannot be used with --sets, which prints the sets and exits
--sets --epfd 3 -p 1	epolltrace: --epfd cannot be used with --sets, which prints the sets and exits
--sets --fd 3 -p 1	epolltrace: --fd cannot be used with --sets, which prints the sets and exits
--sets --backend=fentry -p 1	epolltrace: --backend cannot be used with --sets, which prints the sets and exits
--sets --syscall-hooks=raw_tp -p 1	epolltrace: --syscall-hooks cannot be used with --sets, which prints the sets and exits
--sets --ringbuf-kb=64 -p 1	epolltrace: --ringbuf-kb cannot be used with --sets, which prints the sets and exits
--sets -q -p 1	epolltrace: -q cannot be used with --sets, which prints the sets and exits
--sets -e ready -p 1	epolltrace: -e cannot be used with --sets, which prints the sets and exits
-e x=y -- true	epolltrace: -e: unknown qualifier in 'x=y' (only trace= is known)
-e , -- true	epolltrace: -e: nothing named in ','
-a -p 1	epolltrace: -a, --cgroup and --comm take no COMMAND and no -p
--comm x -- true	epolltrace: -a, --cgroup and --comm take no COMMAND and no -p
-a --comm x	epolltrace: give one of -a, --cgroup and --comm
--cgroup / -a	epolltrace: give one of -a, --cgroup and --comm
--comm ,	epolltrace: no name in the list given to --comm: ','
--comm a,b,c,d,e,f,g,h,i	epolltrace: too many names for --comm (at most 8)
-e ready,foo -- true	epolltrace: -e: unknown name 'foo' in 'ready,foo' (kinds: calls, ready, warnings, notes, exits; calls: epoll_create, epoll_create1, epoll_ctl, epoll_wait, epoll_pwait, epoll_pwait2, close, %create, %wait; all, none)
EOF
# An empty pid list (a word the loop above cannot give).
timeout 10 "$ET" -p '' >"$T/out" 2>"$T/err"
rc=$?
[ "$rc" = 64 ] || fail "-p '': exit status $rc, wanted 64"
printf '%s\n%s\n' "epolltrace: no pid in the list given to -p: ''" "$hint" >"$T/want"
diff "$T/want" "$T/err" || fail "-p '': not the message wanted on stderr"
# No arguments at all.
timeout 10 "$ET" >"$T/out" 2>"$T/err"
rc=$?
[ "$rc" = 64 ] || fail "no arguments: exit status $rc, wanted 64"
printf '%s\n%s\n' "epolltrace: give a COMMAND to run, -p PID to attach to, or -a, --cgroup, --comm" "$hint" >"$T/want"
diff "$T/want" "$T/err" || fail "no arguments: not the message wanted on stderr"
echo ok
