/* capture.c - a command in the background, its output captured, polled */
#include <sys/wait.h>

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "remote.h"

#define CAPTURE_MAX	(1 << 20)	/* bytes kept of each stream, by default */

static void
closefd(int *fd)
{
	if (*fd >= 0)
		close(*fd);
	*fd = -1;
}

void
dm_capture_init(struct dm_capture *c)
{
	memset(c, 0, sizeof *c);
	c->fin = c->fout = c->ferr = -1;
	c->max = CAPTURE_MAX;
	dm_buf_init(&c->out);
	dm_buf_init(&c->err);
}

int
dm_capture_start(struct dm_capture *c, char *const argv[], const char *in,
    size_t inlen, int timeout_ms)
{
	int pin[2] = { -1, -1 }, pout[2] = { -1, -1 }, perr[2] = { -1, -1 };
	int e, fd;
	pid_t pid;

	dm_capture_stop(c);
	dm_buf_reset(&c->out);
	dm_buf_reset(&c->err);
	if (pipe2(pout, O_CLOEXEC) < 0 || pipe2(perr, O_CLOEXEC) < 0 ||
	    (in && pipe2(pin, O_CLOEXEC) < 0))
		goto fail;
	if ((pid = fork()) < 0)
		goto fail;
	if (pid == 0) {
		signal(SIGPIPE, SIG_DFL);
		signal(SIGINT, SIG_DFL);
		signal(SIGTERM, SIG_DFL);
		signal(SIGCHLD, SIG_DFL);
		setpgid(0, 0);
		if (in)
			dup2(pin[0], 0);
		else if ((fd = open("/dev/null", O_RDONLY)) >= 0)
			dup2(fd, 0);
		dup2(pout[1], 1);
		dup2(perr[1], 2);
		closefrom(3);
		execvp(argv[0], argv);
		dprintf(2, "%s: %s\n", argv[0], strerror(errno));
		_exit(127);
	}
	/* in its own group before anyone signals the group */
	setpgid(pid, pid);
	close(pout[1]);
	close(perr[1]);
	c->pid = pid;
	c->fout = pout[0];
	c->ferr = perr[0];
	c->fin = -1;
	if (in) {
		close(pin[0]);
		c->fin = pin[1];
		if (inlen == 0)
			closefd(&c->fin);
	}
	for (fd = 0; fd < 3; fd++) {
		int f = fd == 0 ? c->fin : fd == 1 ? c->fout : c->ferr;

		if (f >= 0)
			fcntl(f, F_SETFL, O_NONBLOCK);
	}
	c->in = in;
	c->inlen = inlen;
	c->off = 0;
	c->deadline = timeout_ms > 0 ? dm_now() + timeout_ms / 1000.0 : 0;
	c->killed = 0;
	c->wstatus = 0;
	return 0;
fail:
	e = errno;
	closefd(&pin[0]), closefd(&pin[1]);
	closefd(&pout[0]), closefd(&pout[1]);
	closefd(&perr[0]), closefd(&perr[1]);
	errno = e;
	return -1;
}

/* Reads fd until it would block; EOF or an error closes it. */
static void
drain(int *fd, struct dm_buf *b, size_t max)
{
	char chunk[16384];
	ssize_t r;

	while (*fd >= 0) {
		r = read(*fd, chunk, sizeof chunk);
		if (r > 0) {
			if (b->len < max)
				dm_buf_add(b, chunk, (size_t)r);
			continue;
		}
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0 && errno == EAGAIN)
			return;
		closefd(fd);
	}
}

/* Moves what can be moved without waiting. */
static void
pump(struct dm_capture *c)
{
	ssize_t r;

	while (c->fin >= 0) {
		r = write(c->fin, c->in + c->off, c->inlen - c->off);
		if (r > 0) {
			c->off += (size_t)r;
			if (c->off < c->inlen)
				continue;
		} else if (r < 0 && errno == EINTR)
			continue;
		else if (r < 0 && errno == EAGAIN)
			break;
		/* all written, or the reader is gone */
		closefd(&c->fin);
	}
	drain(&c->fout, &c->out, c->max);
	drain(&c->ferr, &c->err, c->max);
}

int
dm_capture_poll(struct dm_capture *c)
{
	pid_t p;

	if (c->pid <= 0)
		return 1;
	pump(c);
	p = waitpid(c->pid, &c->wstatus, WNOHANG);
	if (p == 0 || (p < 0 && errno == EINTR)) {
		if (!c->killed && c->deadline > 0 && dm_now() > c->deadline) {
			kill(-c->pid, SIGKILL);
			c->killed = 1;
		}
		return 0;
	}
	if (p < 0)
		c->wstatus = 255 << 8;
	c->pid = 0;
	/* what it wrote before it ended; not what a leftover of its group
	 * might write later */
	pump(c);
	closefd(&c->fin);
	closefd(&c->fout);
	closefd(&c->ferr);
	return 1;
}

int
dm_capture_wait(struct dm_capture *c)
{
	int sig0 = dm_interrupted != 0;
	struct pollfd pfd[3];
	nfds_t n;

	while (dm_capture_poll(c) == 0) {
		if (!sig0 && dm_interrupted && !c->killed) {
			kill(-c->pid, SIGKILL);
			c->killed = 1;
		}
		n = 0;
		if (c->fin >= 0) {
			pfd[n].fd = c->fin;
			pfd[n++].events = POLLOUT;
		}
		if (c->fout >= 0) {
			pfd[n].fd = c->fout;
			pfd[n++].events = POLLIN;
		}
		if (c->ferr >= 0) {
			pfd[n].fd = c->ferr;
			pfd[n++].events = POLLIN;
		}
		/* the child's end is seen within a tick */
		(void)poll(pfd, n, 50);
	}
	return c->wstatus;
}

void
dm_capture_stop(struct dm_capture *c)
{
	if (c->pid > 0) {
		kill(-c->pid, SIGKILL);
		c->killed = 1;
		while (waitpid(c->pid, &c->wstatus, 0) < 0 && errno == EINTR)
			;
		c->pid = 0;
	}
	closefd(&c->fin);
	closefd(&c->fout);
	closefd(&c->ferr);
}

void
dm_capture_free(struct dm_capture *c)
{
	dm_capture_stop(c);
	dm_buf_free(&c->out);
	dm_buf_free(&c->err);
}
