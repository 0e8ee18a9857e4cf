/* --sets -a, --sets --cgroup PATH, --sets --comm NAME: a census of the
 * epoll sets of a target's processes, read from /proc (no BPF): each
 * process's sets and their sizes, its fired-and-disarmed ONESHOT items and
 * stale registrations; then the biggest sets, and per user the watches
 * held against fs.epoll.max_user_watches with the biggest holders. */
#ifndef CENSUS_H
#define CENSUS_H

struct renderer;
struct target;

/* 0, or 1 when /proc cannot be read.  Processes that vanish during the
 * scan, or whose fds may not be read, are counted and said once. */
int census_main(const struct target *t, struct renderer *out);
#endif
