/* dedup-inhash.c - dm-dedup sign's input: its size and XXH64, a pipe's
 * hashed as it is read */
#include <sys/mman.h>
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <string.h>
#include <unistd.h>

#include "deduprun.h"

/*
 * A pipe can be read once. Its bytes are hashed on their way to the
 * reader: a thread reads the pipe, adds each piece to an XXH64 state and
 * passes it on through a second pipe, now descriptor 0. The reader (and
 * libarchive, for compressed input) sees the bytes as they came, and
 * nothing is copied to a file.
 */
struct intap {
	pthread_t	 th;
	int		 on;		/* the thread runs */
	int		 from, to;	/* the piped input; the new pipe */
	struct dm_hash64_state *st;
	uint64_t	 size;
	int		 err;		/* errno of a failed read, or 0 */
};

static struct intap tap = { .from = -1, .to = -1 };

/* Adds what is read from fd to the hash until its end; the pieces go on
 * to to when it is not -1. */
static void
hashfd(struct intap *t, int fd, int to)
{
	char buf[65536];
	ssize_t n, w;
	size_t off;

	for (;;) {
		if ((n = read(fd, buf, sizeof buf)) < 0) {
			if (errno == EINTR)
				continue;
			t->err = errno;
			return;
		}
		if (n == 0)
			return;
		dm_hash64_add(t->st, buf, (size_t)n);
		t->size += (uint64_t)n;
		for (off = 0; to >= 0 && off < (size_t)n; off += (size_t)w)
			if ((w = write(to, buf + off, (size_t)n - off)) < 0) {
				if (errno != EINTR)
					return;		/* the reader is gone */
				w = 0;
			}
	}
}

static void *
relay(void *arg)
{
	struct intap *t = arg;

	hashfd(t, t->from, t->to);
	close(t->to);
	return NULL;
}

void
dm_dedup_inputid(struct dedup_run *r, const char *file)
{
	const char *name = file && strcmp(file, "-") != 0 ? file : "<stdin>";
	struct stat st;
	off_t at = 0;
	void *p;
	int fd = 0;

	if (name == file) {
		/* a named pipe, /dev/stdin, <(cmd): read once, into a copy
		 * in --tmp that is hashed, then read under its own name
		 * (r->spooled, for the reader's in.spooled) */
		r->spooled = dm_dedup_spool_pipes(r->tmpdir, 1,
		    (char **)&file);
		if (r->spooled[0] >= 0)
			fd = r->spooled[0];
		else if ((fd = open(file, O_RDONLY | O_CLOEXEC)) < 0)
			dm_die("%s: %s", file, strerror(errno));
	} else if ((at = lseek(0, 0, SEEK_CUR)) < 0) {
		if (errno != ESPIPE)
			dm_die("%s: %s", name, strerror(errno));
		r->inpipe = 1;
		return;
	}
	if (fstat(fd, &st) < 0)
		dm_die("%s: %s", name, strerror(errno));
	r->in[0] = st.st_size > at ? (uint64_t)(st.st_size - at) : 0;
	r->in[1] = dm_hash64("", 0);
	if (r->in[0] > 0) {
		if ((p = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE,
		    fd, 0)) == MAP_FAILED)
			dm_die("%s: %s", name, strerror(errno));
		r->in[1] = dm_hash64((char *)p + at, (size_t)r->in[0]);
		munmap(p, (size_t)st.st_size);
	}
	if (fd != 0 && (r->spooled == NULL || fd != r->spooled[0]))
		close(fd);
}

void
dm_dedup_inputtap(struct dedup_run *r)
{
	sigset_t all, old;
	int p[2], e;

	if (!r->inpipe || tap.on)
		return;
	if ((tap.from = fcntl(0, F_DUPFD_CLOEXEC, 3)) < 0 ||
	    pipe2(p, O_CLOEXEC) < 0 || dup2(p[0], 0) < 0)
		dm_die("<stdin>: %s", strerror(errno));
	close(p[0]);
	tap.to = p[1];
	tap.st = dm_hash64_new();
	/* signals go to the main thread, which reads on; the relay's write
	 * to a reader that is gone fails with EPIPE instead of SIGPIPE */
	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	e = pthread_create(&tap.th, NULL, relay, &tap);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (e != 0)
		dm_die("<stdin>: %s", strerror(e));
	tap.on = 1;
}

void
dm_dedup_inputend(struct dedup_run *r)
{
	if (!r->inpipe)
		return;
	if (tap.on) {
		pthread_join(tap.th, NULL);
		close(tap.from);
		tap.on = 0;
	} else {
		tap.st = dm_hash64_new();
		hashfd(&tap, 0, -1);
	}
	if (tap.err != 0)
		dm_die("<stdin>: %s", strerror(tap.err));
	r->in[0] = tap.size;
	r->in[1] = dm_hash64_end(tap.st);
	tap.st = NULL;
	r->inpipe = 0;
}
