/* SPDX-License-Identifier: Apache-2.0 */
/* failfs.c: an LD_PRELOAD shim for the disk-full and I/O-error trials
 * (tests/integration/diskfull.test.mjs, issue 15): while the file named by
 * FAILFS_CTL exists, every write, pwrite, writev, fsync and fdatasync on a
 * regular file whose path starts with FAILFS_PREFIX (the database and its
 * -wal, -shm, -journal files) fails with the errno the file holds: "EIO",
 * else ENOSPC. Everything else (sockets, the log, other files) passes
 * through. Without FAILFS_CTL it changes nothing. Test code only: never in
 * the daemon. */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <unistd.h>

/* The errno to fail fd's write with, or 0. */
static int failing(int fd)
{
	const char *ctl = getenv("FAILFS_CTL"), *prefix = getenv("FAILFS_PREFIX");
	if (!ctl || !prefix || !*prefix)
		return 0;
	struct stat st;
	if (stat(ctl, &st) != 0 || fstat(fd, &st) != 0 || !S_ISREG(st.st_mode))
		return 0;
	char link[64], path[PATH_MAX];
	snprintf(link, sizeof link, "/proc/self/fd/%d", fd);
	ssize_t n = readlink(link, path, sizeof path - 1);
	if (n <= 0)
		return 0;
	path[n] = '\0';
	if (strncmp(path, prefix, strlen(prefix)) != 0)
		return 0;
	char what[8] = "";
	int c = open(ctl, O_RDONLY | O_CLOEXEC);
	if (c >= 0) {
		ssize_t k = read(c, what, sizeof what - 1);
		what[k > 0 ? k : 0] = '\0';
		close(c);
	}
	return strncmp(what, "EIO", 3) == 0 ? EIO : ENOSPC;
}

#define NEXT(name) ((__typeof__(&name))dlsym(RTLD_NEXT, #name))

ssize_t write(int fd, const void *b, size_t n)
{
	int e = failing(fd);
	if (e) {
		errno = e;
		return -1;
	}
	return NEXT(write)(fd, b, n);
}

ssize_t pwrite(int fd, const void *b, size_t n, off_t off)
{
	int e = failing(fd);
	if (e) {
		errno = e;
		return -1;
	}
	return NEXT(pwrite)(fd, b, n, off);
}

ssize_t pwrite64(int fd, const void *b, size_t n, off64_t off)
{
	int e = failing(fd);
	if (e) {
		errno = e;
		return -1;
	}
	return NEXT(pwrite64)(fd, b, n, off);
}

ssize_t writev(int fd, const struct iovec *v, int n)
{
	int e = failing(fd);
	if (e) {
		errno = e;
		return -1;
	}
	return NEXT(writev)(fd, v, n);
}

int fsync(int fd)
{
	int e = failing(fd);
	if (e) {
		errno = e;
		return -1;
	}
	return NEXT(fsync)(fd);
}

int fdatasync(int fd)
{
	int e = failing(fd);
	if (e) {
		errno = e;
		return -1;
	}
	return NEXT(fdatasync)(fd);
}
