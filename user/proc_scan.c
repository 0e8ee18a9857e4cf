#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "proc_scan.h"

int scan_one_set(uint32_t pid, int epfd, const struct scan_callbacks *cb)
{
	char path[64], line[256];
	struct scanned_item it;
	FILE *f;
	int n = 0;

	snprintf(path, sizeof(path), "/proc/%u/fdinfo/%d", pid, epfd);
	f = fopen(path, "r");
	if (!f)
		return -1;
	/* Large sets (100k items) make this file big: read it buffered. */
	setvbuf(f, NULL, _IOFBF, 1 << 16);
	while (fgets(line, sizeof(line), f)) {
		if (strncmp(line, "tfd:", 4))
			continue;
		it.ino = 0;
		if (sscanf(line, "tfd: %d events: %x data: %lx pos:%*d ino:%lx",
			   &it.tfd, &it.events, &it.data, &it.ino) < 3)
			continue;
		if (cb->on_item)
			cb->on_item(pid, epfd, &it, cb->arg);
		n++;
	}
	fclose(f);
	return n;
}

int scan_epoll_sets(uint32_t pid, const struct scan_callbacks *cb)
{
	char path[64], link[64], lpath[320];
	struct dirent *de;
	DIR *d;
	int found = 0;

	snprintf(path, sizeof(path), "/proc/%u/fd", pid);
	d = opendir(path);
	if (!d)
		return -1;
	while ((de = readdir(d))) {
		ssize_t n;
		int fd;

		if (de->d_name[0] == '.')
			continue;
		fd = atoi(de->d_name);
		snprintf(lpath, sizeof(lpath), "%s/%s", path, de->d_name);
		n = readlink(lpath, link, sizeof(link) - 1);
		if (n <= 0)
			continue;
		link[n] = 0;
		if (strcmp(link, "anon_inode:[eventpoll]"))
			continue;
		found++;
		if (cb->on_set)
			cb->on_set(pid, fd, cb->arg);
		scan_one_set(pid, fd, cb);
	}
	closedir(d);
	return found;
}
