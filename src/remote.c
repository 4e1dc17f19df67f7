/* remote.c - commands on ssh hosts: argv, job wrapper, probe, ship, kill */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <sys/wait.h>

#include <dirent.h>

#include "dm.h"
#include "remote.h"
#include "archives.h"

static void
vec_add(struct dm_ssh *ssh, char ***v, size_t *n, size_t *cap, const char *s)
{
	(void)ssh;
	if (*n + 2 > *cap) {
		*cap = *cap ? 2 * *cap : 16;
		*v = dm_xreallocarray(*v, *cap, sizeof **v);
	}
	(*v)[(*n)++] = dm_xstrdup(s);
	(*v)[*n] = NULL;
}

int
dm_ssh_init(struct dm_ssh *ssh, const char *cmd, struct dm_buf *err)
{
	const char *p, *tmp;
	size_t n = 0, cap = 0, len;
	char host[64];
	char *dir;

	memset(ssh, 0, sizeof *ssh);
	if (!cmd || !*cmd)
		cmd = getenv("DM_SSH");
	if (!cmd || !*cmd)
		cmd = "ssh";
	/* white space separates words; no quoting (documented) */
	for (p = cmd; *p;) {
		while (*p == ' ' || *p == '\t')
			p++;
		if (!*p)
			break;
		len = strcspn(p, " \t");
		{
			char *w = dm_xmalloc(len + 1);

			memcpy(w, p, len);
			w[len] = '\0';
			vec_add(ssh, &ssh->cmd, &n, &cap, w);
			free(w);
		}
		p += len;
	}
	if (n == 0) {
		dm_buf_adds(err, "--ssh: empty command");
		return -1;
	}
	/*
	 * Never a password or passphrase prompt (a cron job would hang). A
	 * host that stops answering is found by ssh's keepalives and a
	 * connect timeout, unless the command sets its own (an -o given
	 * first wins). One connection a host: a master (dm_ssh_master_start)
	 * whose socket the others go through. The sockets live in a private
	 * directory; the path of a unix socket is short (108 bytes), so
	 * $TMPDIR is used only when it is.
	 */
	vec_add(ssh, &ssh->cmd, &n, &cap, "-o");
	vec_add(ssh, &ssh->cmd, &n, &cap, "BatchMode=yes");
	{
		static const char *const dflt[][2] = {
			{ "serveraliveinterval", "ServerAliveInterval=" },
			{ "serveralivecountmax", "ServerAliveCountMax=" },
			{ "connecttimeout", "ConnectTimeout=" },
		};
		const int val[] = { DM_SSH_ALIVE_INTERVAL, DM_SSH_ALIVE_COUNT,
		    DM_SSH_CONNECT_TIMEOUT };
		char o[64];
		size_t i, k;

		for (k = 0; k < 3; k++) {
			for (i = 0; i < n; i++)
				if (strcasestr(ssh->cmd[i], dflt[k][0]))
					break;
			if (i < n)
				continue;
			snprintf(o, sizeof o, "%s%d", dflt[k][1], val[k]);
			vec_add(ssh, &ssh->cmd, &n, &cap, "-o");
			vec_add(ssh, &ssh->cmd, &n, &cap, o);
		}
	}
	tmp = getenv("TMPDIR");
	if (!tmp || !*tmp || strlen(tmp) > 40)
		tmp = "/tmp";
	dir = dm_xmalloc(strlen(tmp) + 32);
	sprintf(dir, "%s/dm-ssh.XXXXXX", tmp);
	if (!mkdtemp(dir)) {
		dm_buf_addf(err, "%s: %s", dir, strerror(errno));
		free(dir);
		return -1;
	}
	ssh->ctldir = dir;
	ssh->ncmd = n;
	if (gethostname(host, sizeof host) < 0)
		strcpy(host, "host");
	host[sizeof host - 1] = '\0';
	for (p = host; *p; p++)
		if (!(((*p | 32) >= 'a' && (*p | 32) <= 'z') ||
		    (*p >= '0' && *p <= '9') || *p == '-'))
			break;
	ssh->token = dm_xmalloc(128);
	snprintf(ssh->token, 128, "%.*s-%ld-%lld", (int)(p - host), host,
	    (long)getpid(), (long long)time(NULL));
	return 0;
}

/* "ControlPath=PATH", the %s of PATH doubled (ssh expands % tokens). */
static void
ctlopt(struct dm_buf *b, const char *path)
{
	dm_buf_adds(b, "ControlPath=");
	for (; *path; path++) {
		if (*path == '%')
			dm_buf_addc(b, '%');
		dm_buf_addc(b, *path);
	}
}

char **
dm_ssh_argv(const struct dm_ssh *ssh, const struct dm_host *h,
    const char *ctl, const char *remote, const char *const *extra)
{
	struct dm_buf o = DM_BUF_INIT;
	char **v = NULL, port[16];
	size_t n = 0, cap = 0, i;

	for (i = 0; i < ssh->ncmd; i++)
		vec_add(NULL, &v, &n, &cap, ssh->cmd[i]);
	for (; extra && *extra; extra++)
		vec_add(NULL, &v, &n, &cap, *extra);
	/* through the master only: never one of its own, never "auto" (two
	 * sessions racing to become the master) */
	vec_add(NULL, &v, &n, &cap, "-o");
	vec_add(NULL, &v, &n, &cap, "ControlMaster=no");
	vec_add(NULL, &v, &n, &cap, "-o");
	if (ctl) {
		ctlopt(&o, ctl);
		vec_add(NULL, &v, &n, &cap, o.buf);
		dm_buf_free(&o);
	} else
		vec_add(NULL, &v, &n, &cap, "ControlPath=none");
	if (h->port) {
		snprintf(port, sizeof port, "%d", h->port);
		vec_add(NULL, &v, &n, &cap, "-p");
		vec_add(NULL, &v, &n, &cap, port);
	}
	if (h->user) {
		vec_add(NULL, &v, &n, &cap, "-l");
		vec_add(NULL, &v, &n, &cap, h->user);
	}
	/* "--" ends ssh's options: no host name can be taken for one */
	vec_add(NULL, &v, &n, &cap, "--");
	vec_add(NULL, &v, &n, &cap, h->name);
	if (remote)
		vec_add(NULL, &v, &n, &cap, remote);
	return v;
}

void
dm_ssh_close(struct dm_ssh *ssh)
{
	struct dm_buf o = DM_BUF_INIT;
	DIR *d;
	struct dirent *de;

	if (!ssh->ctldir)
		goto out;
	/* sockets of masters that could not remove theirs */
	if ((d = opendir(ssh->ctldir))) {
		while ((de = readdir(d)))
			if (de->d_name[0] != '.') {
				dm_buf_reset(&o);
				dm_buf_addf(&o, "%s/%s", ssh->ctldir, de->d_name);
				unlink(o.buf);
			}
		closedir(d);
	}
	rmdir(ssh->ctldir);
out:
	dm_buf_free(&o);
	dm_argv_free(ssh->cmd);
	free(ssh->ctldir);
	free(ssh->token);
	memset(ssh, 0, sizeof *ssh);
}

/* Child side of a fork: default signals, a group of its own, /dev/null
 * for the standard descriptors other than errfd (as 2, unless -1), no
 * other descriptor, then argv. */
static void
execchild(char *const argv[], int errfd)
{
	int fd;

	signal(SIGPIPE, SIG_DFL);
	signal(SIGINT, SIG_DFL);
	signal(SIGTERM, SIG_DFL);
	signal(SIGCHLD, SIG_DFL);
	setpgid(0, 0);
	if ((fd = open("/dev/null", O_RDWR)) >= 0) {
		dup2(fd, 0);
		dup2(fd, 1);
		dup2(errfd >= 0 ? errfd : fd, 2);
	}
	closefrom(3);
	execvp(argv[0], argv);
	_exit(127);
}

pid_t
dm_spawn_bg(char *const argv[])
{
	pid_t pid = fork();

	if (pid == 0)
		execchild(argv, -1);
	return pid;
}

int
dm_ssh_master_start(struct dm_ssh *ssh, const struct dm_host *h,
    struct dm_sshmaster *m, int timeout_ms)
{
	const char *extra[] = { "-M", "-N", "-o", "ControlPersist=no", "-o",
	    NULL, NULL };
	struct dm_buf path = DM_BUF_INIT, o = DM_BUF_INIT;
	pid_t parent = getpid();
	char **v;
	int pe[2], e;
	size_t i;

	dm_ssh_master_stop(m);
	dm_buf_addf(&path, "%s/m%lu", ssh->ctldir, ++ssh->nmasters);
	ctlopt(&o, path.buf);
	extra[5] = o.buf;
	/* the master's own argv: dm_ssh_argv's with ControlMaster=yes */
	v = dm_ssh_argv(ssh, h, NULL, NULL, extra);
	/* (its ControlPath, in extra, comes before ControlPath=none: ssh
	 * takes the first) */
	for (i = 0; v[i]; i++)
		if (strcmp(v[i], "ControlMaster=no") == 0) {
			free(v[i]);
			v[i] = dm_xstrdup("ControlMaster=yes");
		}
	if (pipe2(pe, O_CLOEXEC) < 0) {
		e = errno;
		dm_argv_free(v);
		dm_buf_free(&path);
		dm_buf_free(&o);
		errno = e;
		return -1;
	}
	m->pid = fork();
	if (m->pid == 0) {
		/* ends with dm-run, even after SIGKILL */
		prctl(PR_SET_PDEATHSIG, SIGTERM);
		if (getppid() != parent)
			_exit(127);
		close(pe[0]);
		dup2(pe[1], 2);
		execchild(v, 2);
	}
	e = errno;
	close(pe[1]);
	dm_argv_free(v);
	dm_buf_free(&o);
	if (m->pid < 0) {
		m->pid = 0;
		close(pe[0]);
		dm_buf_free(&path);
		errno = e;
		return -1;
	}
	fcntl(pe[0], F_SETFL, O_NONBLOCK);
	m->errfd = pe[0];
	m->path = dm_buf_detach(&path, NULL);
	m->ready = 0;
	m->wstatus = 0;
	m->readyby = dm_now() + timeout_ms / 1000.0;
	dm_buf_reset(&m->err);
	return 0;
}

/* Reads what the master said so far (a bounded amount is kept). */
static void
mastererr(struct dm_sshmaster *m)
{
	char buf[4096];
	ssize_t r;

	while (m->errfd >= 0 && (r = read(m->errfd, buf, sizeof buf)) != 0) {
		if (r < 0) {
			if (errno == EINTR)
				continue;
			if (errno != EAGAIN) {
				close(m->errfd);
				m->errfd = -1;
			}
			return;
		}
		if (m->err.len > 65536)
			dm_buf_reset(&m->err);
		dm_buf_add(&m->err, buf, (size_t)r);
	}
	if (m->errfd >= 0) {
		close(m->errfd);
		m->errfd = -1;
	}
}

int
dm_ssh_master_poll(struct dm_sshmaster *m)
{
	struct stat st;
	pid_t p;

	if (m->pid <= 0)
		return -1;
	mastererr(m);
	p = waitpid(m->pid, &m->wstatus, WNOHANG);
	if (p == m->pid || (p < 0 && errno == ECHILD)) {
		if (p < 0)
			m->wstatus = 255 << 8;
		m->pid = 0;
		mastererr(m);
		m->ready = 0;
		return -1;
	}
	if (m->ready)
		return 1;
	if (lstat(m->path, &st) == 0 && S_ISSOCK(st.st_mode)) {
		m->ready = 1;
		return 1;
	}
	if (dm_now() > m->readyby) {
		dm_ssh_master_stop(m);
		m->wstatus = -1;	/* not ready in time */
		return -1;
	}
	return 0;
}

void
dm_ssh_master_stop(struct dm_sshmaster *m)
{
	double until;
	pid_t p;

	if (m->pid > 0) {
		kill(m->pid, SIGTERM);
		until = dm_now() + 2.0;
		while ((p = waitpid(m->pid, &m->wstatus, WNOHANG)) == 0 &&
		    dm_now() < until)
			usleep(10000);
		if (p == 0) {
			kill(m->pid, SIGKILL);
			while (waitpid(m->pid, &m->wstatus, 0) < 0 &&
			    errno == EINTR)
				;
		}
		m->pid = 0;
	}
	if (m->errfd >= 0)
		close(m->errfd);
	m->errfd = -1;
	if (m->path) {
		unlink(m->path);
		free(m->path);
		m->path = NULL;
	}
	m->ready = 0;
}

/*
 * The remote side of a job. ssh hands one string to the user's login shell,
 * which may be any shell: it only runs `exec /bin/sh -c WRAPPER dm-run
 * COMMAND`, both single-quoted, so that everything else is POSIX sh and
 * COMMAND reaches sh -c as one argument, never re-parsed.
 *
 * The wrapper runs COMMAND in a session of its own (setsid, where there is
 * one) and records its process group in a pid file named by the run's
 * token, the job and the attempt, so that dm-run can stop it (SIGINT, a
 * timeout) with one more ssh command: without a terminal, sshd signals
 * nothing to a session's processes when its channel closes, and over a
 * shared connection the connection's sshd lives on. A watcher also stops
 * the group when that sshd itself is gone (the connection dropped), so a
 * host cut off from dm-run keeps no job running for long.
 *
 * A command started in the background by a shell without job control
 * starts with SIGINT and SIGQUIT ignored, which a local job does not:
 * env --default-signal (GNU coreutils 8.31 and later) gives them back
 * their default, where the host's env can.
 */
static const char wrapper[] =
    "f=${TMPDIR:-/tmp}/dm-run-$DM_RUN_TOKEN-$DM_JOB-$DM_ATTEMPT.pid; "
    "exec 3<&0; d=; "
    "env --default-signal=INT,QUIT true 2>/dev/null && "
    "d='env --default-signal=INT,QUIT'; "
    "if command -v setsid >/dev/null 2>&1; then "
    "setsid $d /bin/sh -c \"$1\" 0<&3 3<&- & "
    "else $d /bin/sh -c \"$1\" 0<&3 3<&- & fi; "
    "c=$!; exec 0</dev/null 3<&-; echo $c >\"$f\"; p=$PPID; "
    "(while kill -0 $p 2>/dev/null && kill -0 $c 2>/dev/null; do sleep 1; done; "
    "if kill -0 $c 2>/dev/null; then kill -TERM -$c 2>/dev/null || kill -TERM $c; "
    "sleep 2; kill -KILL -$c 2>/dev/null; fi) </dev/null >/dev/null 2>&1 & "
    "wait $c 2>\"$f.w\"; s=$?; rm -f \"$f\"; ";

/*
 * wait says nothing of a command that exited 128 + N, and the shell's
 * name of the signal (dash and bash write it as wait reaps the command)
 * of one that died of signal N: ssh carries no signal back (a remote
 * command killed makes ssh exit 255, a host's failure), so a marked line
 * does, and dm-run reports the death as it does a local one. A shell that
 * says nothing leaves the status as it is. The shell's own message is
 * not passed on: a local job's death is not a line of its stderr.
 */
static const char sigword[] =
    "k=0; [ $s -gt 128 ] && [ -s \"$f.w\" ] && k=$((s - 128)); "
    "rm -f \"$f.w\"; [ $k = 0 ] || printf '%s%d\\n' '";

void
dm_remote_rejmark(struct dm_buf *out, const struct dm_ssh *ssh)
{
	dm_buf_addf(out, "\036dm-run-rejects-%s ", ssh->token);
}

void
dm_remote_sigmark(struct dm_buf *out, const struct dm_ssh *ssh)
{
	dm_buf_addf(out, "\036dm-run-signal-%s ", ssh->token);
}

void
dm_remote_job(struct dm_buf *out, const struct dm_ssh *ssh,
    const char *command, unsigned long job, unsigned attempt, int slot,
    char *const *env, const char *shipdir, const char *line, int rejects)
{
	struct dm_buf w = DM_BUF_INIT;

	dm_buf_addf(&w, "DM_JOB=%lu DM_SLOT=%d DM_ATTEMPT=%u DM_RUN_TOKEN=%s; "
	    "export DM_JOB DM_SLOT DM_ATTEMPT DM_RUN_TOKEN; ", job, slot,
	    attempt, ssh->token);
	/* digits and '-' (dm-run.c), safe in the shell */
	if (getenv("DM_RUN_ID"))
		dm_buf_addf(&w, "DM_RUN_ID=%s; export DM_RUN_ID; ",
		    getenv("DM_RUN_ID"));
	for (; env && *env; env++) {
		const char *eq = strchr(*env, '=');

		if (!eq)
			continue;
		dm_buf_add(&w, *env, (size_t)(eq - *env));
		dm_buf_addc(&w, '=');
		dm_buf_addshell(&w, eq + 1);
		dm_buf_adds(&w, "; export ");
		dm_buf_add(&w, *env, (size_t)(eq - *env));
		dm_buf_adds(&w, "; ");
	}
	if (shipdir)
		dm_buf_addf(&w, "PATH=\"$HOME/%s/bin:$PATH\"; export PATH; ",
		    shipdir);
	if (line) {
		/* sshd's pipe is the block, as dm-run's is for a job here
		 * (GNU's stat, then BSD's) */
		dm_buf_adds(&w, "DM_RUN_LINE=");
		dm_buf_addshell(&w, line);
		dm_buf_adds(&w, "; export DM_RUN_LINE; "
		    "if [ -p /dev/stdin ] && q=$( (stat -L -c %d:%i /dev/stdin "
		    "|| stat -L -f %d:%i /dev/stdin) 2>/dev/null) && "
		    "[ -n \"$q\" ]; then DM_RUN_PLAIN=$q; "
		    "export DM_RUN_PLAIN; fi; ");
	}
	/* the tools' rejected lines, sent after the command's end on
	 * standard error, each line marked (dm_remote_rejmark) */
	if (rejects)
		dm_buf_adds(&w, "r=${TMPDIR:-/tmp}/dm-run-$DM_RUN_TOKEN-$DM_JOB-"
		    "$DM_ATTEMPT.rej; rm -f \"$r\"; DM_REJECTS=$r; "
		    "export DM_REJECTS; ");
	dm_buf_adds(&w, wrapper);
	dm_buf_adds(&w, sigword);
	dm_remote_sigmark(&w, ssh);
	/* (after the file is gone: a stopped attempt's ssh is gone, and
	 * its write to it kills this shell) */
	dm_buf_adds(&w, "' $k >&2; ");
	if (rejects) {
		dm_buf_adds(&w, "if [ $s -le 1 ] && [ -f \"$r\" ]; then "
		    "sed 's/^/");
		dm_remote_rejmark(&w, ssh);
		dm_buf_adds(&w, "/' \"$r\" >&2; fi; rm -f \"$r\"; ");
	}
	dm_buf_adds(&w, "exit $s");
	dm_buf_adds(out, "exec /bin/sh -c ");
	dm_buf_addshell(out, w.buf);
	dm_buf_adds(out, " dm-run ");
	dm_buf_addshell(out, command);
	dm_buf_free(&w);
}

void
dm_remote_kill(struct dm_buf *out, const struct dm_ssh *ssh, long job,
    unsigned attempt)
{
	dm_buf_adds(out, "exec /bin/sh -c '");
	dm_buf_addf(out, "for f in ${TMPDIR:-/tmp}/dm-run-%s-", ssh->token);
	if (job >= 0)
		dm_buf_addf(out, "%ld-%u", job, attempt);
	else
		dm_buf_adds(out, "*");
	dm_buf_adds(out, ".pid; do [ -f \"$f\" ] || continue; c=$(cat \"$f\"); "
	    "kill -TERM -$c 2>/dev/null || kill -TERM $c 2>/dev/null; "
	    "rm -f \"$f\"; done; exit 0'");
}

/* ---- probing and shipping ---- */

const char *
dm_local_machine(void)
{
	static struct utsname u;

	if (!u.machine[0] && uname(&u) < 0)
		strcpy(u.machine, "unknown");
	return u.machine;
}

/* The probe prints five lines: the machine, the core count, sh's path,
 * and the dm version found on PATH then in the ship directory (empty
 * when missing). */
void
dm_remote_probe(struct dm_buf *out, const char *shipdir)
{
	struct dm_buf s = DM_BUF_INIT;

	dm_buf_adds(&s, "uname -m; getconf _NPROCESSORS_ONLN 2>/dev/null || "
	    "nproc 2>/dev/null || echo 1; command -v sh || echo; "
	    "dm --version 2>/dev/null | sed -n 1p; echo; ");
	dm_buf_addf(&s, "\"$HOME/%s/bin/dm\" --version 2>/dev/null | sed -n 1p; "
	    "echo", shipdir);
	dm_buf_adds(out, "exec /bin/sh -c ");
	dm_buf_addshell(out, s.buf);
	dm_buf_free(&s);
}

int
dm_remote_parse_probe(const char *text, struct dm_probe *p)
{
	const char *line[6] = { 0 };
	size_t len[6] = { 0 };
	const char *s = text, *nl;
	int i, n = 0;

	memset(p, 0, sizeof *p);
	for (i = 0; i < 6 && *s; i++) {
		nl = strchr(s, '\n');
		line[i] = s;
		len[i] = nl ? (size_t)(nl - s) : strlen(s);
		n++;
		if (!nl)
			break;
		s = nl + 1;
	}
	if (n < 5)
		return -1;
	snprintf(p->machine, sizeof p->machine, "%.*s", (int)len[0], line[0]);
	p->cores = atoi(line[1]);
	if (p->cores < 1)
		p->cores = 1;
	p->has_sh = len[2] > 0;
	/* "dm (dm) 0.1.0" or nothing; the blank line after it is the echo */
	snprintf(p->version, sizeof p->version, "%.*s", (int)len[3], line[3]);
	/* the line after the first echo: the shipped dm */
	for (i = 4; i < n && len[i] == 0; i++)
		;
	if (i < n)
		snprintf(p->shipped, sizeof p->shipped, "%.*s", (int)len[i],
		    line[i]);
	return 0;
}

int
dm_ship_tar(struct dm_buf *out, struct dm_buf *err)
{
	struct dm_buf p = DM_BUF_INIT, bindir = DM_BUF_INIT;
	struct archive *a;
	struct dirent **list;
	char self[PATH_MAX], *slash;
	ssize_t r;
	int i, cnt, rc = 0;

	r = readlink("/proc/self/exe", self, sizeof self - 1);
	if (r < 0) {
		dm_buf_addf(err, "/proc/self/exe: %s", strerror(errno));
		return -1;
	}
	self[r] = '\0';
	if ((slash = strrchr(self, '/')))
		*slash = '\0';
	dm_buf_adds(&bindir, self);
	if ((a = dm_tar_new(out, err)) == NULL)
		return -1;
	if ((cnt = scandir(bindir.buf, &list, NULL, alphasort)) < 0) {
		dm_buf_addf(err, "%s: %s", bindir.buf, strerror(errno));
		rc = -1;
	}
	for (i = 0; i < cnt; i++) {
		const char *d = list[i]->d_name;

		if (rc == 0 && (strcmp(d, "dm") == 0 || strncmp(d, "dm-", 3) == 0)) {
			struct stat st;

			dm_buf_reset(&p);
			dm_buf_addf(&p, "%s/%s", bindir.buf, d);
			if (stat(p.buf, &st) == 0 && S_ISREG(st.st_mode) &&
			    (st.st_mode & 0111)) {
				struct dm_buf n = DM_BUF_INIT;

				dm_buf_addf(&n, "bin/%s", d);
				rc = dm_tar_file(a, p.buf, n.buf, err);
				dm_buf_free(&n);
			}
		}
		free(list[i]);
	}
	if (cnt >= 0)
		free(list);
	if (rc == 0)
		rc = dm_tar_tree(a, dm_sharedir(), "share/dm", err);
	rc = dm_tar_close(a, rc, err);
	dm_buf_free(&p);
	dm_buf_free(&bindir);
	return rc;
}

void
dm_remote_unpack(struct dm_buf *out, const char *shipdir)
{
	struct dm_buf s = DM_BUF_INIT;

	/* into a new directory, then renamed: a host never runs half a dm */
	dm_buf_addf(&s, "umask 022; d=\"$HOME/%s\"; t=\"$d.new.$$\"; "
	    "mkdir -p \"$t\" && tar -C \"$t\" -xf - && rm -rf \"$d\" && "
	    "mv \"$t\" \"$d\" && \"$d/bin/dm\" --version", shipdir);
	dm_buf_adds(out, "exec /bin/sh -c ");
	dm_buf_addshell(out, s.buf);
	dm_buf_free(&s);
}
