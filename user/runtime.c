#include <dirent.h>
#include <elf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "runtime.h"

/* The Go linker writes a .go.buildinfo section: a 32-byte header that
 * starts with this magic, then a pointer size and a flags byte; with
 * flag 2 (Go 1.18 and later) the version follows the header as a
 * varint-prefixed string. */
static const char go_magic[] = "\xff Go buildinf:";
#define GO_MAGIC_LEN	14
#define GO_HEADER_LEN	32
#define GO_FLAG_INLINE	0x2

static bool read_at(FILE *f, long off, void *buf, size_t n)
{
	return fseek(f, off, SEEK_SET) == 0 && fread(buf, 1, n, f) == n;
}

/* File offset and size of the section called `want` (64-bit ELF only). */
static bool elf_section(FILE *f, const char *want, long *off, size_t *size)
{
	Elf64_Ehdr eh;
	Elf64_Shdr sh, strtab;
	char name[32];

	if (!read_at(f, 0, &eh, sizeof(eh)) || memcmp(eh.e_ident, ELFMAG, SELFMAG) ||
	    eh.e_ident[EI_CLASS] != ELFCLASS64 || eh.e_shentsize != sizeof(sh) ||
	    eh.e_shstrndx >= eh.e_shnum)
		return false;
	if (!read_at(f, eh.e_shoff + (long)eh.e_shstrndx * sizeof(sh), &strtab, sizeof(strtab)))
		return false;
	for (int i = 0; i < eh.e_shnum; i++) {
		if (!read_at(f, eh.e_shoff + (long)i * sizeof(sh), &sh, sizeof(sh)) ||
		    sh.sh_name >= strtab.sh_size ||
		    !read_at(f, strtab.sh_offset + sh.sh_name, name, sizeof(name)))
			continue;
		name[sizeof(name) - 1] = 0;
		if (!strcmp(name, want) && sh.sh_type != SHT_NOBITS) {
			*off = sh.sh_offset;
			*size = sh.sh_size;
			return true;
		}
	}
	return false;
}

bool go_buildinfo_version(const char *path, char *version, size_t len)
{
	unsigned char hdr[GO_HEADER_LEN + 10 + 64];
	FILE *f = fopen(path, "re");
	size_t size, n, vlen = 0, have;
	unsigned int shift = 0, i;
	bool found = false;
	long off;

	version[0] = 0;
	if (!f)
		return false;
	if (!elf_section(f, ".go.buildinfo", &off, &size) || size < GO_HEADER_LEN)
		goto out;
	n = size < sizeof(hdr) ? size : sizeof(hdr);
	if (!read_at(f, off, hdr, n) || memcmp(hdr, go_magic, GO_MAGIC_LEN))
		goto out;
	found = true;
	if (!(hdr[GO_MAGIC_LEN + 1] & GO_FLAG_INLINE))
		goto out;	/* before Go 1.18: the version sits behind pointers */
	for (i = GO_HEADER_LEN; i < n && i < GO_HEADER_LEN + 10; i++) {
		vlen |= (size_t)(hdr[i] & 0x7f) << shift;
		shift += 7;
		if (!(hdr[i] & 0x80))
			break;
	}
	i++;
	have = n > i ? n - i : 0;
	if (vlen > have)
		vlen = have;
	if (vlen >= len)
		vlen = len - 1;
	/* Only the plain characters of a version ("go1.19.8"). */
	for (size_t k = 0; k < vlen; k++)
		if (hdr[i + k] < 0x21 || hdr[i + k] > 0x7e)
			vlen = k;
	memcpy(version, hdr + i, vlen);
	version[vlen] = 0;
out:
	fclose(f);
	return found;
}

/* tokio names its worker threads "tokio-runtime-worker" (cut to 15
 * characters in comm). */
static bool has_tokio_threads(uint32_t pid)
{
	char path[64], comm[32];
	struct dirent *de;
	bool found = false;
	DIR *d;

	snprintf(path, sizeof(path), "/proc/%u/task", pid);
	d = opendir(path);
	if (!d)
		return false;
	while (!found && (de = readdir(d))) {
		FILE *f;

		if (de->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "/proc/%u/task/%.16s/comm", pid, de->d_name);
		f = fopen(path, "re");
		if (!f)
			continue;
		if (fgets(comm, sizeof(comm), f) && !strncmp(comm, "tokio-runtime-w", 15))
			found = true;
		fclose(f);
	}
	closedir(d);
	return found;
}

/* Netty's native transport is a shared library it maps. */
static bool maps_library(uint32_t pid, const char *needle)
{
	char path[64], line[512];
	bool found = false;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%u/maps", pid);
	f = fopen(path, "re");
	if (!f)
		return false;
	while (!found && fgets(line, sizeof(line), f))
		found = strstr(line, needle) != NULL;
	fclose(f);
	return found;
}

bool runtime_recognise(uint32_t pid, char *name, size_t len, const char **why)
{
	char path[64], version[32];

	snprintf(path, sizeof(path), "/proc/%u/exe", pid);
	if (go_buildinfo_version(path, version, sizeof(version))) {
		snprintf(name, len, "Go%s%s", version[0] ? " " : "", version);
		*why = "its executable's Go build info";
		return true;
	}
	if (has_tokio_threads(pid)) {
		snprintf(name, len, "tokio");
		*why = "its tokio-runtime-worker threads";
		return true;
	}
	if (maps_library(pid, "netty_transport_native_epoll")) {
		snprintf(name, len, "Netty");
		*why = "its mapped Netty native epoll transport";
		return true;
	}
	return false;
}
