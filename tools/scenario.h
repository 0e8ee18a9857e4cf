/* Helpers for the diagnostics scenarios (tools/scen_*.c).
 *
 * Each scenario makes its epoll calls through these wrappers, which check
 * that the kernel did what the scenario relies on (else die()) and print
 * the record epolltrace must show for the call (expect(), workload.h).
 * Every registration uses the fd number as its data, so a delivered event
 * names its fd.  A scenario also prints the warnings it must cause, or
 * none; tests/warnings.py holds the trace to exactly those.
 *
 * sc_sync() marks the attach point: a test that attaches there checks only
 * the records printed after the "# sync" line.
 *
 * Attach modes.  WL_ATTACH (with WL_SYNC) moves the attach point:
 *   unset    before the bug: at sc_sync(), as above;
 *   hung     after the bug has fired: the program sleeps in its stall
 *            (sc_stall()), a loop of SC_TICK_MS waits; a helper thread
 *            writes PATH.ready once the thread is asleep in epoll_wait
 *            (/proc/self/task/TID/syscall), and the loop goes on until
 *            PATH.go and sc_stuck_ms() after it;
 *   forever  the same, asleep in one epoll_wait with no timeout; a helper
 *            thread ends it sc_stuck_ms() after PATH.go through an eventfd
 *            (level-triggered) added to the set for that, as a server's
 *            shutdown does;
 *   busy     the same as hung, but at the attach the thread is not in
 *            epoll_wait: between two waits, it works (spins) until
 *            PATH.go, then sleeps in its loop of waits as in hung, stuck;
 *   during   while the program sleeps, with nothing ready, in the
 *            epoll_wait (no timeout) that the bug's trigger ends: after
 *            PATH.go a helper thread fires the trigger (sc_trigger()) at
 *            real-time priority on the sleeper's CPU, so that all of it is
 *            queued before the sleeper can collect its events (or, for a
 *            trigger of several units the kernel may deliver apart, the
 *            program handles each report of the fd: sc_on_report()).
 * A scenario runs in every mode when it makes its trigger through
 * sc_trigger(), says what is stuck with sc_expect_stuck() and ends with
 * sc_stall().  After its "# sync" line it prints, as ever, what the trace
 * must hold from there on:
 *   - the calls sure to be traced; a call that may or may not be (hung: it
 *     returned after PATH.ready but before PATH.go, so maybe before the
 *     attach) carries "$optional": true (tests/expect.py);
 *   - a wait entered before the attach carries "before_attach": true and
 *     its duration as the workload measured it, give or take
 *     SC_CLOCK_SLACK_MS;
 *   - the warning with what its evidence must say: found at attach, in
 *     hung and forever, with the sleeping thread as blocked_tid, given
 *     within --confirm plus SC_ATTACH_SLACK_MS of the start record
 *     ("_by_ms", tests/warnings.py), in forever also how long the thread
 *     had slept at the attach; in during mode not found at attach but
 *     counted from the delivery of the wait entered before the attach
 *     (since_delivery_ms);
 * and, on "# sets " lines, what epolltrace --sets must show at PATH.ready
 * (hung, forever): every registration, the stuck item marked, no other
 * (tests/sets_check.py).  WL_CONFIRM_MS is the --confirm the test gives
 * epolltrace (default 500), WL_ATTACH_SLACK_MS overrides the slack. */
#ifndef SCENARIO_H
#define SCENARIO_H

#include <arpa/inet.h>
#include <fcntl.h>
#include <linux/sock_diag.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <pthread.h>
#include <sched.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include "workload.h"

/* The scenarios' end: asleep in epoll_wait, in slices as an event loop
 * with a housekeeping tick sleeps (epolltrace confirms a suspect only once
 * the program's own next wake-up has come and gone).  Longer than
 * epolltrace's default --stall (200 ms) and --confirm (500 ms) together,
 * with a margin for slow machines (the VM tier runs without KVM): a missed
 * edge is confirmed while the program still sleeps. */
#define SC_STALL_MS 2000
#define SC_TICK_MS 400
/* epolltrace's default --stall. */
#define SC_ET_STALL_MS 200
/* How far a duration epolltrace tells may be from the workload's own
 * measure of it (both sides read CLOCK_MONOTONIC around the call); for a
 * wait entered before the attach, whose entry epolltrace learns from the
 * thread's state, also SC_CLOCK_SLACK_PCT percent of it. */
#define SC_CLOCK_SLACK_MS 25
#define SC_CLOCK_SLACK_PCT 2
/* ...and for a wait entered before the attach, the time its thread may
 * sit preempted in the call before it sleeps (a busy machine). */
#define SC_PREEMPT_SLACK_MS 60
/* After the attach, a stuck program is warned about within --confirm and
 * this: the attach itself, the looks every 50 ms, and the program's own
 * next wake-up (a tick's end plus 150 ms) where it comes after the
 * window. */
#define SC_ATTACH_SLACK_MS 400

enum sc_mode { SC_BEFORE, SC_HUNG, SC_FOREVER, SC_DURING, SC_BUSY };

static inline enum sc_mode sc_mode(void);
static inline long sc_env_ms(const char *name, long dflt);

static inline enum sc_mode sc_mode(void)
{
	static int mode = -1;
	const char *m;

	if (mode >= 0)
		return mode;
	m = getenv("WL_ATTACH");
	errno = 0;
	if (!m || !*m)
		mode = SC_BEFORE;
	else if (!strcmp(m, "hung"))
		mode = SC_HUNG;
	else if (!strcmp(m, "forever"))
		mode = SC_FOREVER;
	else if (!strcmp(m, "during"))
		mode = SC_DURING;
	else if (!strcmp(m, "busy"))
		mode = SC_BUSY;
	else
		die("WL_ATTACH=%s: not hung, forever, during or busy", m);
	if (mode != SC_BEFORE && !getenv("WL_SYNC"))
		die("WL_ATTACH needs WL_SYNC");
	return mode;
}

static inline long sc_env_ms(const char *name, long dflt)
{
	const char *v = getenv(name);

	return v && *v ? atol(v) : dflt;
}

/* How long a program of the attach modes waits for the test's go before
 * giving up: WL_GO_WAIT_MS (the VM tier, where starting every workload
 * and loading the BPF programs take minutes), else a minute. */
static inline long sc_go_wait_ms(void)
{
	return sc_env_ms("WL_GO_WAIT_MS", 60000);
}

/* How long a program of the attach modes sleeps, stuck, after the go
 * (hung, forever) or after the bug (during): SC_STALL_MS, or longer where
 * the test gives epolltrace a longer --confirm (the VM tier), so that the
 * warning comes while it sleeps, not at its exit. */
static inline long sc_stuck_ms(void)
{
	long ms = SC_ET_STALL_MS + sc_env_ms("WL_CONFIRM_MS", 500) +
		  sc_env_ms("WL_ATTACH_SLACK_MS", SC_ATTACH_SLACK_MS) + SC_TICK_MS;

	return ms > SC_STALL_MS ? ms : SC_STALL_MS;
}

/* The state of the attach point, shared with the helper thread. */
struct sc_reg {
	int ep, fd;
	const char *verdict;	/* what --sets must mark it with, NULL nothing */
};

static struct {
	bool synced;		/* "# sync" printed */
	long ready_ms;		/* PATH.ready written (wl_now_ms()), 0 not yet */
	long go_ms;		/* PATH.go first seen, 0 not yet */
	pid_t sleeper;		/* the thread the helper waits to see asleep */
	long long asleep_us;	/* sc_now_us() when the helper first saw it asleep */
	pthread_t helper;
	bool has_helper;
	void (*trigger)(void);	/* during: fired by the helper after PATH.go */
	int report_fd;		/* during: the fd the stall hands to report() */
	void (*report)(void);
	int quit;		/* forever: the eventfd that ends the sleep */
	char stuck[1024];	/* hung, forever: the warning, printed at the attach point */
	struct sc_reg regs[64];
	int nregs;
} sc;

/* CLOCK_MONOTONIC in microseconds. */
static inline long long sc_now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000LL + ts.tv_nsec / 1000;
}

/* JSON list of event names, in bit order, e.g. "EPOLLIN","EPOLLET". */
static inline const char *sc_events_json(unsigned int mask)
{
	static __thread char buf[512];

	return wl_event_names(mask, buf, sizeof(buf));
}

/* Has the test said go (PATH.go)?  Before the attach point, in the
 * default mode, the sync point itself was the go. */
static inline bool sc_go_seen(void)
{
	long zero = 0;

	if (__atomic_load_n(&sc.go_ms, __ATOMIC_ACQUIRE))
		return true;
	if (!wl_sync_go())
		return false;
	__atomic_compare_exchange_n(&sc.go_ms, &zero, wl_now_ms(), false, __ATOMIC_ACQ_REL,
				    __ATOMIC_ACQUIRE);
	return true;
}

/* Milliseconds since go, -1 before. */
static inline long sc_after_go_ms(void)
{
	return sc_go_seen() ? wl_now_ms() - __atomic_load_n(&sc.go_ms, __ATOMIC_ACQUIRE) : -1;
}

static inline void sc_await_go(void)
{
	for (long i = 0; i < sc_go_wait_ms() / 10 && !sc_go_seen(); i++)
		msleep(10);
	errno = 0;
	if (!sc_go_seen())
		die("no go from the test in %ld s", sc_go_wait_ms() / 1000);
}

/* Is a call that returned (or, for one that does not sleep, began) with
 * go seen or not sure to be in the trace?  In hung and forever modes one
 * before go may have returned before the attach. */
static inline bool sc_optional(bool go)
{
	return (sc_mode() == SC_HUNG || sc_mode() == SC_FOREVER || sc_mode() == SC_BUSY) &&
	       sc.synced && !go;
}

/* A call's record, marked "$optional" when it may be missing. */
static inline void sc_expect_call(bool optional, const char *fmt, ...)
{
	char body[4096];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(body, sizeof(body), fmt, ap);
	va_end(ap);
	expect("%s%s", optional ? "\"$optional\":true," : "", body);
}

static inline void sc_sync(void)
{
	long zero = 0;

	if (sc_mode() != SC_BEFORE)
		return;		/* the attach point is further on */
	wl_sync_point();
	__atomic_compare_exchange_n(&sc.go_ms, &zero, wl_now_ms(), false, __ATOMIC_ACQ_REL,
				    __ATOMIC_ACQUIRE);
	sc.synced = true;
	printf("# sync\n");
	fflush(stdout);
}

static inline int sc_epoll(void)
{
	int ep = epoll_create1(EPOLL_CLOEXEC);

	if (ep < 0)
		die("epoll_create1");
	expect("\"event\":\"epoll_create\",\"syscall\":\"epoll_create1\","
	       "\"flags\":[\"EPOLL_CLOEXEC\"],\"ret\":%d", ep);
	return ep;
}

static inline struct sc_reg *sc_reg_of(int ep, int fd)
{
	for (int i = 0; i < sc.nregs; i++)
		if (sc.regs[i].ep == ep && sc.regs[i].fd == fd)
			return &sc.regs[i];
	return NULL;
}

static inline void sc_ctl(int ep, int op, int fd, unsigned int events)
{
	static const char *ops[] = { [EPOLL_CTL_ADD] = "ADD",
		[EPOLL_CTL_DEL] = "DEL", [EPOLL_CTL_MOD] = "MOD" };
	struct epoll_event ev = { .events = events, .data.u64 = (unsigned int)fd };
	bool go = sc_go_seen();
	struct sc_reg *r;

	if (epoll_ctl(ep, op, fd, &ev))
		die("epoll_ctl(%d, %s, %d)", ep, ops[op], fd);
	if (op == EPOLL_CTL_DEL)
		sc_expect_call(sc_optional(go), "\"event\":\"epoll_ctl\",\"epfd\":%d,\"op\":\"DEL\","
			       "\"fd\":%d,\"ret\":0", ep, fd);
	else
		sc_expect_call(sc_optional(go), "\"event\":\"epoll_ctl\",\"epfd\":%d,\"op\":\"%s\","
			       "\"fd\":%d,\"events\":[%s],\"data\":\"0x%x\",\"ret\":0",
			       ep, ops[op], fd, sc_events_json(events), fd);
	r = sc_reg_of(ep, fd);
	if (op == EPOLL_CTL_DEL && r)
		*r = sc.regs[--sc.nregs];
	else if (op == EPOLL_CTL_ADD && !r && sc.nregs < 64)
		sc.regs[sc.nregs++] = (struct sc_reg){ ep, fd, NULL };
}

static inline void sc_add(int ep, int fd, unsigned int events)
{
	sc_ctl(ep, EPOLL_CTL_ADD, fd, events);
}

/* A registered fd the program closes: its registration goes with it. */
static inline void sc_forget(int ep, int fd)
{
	struct sc_reg *r = sc_reg_of(ep, fd);

	if (r)
		*r = sc.regs[--sc.nregs];
}

/* Is thread tid of this process asleep in an epoll wait? */
static inline bool sc_in_epoll_wait(pid_t tid)
{
	char path[64], line[128], *end;
	long nr = -1;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/self/task/%d/syscall", tid);
	f = fopen(path, "re");
	if (!f)
		return false;
	if (fgets(line, sizeof(line), f)) {
		nr = strtol(line, &end, 10);
		if (end == line)
			nr = -1;	/* "running" */
	}
	fclose(f);
	/* arm64 has no epoll_wait: libc's goes through epoll_pwait. */
	return nr == SYS_epoll_pwait
#ifdef SYS_epoll_wait
	       || nr == SYS_epoll_wait
#endif
#ifdef SYS_epoll_pwait2
	       || nr == SYS_epoll_pwait2
#endif
	       ;
}

/* The helper thread: PATH.ready once the sleeper sleeps in epoll_wait,
 * then its job (arg: void (*)(void), or NULL). */
static void *sc_helper(void *arg)
{
	void (*then)(void) = (void (*)(void))arg;
	int i;

	for (i = 0; i < 30000 && !sc_in_epoll_wait(sc.sleeper); i++)
		usleep(1000);
	errno = 0;
	if (i == 30000)
		die("thread %d never slept in epoll_wait", sc.sleeper);
	__atomic_store_n(&sc.asleep_us, sc_now_us(), __ATOMIC_RELEASE);
	wl_sync_ready();
	__atomic_store_n(&sc.ready_ms, wl_now_ms(), __ATOMIC_RELEASE);
	if (then)
		then();
	return NULL;
}

/* The helper for the calling thread's next sleep in epoll_wait. */
static inline void sc_start_helper(void (*then)(void))
{
	sc.sleeper = gettid();
	if (pthread_create(&sc.helper, NULL, sc_helper, (void *)then))
		die("pthread_create");
	sc.has_helper = true;
}

static inline void sc_join_helper(void)
{
	if (sc.has_helper && pthread_join(sc.helper, NULL))
		die("pthread_join");
	sc.has_helper = false;
}

/* What --sets must show of every registration ("# sets" lines). */
static inline void sc_print_sets(void)
{
	for (int i = 0; i < sc.nregs; i++) {
		printf("# sets {\"pid\":%d,\"event\":\"set_item\",\"epfd\":%d,\"fd\":%d,\"verdict\":",
		       getpid(), sc.regs[i].ep, sc.regs[i].fd);
		if (sc.regs[i].verdict && strcmp(sc.regs[i].verdict, "held_back"))
			printf("\"%s\",\"thread\":%d}\n", sc.regs[i].verdict, sc.sleeper);
		else if (sc.regs[i].verdict)
			printf("\"%s\"}\n", sc.regs[i].verdict);
		else
			printf("null}\n");
	}
	fflush(stdout);
}

/* The attach point of the hung modes: from here on the records count;
 * the helper writes PATH.ready once the calling thread sleeps in
 * epoll_wait, then does `then`. */
static inline void sc_attach_point(void (*then)(void))
{
	printf("# sync\n");
	fflush(stdout);
	sc.synced = true;
	if (sc.stuck[0] && sc_mode() == SC_HUNG)
		expect("%s", sc.stuck);
	sc.sleeper = gettid();
	sc_print_sets();
	sc_start_helper(then);
}

/* during: the helper's job once the sleeper sleeps.  The sleeper is
 * pinned to its CPU and the helper fires the trigger there at real-time
 * priority, so the sleeper, woken by the trigger's first unit, cannot run
 * and collect its events before the helper is done or sleeps.  (It may
 * have to sleep: where the kernel defers the network's softirq work to
 * ksoftirqd, as under load, a later unit is delivered only then, and may
 * come as an edge of its own.  A trigger of several units therefore sends
 * one more than the bug needs, and the program handles every report of
 * the fd the buggy way: see sc_on_report().) */
static void sc_fire_after_go(void)
{
	struct sched_param sp = { .sched_priority = 1 };

	sc_await_go();
	if (sched_setscheduler(0, SCHED_FIFO, &sp))
		fprintf(stderr, "%s: no SCHED_FIFO for the trigger (%s): it may race the sleeper\n",
			program_invocation_short_name, strerror(errno));
	sc.trigger();
}

/* Pin the calling thread (and the threads it makes from now on) to the
 * CPU it runs on. */
static inline void sc_pin_here(void)
{
	cpu_set_t set;
	int cpu = sched_getcpu();

	CPU_ZERO(&set);
	CPU_SET(cpu < 0 ? 0 : cpu, &set);
	if (sched_setaffinity(0, sizeof(set), &set))
		die("sched_setaffinity");
}

/* The bug's trigger (a write, a connect...): now, or in during mode by
 * the helper thread while the next wait, entered before the attach,
 * sleeps. */
static inline void sc_trigger(void (*fire)(void))
{
	if (sc_mode() == SC_DURING)
		sc.trigger = fire;
	else
		fire();
}

/* ",\"duration_us\":{...}": the measured duration, give or take; or,
 * for a wait entered before the attach, its entry said to be unknown
 * (where the thread's state does not tell it). */
static inline const char *sc_duration_range_json(long long least_us, long long us, char *buf,
						 size_t len)
{
	long long slack = SC_CLOCK_SLACK_MS * 1000LL + us * SC_CLOCK_SLACK_PCT / 100;
	long long lo = least_us - slack;

	/* A wait in progress at the attach is as long as its thread slept by
	 * the scheduler's task clock, which does not count the time its CPU
	 * lost to interrupts or to the hypervisor (a VM on a busy host):
	 * up to a quarter short. */
	long long short_lo = least_us * 3 / 4 - slack;

	snprintf(buf, len, ",\"$any_of\":[{\"duration_us\":{\"$ge\":%lld,\"$le\":%lld}},"
		 "{\"before_attach\":true,\"entry_unknown\":true},"
		 "{\"before_attach\":true,\"duration_us\":{\"$ge\":%lld,\"$le\":%lld}}]",
		 lo < 0 ? 0 : lo, us + slack, short_lo < 0 ? 0 : short_lo, us + slack);
	return buf;
}

static inline const char *sc_duration_json(long long us, char *buf, size_t len)
{
	return sc_duration_range_json(us, us, buf, len);
}

/* epoll_wait that must return exactly the fds in want[0..nwant) (in that
 * order, each with EPOLLIN unless `mask` says otherwise); prints the
 * record.  Returns how many came back.  In during mode, the wait the
 * pending trigger ends: no timeout, entered before the attach. */
static inline int sc_wait_mask(int ep, int timeout, const int *want, int nwant,
			       unsigned int mask)
{
	struct epoll_event ev[16];
	char ready[2048], extra[320] = "";
	bool before_attach = sc.trigger != NULL;
	size_t len = 0;
	long long t0;
	int n;

	if (before_attach) {
		sc_pin_here();
		printf("# sync\n");
		fflush(stdout);
		sc.synced = true;
		sc_start_helper(sc_fire_after_go);
		timeout = -1;
	}
	t0 = sc_now_us();
	n = epoll_wait(ep, ev, 16, timeout);
	/* In the attach modes a wait's duration is held to the workload's
	 * own measure: the one in progress at the attach too. */
	if (sc_mode() != SC_BEFORE) {
		char dur[256];

		long long end = sc_now_us(), asleep = __atomic_load_n(&sc.asleep_us, __ATOMIC_ACQUIRE);

		/* Entered before the attach, its duration is how long the
		 * thread slept (its entry is not known): from some time after
		 * t0 (on a busy machine the thread may be preempted before it
		 * sleeps, and /proc shows it in the call then too: the helper
		 * may see it there before it sleeps). */
		long long least = before_attach && asleep > t0 ?
				  end - asleep - SC_PREEMPT_SLACK_MS * 1000LL : end - t0;

		/* A wait that timed out slept its timeout in the kernel; the
		 * program's own measure adds any time it was preempted after
		 * the return (a busy VM: 439 ms for a 400 ms wait). */
		if (n == 0 && timeout > 0 && least > timeout * 1000LL)
			least = timeout * 1000LL;

		snprintf(extra, sizeof(extra), "%s%s", before_attach ? ",\"before_attach\":true" : "",
			 sc_duration_range_json(least, end - t0, dur, sizeof(dur)));
	}
	if (before_attach) {
		sc_join_helper();
		sc.trigger = NULL;
	}
	if (n != nwant) {
		errno = 0;
		die("epoll_wait(%d, timeout %d) = %d, wanted %d", ep, timeout, n, nwant);
	}
	ready[0] = 0;
	for (int i = 0; i < n; i++) {
		int fd = (int)ev[i].data.u64;

		if (fd != want[i] || ev[i].events != mask) {
			errno = 0;
			die("epoll_wait(%d): event %d is fd %d mask %#x, wanted fd %d mask %#x",
			    ep, i, fd, ev[i].events, want[i], mask);
		}
		len += snprintf(ready + len, sizeof(ready) - len,
				"%s{\"fd\":%d,\"events\":[%s],\"data\":\"0x%x\"}",
				i ? "," : "", fd, sc_events_json(ev[i].events), fd);
	}
	flockfile(stdout);
	sc_expect_call(sc_optional(sc_go_seen()), "\"event\":\"epoll_wait\",\"epfd\":%d,"
		       "\"timeout_ms\":%d,\"ret\":%d,\"ready\":[%s]%s", ep, timeout, n, ready, extra);
	funlockfile(stdout);
	return n;
}

static inline void sc_wait_one(int ep, int timeout, int fd)
{
	sc_wait_mask(ep, timeout, &fd, 1, EPOLLIN);
}

static inline void sc_wait_none(int ep, int timeout)
{
	sc_wait_mask(ep, timeout, NULL, 0, 0);
}

/* epoll_wait whose result the program takes as it comes (a live
 * stream): prints the record of what it returned; ev must hold 16. */
static inline int sc_wait_any(int ep, int timeout, struct epoll_event *ev)
{
	char ready[2048], dur[256] = "";
	size_t len = 0;
	long long t0 = sc_now_us();
	int n = epoll_wait(ep, ev, 16, timeout);

	if (n < 0)
		die("epoll_wait(%d)", ep);
	if (sc_mode() != SC_BEFORE)
		sc_duration_json(sc_now_us() - t0, dur, sizeof(dur));
	ready[0] = 0;
	for (int i = 0; i < n; i++)
		len += snprintf(ready + len, sizeof(ready) - len,
				"%s{\"fd\":%d,\"events\":[%s],\"data\":\"0x%x\"}", i ? "," : "",
				(int)ev[i].data.u64, sc_events_json(ev[i].events), (int)ev[i].data.u64);
	flockfile(stdout);
	sc_expect_call(sc_optional(sc_go_seen()), "\"event\":\"epoll_wait\",\"epfd\":%d,"
		       "\"timeout_ms\":%d,\"ret\":%d,\"ready\":[%s]%s", ep, timeout, n, ready, dur);
	funlockfile(stdout);
	return n;
}

/* Asleep in epoll_wait on the set for `ms`, in SC_TICK_MS slices,
 * nothing reported. */
static inline void sc_stall_for(int ep, long ms)
{
	for (; ms > 0; ms -= SC_TICK_MS)
		sc_wait_none(ep, ms < SC_TICK_MS ? (int)ms : SC_TICK_MS);
}

/* What the program leaves stuck: the warning epolltrace must give, kind
 * on fd of set ep, with the amount left (left >= 0: "_left") and how much
 * of what a socket held at its last edge the program took (read >= 0:
 * "_read", unknown to a tracer attached after that edge).  The item is
 * marked in --sets in the hung modes. */
static inline void sc_expect_stuck(const char *kind, int ep, int fd, long left, long read)
{
	long confirm = sc_env_ms("WL_CONFIRM_MS", 500);
	long slack = sc_env_ms("WL_ATTACH_SLACK_MS", SC_ATTACH_SLACK_MS);
	bool oneshot = !strcmp(kind, "oneshot_not_rearmed");
	char facts[128] = "";
	struct sc_reg *r = sc_reg_of(ep, fd);
	size_t n = 0;

	if (left >= 0)
		n += snprintf(facts + n, sizeof(facts) - n, ",\"_left\":%ld", left);
	if (read >= 0 && (sc_mode() == SC_BEFORE || sc_mode() == SC_DURING))
		n += snprintf(facts + n, sizeof(facts) - n, ",\"_read\":%ld", read);
	if (r)
		r->verdict = oneshot ? "oneshot_stuck" : "stuck";
	switch (sc_mode()) {
	case SC_BEFORE:
		expect("\"event\":\"warning\",\"kind\":\"%s\",\"epfd\":%d,\"fd\":%d%s",
		       kind, ep, fd, facts);
		break;
	case SC_DURING:
		/* Counted from the delivery of the wait entered before the
		 * attach: --stall, then the window, at least. */
		expect("\"event\":\"warning\",\"kind\":\"%s\",\"epfd\":%d,\"fd\":%d%s,"
		       "\"evidence\":{\"found_at_attach\":false},\"since_delivery_ms\":{\"$ge\":%ld}",
		       kind, ep, fd, facts, SC_ET_STALL_MS + confirm);
		break;
	case SC_HUNG:
	case SC_FOREVER:
		/* Said at the attach point (forever: with how long it slept). */
		snprintf(sc.stuck, sizeof(sc.stuck), "\"event\":\"warning\",\"kind\":\"%s\","
			 "\"epfd\":%d,\"fd\":%d%s,\"_by_ms\":%ld,\"evidence\":{\"found_at_attach\":true,"
			 "\"blocked_tid\":%d", kind, ep, fd, facts, confirm + slack, gettid());
		if (sc_mode() == SC_HUNG)
			strncat(sc.stuck, "}", sizeof(sc.stuck) - strlen(sc.stuck) - 1);
		break;
	case SC_BUSY:
		/* Stuck as in hung; what the evidence says is free (the thread
		 * was not asleep in epoll_wait at the attach). */
		snprintf(sc.stuck, sizeof(sc.stuck), "\"event\":\"warning\",\"kind\":\"%s\","
			 "\"epfd\":%d,\"fd\":%d%s,\"_by_ms\":%ld", kind, ep, fd, facts,
			 confirm + slack);
		break;
	}
}

/* Compatibility: a warning given the same in every mode. */
static inline void sc_expect_warning(const char *kind, int ep, int fd)
{
	expect("\"event\":\"warning\",\"kind\":\"%s\",\"epfd\":%d,\"fd\":%d",
	       kind, ep, fd);
}

/* hung: the stall loop goes on until go and sc_stuck_ms() after it. */
static inline void sc_stall_hung(int ep)
{
	long start = wl_now_ms();

	sc_attach_point(NULL);
	for (;;) {
		sc_wait_none(ep, SC_TICK_MS);
		if (sc_after_go_ms() >= sc_stuck_ms())
			break;
		errno = 0;
		if (!sc_go_seen() && wl_now_ms() - start > sc_go_wait_ms())
			die("no go from the test in %ld s", sc_go_wait_ms() / 1000);
	}
	sc_join_helper();
}

/* busy: at the attach point the thread works, off epoll_wait, until go,
 * then sleeps in its loop of waits as in hung. */
static inline void sc_stall_busy(int ep)
{
	long start = wl_now_ms();
	volatile unsigned long spins = 0;

	printf("# sync\n");
	fflush(stdout);
	sc.synced = true;
	if (sc.stuck[0])
		expect("%s", sc.stuck);
	wl_sync_ready();
	__atomic_store_n(&sc.ready_ms, wl_now_ms(), __ATOMIC_RELEASE);
	while (!sc_go_seen()) {
		for (int i = 0; i < 100000; i++)
			spins++;
		errno = 0;
		if (wl_now_ms() - start > sc_go_wait_ms())
			die("no go from the test in %ld s", sc_go_wait_ms() / 1000);
	}
	while (sc_after_go_ms() < sc_stuck_ms())
		sc_wait_none(ep, SC_TICK_MS);
}

/* forever: the helper's job, sc_stuck_ms() after go: end the sleep. */
static void sc_quit_after_stall(void)
{
	uint64_t one = 1;

	sc_await_go();
	msleep(sc_stuck_ms());
	if (write(sc.quit, &one, sizeof(one)) != sizeof(one))
		die("write to the quit eventfd");
}

/* forever: asleep in one wait without a timeout until the helper ends it. */
static inline void sc_stall_forever(int ep)
{
	struct epoll_event ev[16];
	long long t0, us;
	long entered, ready, go;
	char dur[256];
	int n;

	sc.quit = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	if (sc.quit < 0)
		die("eventfd");
	sc_add(ep, sc.quit, EPOLLIN);
	sc_attach_point(sc_quit_after_stall);
	entered = wl_now_ms();
	t0 = sc_now_us();
	n = epoll_wait(ep, ev, 16, -1);
	us = sc_now_us() - t0;
	sc_join_helper();
	errno = 0;
	if (n != 1 || (int)ev[0].data.u64 != sc.quit)
		die("the endless wait returned %d events, not the quit eventfd", n);
	expect("\"event\":\"epoll_wait\",\"epfd\":%d,\"timeout_ms\":-1,\"ret\":1,"
	       "\"ready\":[{\"fd\":%d,\"events\":[\"EPOLLIN\"],\"data\":\"0x%x\"}],"
	       "\"before_attach\":true%s", ep, sc.quit, sc.quit,
	       sc_duration_json(us, dur, sizeof(dur)));
	/* The attach came between PATH.ready and go: so long had it slept. */
	ready = __atomic_load_n(&sc.ready_ms, __ATOMIC_ACQUIRE);
	go = __atomic_load_n(&sc.go_ms, __ATOMIC_ACQUIRE);
	if (sc.stuck[0])
		expect("%s,\"blocked_ms\":{\"$or\":[{\"$ge\":%ld,\"$le\":%ld},null]}}", sc.stuck,
		       (ready - entered) * (100 - SC_CLOCK_SLACK_PCT) / 100 - SC_CLOCK_SLACK_MS,
		       (go - entered) * (100 + SC_CLOCK_SLACK_PCT) / 100 + SC_CLOCK_SLACK_MS);
}

/* A correct program's attach point in hung mode, in the middle of its
 * work (the sync point of the other modes is sc_sync()): "# sync", and
 * PATH.ready once the calling thread sleeps in epoll_wait.  Its loop
 * goes on meanwhile, and uses sc_after_go_ms() to time what it does
 * after the attach. */
static inline void sc_midflight(void)
{
	if (sc_mode() == SC_HUNG)
		sc_attach_point(NULL);
}

/* What --sets must mark a registration with, at the attach point, where
 * the program is not stuck (sc_expect_stuck() marks the stuck ones):
 * "held_back", or "stuck" for an item a correct program leaves readable
 * on purpose (its own ready queue), which --sets cannot tell. */
static inline void sc_expect_sets_mark(int ep, int fd, const char *verdict)
{
	struct sc_reg *r = sc_reg_of(ep, fd);

	if (r)
		r->verdict = verdict;
}

/* during: a trigger of several units (datagrams, connections) may reach
 * the sleeper as more than one edge, if the kernel delivers a unit after
 * the sleeper collected the first.  Its stall then hands each report of
 * fd to report(), which handles it as the bug does (one recv, one
 * accept), and sends one unit more than the bug needs, so that one is
 * left whatever the split; report() dies if none is. */
static inline void sc_on_report(int fd, void (*report)(void))
{
	sc.report_fd = fd;
	sc.report = report;
}

/* during: asleep in epoll_wait, in ticks, until sc_stuck_ms() after the
 * last report of the trigger's fd (sc_on_report()); what each wait
 * returned is printed as it came. */
static inline void sc_stall_during(int ep)
{
	struct epoll_event ev[16];
	long last = wl_now_ms();

	while (wl_now_ms() - last < sc_stuck_ms()) {
		int n = sc_wait_any(ep, SC_TICK_MS, ev);

		errno = 0;
		if (n == 1 && sc.report && (int)ev[0].data.u64 == sc.report_fd) {
			sc.report();
			last = wl_now_ms();
		} else if (n) {
			die("epoll_wait(%d) = %d in the stall (fd %d)", ep, n, (int)ev[0].data.u64);
		}
	}
}

/* The scenario's end: asleep in epoll_wait on the set, nothing reported
 * (hung, forever: the attach point). */
static inline void sc_stall(int ep)
{
	if (sc_mode() == SC_HUNG)
		sc_stall_hung(ep);
	else if (sc_mode() == SC_BUSY)
		sc_stall_busy(ep);
	else if (sc_mode() == SC_FOREVER)
		sc_stall_forever(ep);
	else if (sc_mode() == SC_DURING)
		sc_stall_during(ep);
	else
		sc_stall_for(ep, SC_STALL_MS);
}

static inline void sc_nonblock(int fd)
{
	if (fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK))
		die("fcntl O_NONBLOCK");
}

static inline void sc_write(int fd, size_t len)
{
	char buf[4096];

	memset(buf, 'x', sizeof(buf));
	if (len > sizeof(buf) || write(fd, buf, len) != (ssize_t)len)
		die("write %zu bytes to %d", len, fd);
}

/* Read exactly len bytes, one call. */
static inline void sc_read(int fd, size_t len)
{
	char buf[4096];
	ssize_t n = read(fd, buf, len);

	if (n != (ssize_t)len)
		die("read(%d, %zu) = %zd", fd, len, n);
}

/* Read until EAGAIN, `chunk` bytes at a time; returns the bytes read. */
static inline size_t sc_drain(int fd, size_t chunk)
{
	char buf[4096];
	size_t total = 0;
	ssize_t n;

	while ((n = read(fd, buf, chunk)) > 0)
		total += n;
	if (n == 0 || errno != EAGAIN)
		die("drain %d: read = %zd", fd, n);
	return total;
}

/* A listening TCP socket on 127.0.0.1, ephemeral port. */
static inline int sc_listen(struct sockaddr_in *addr)
{
	socklen_t len = sizeof(*addr);
	int fd = socket(AF_INET, SOCK_STREAM, 0);

	memset(addr, 0, sizeof(*addr));
	addr->sin_family = AF_INET;
	addr->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (fd < 0 || bind(fd, (struct sockaddr *)addr, sizeof(*addr)) ||
	    listen(fd, 16) || getsockname(fd, (struct sockaddr *)addr, &len))
		die("listen on 127.0.0.1");
	return fd;
}

static inline int sc_connect(const struct sockaddr_in *addr)
{
	int fd = socket(AF_INET, SOCK_STREAM, 0);

	if (fd < 0 || connect(fd, (const struct sockaddr *)addr, sizeof(*addr)))
		die("connect");
	return fd;
}

/* A connected TCP pair over loopback: *served is the accepted end
 * (non-blocking), *peer the connecting end. */
static inline void sc_tcp_pair(int *served, int *peer)
{
	struct sockaddr_in addr;
	int lfd = sc_listen(&addr);

	*peer = sc_connect(&addr);
	*served = accept4(lfd, NULL, NULL, SOCK_NONBLOCK);
	if (*served < 0)
		die("accept");
	close(lfd);
}

/* Loopback delivery normally completes inside the sender's call, but a
 * busy machine may defer it to ksoftirqd; a scenario whose wakeups must
 * all come before its first epoll_wait waits for them with these.  The
 * extra 10 ms covers the epoll callback that follows the queueing. */

/* Until a listening socket has n connections to accept (for a listener,
 * TCP_INFO's tcpi_unacked is the accept queue length). */
static inline void sc_await_backlog(int lfd, unsigned int n)
{
	for (int i = 0; i < 2000; i++) {
		struct tcp_info ti;
		socklen_t len = sizeof(ti);

		if (getsockopt(lfd, IPPROTO_TCP, TCP_INFO, &ti, &len))
			die("TCP_INFO");
		if (ti.tcpi_unacked >= n) {
			msleep(10);
			return;
		}
		msleep(1);
	}
	errno = 0;
	die("%u connections never reached the accept queue", n);
}

/* The receive memory a socket holds (grows with each queued datagram). */
static inline unsigned int sc_rmem(int fd)
{
	unsigned int mi[SK_MEMINFO_VARS];
	socklen_t len = sizeof(mi);

	if (getsockopt(fd, SOL_SOCKET, SO_MEMINFO, mi, &len))
		die("SO_MEMINFO");
	return mi[SK_MEMINFO_RMEM_ALLOC];
}

/* Until the socket's receive memory exceeds `was`; returns the new value. */
static inline unsigned int sc_await_rmem_above(int fd, unsigned int was)
{
	for (int i = 0; i < 2000; i++) {
		unsigned int now = sc_rmem(fd);

		if (now > was) {
			msleep(10);
			return now;
		}
		msleep(1);
	}
	errno = 0;
	die("no data reached socket %d", fd);
	return 0;
}

static inline void sc_pipe(int p[2])
{
	if (pipe2(p, O_NONBLOCK))
		die("pipe2");
}

#endif
