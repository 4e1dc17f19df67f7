/* remote.h - hosts files and commands on ssh hosts (dm-run) */
#ifndef DM_REMOTE_H
#define DM_REMOTE_H

#include "dm.h"

/* ---- hosts.c: the hosts of dm-run ---- */

#define DM_HOST_MAXSLOTS	10000

/* One entry of a hosts file or of -S: [N/][user@]host[:port], or ':' for
 * this machine (name NULL). */
struct dm_host {
	char	*spec;		/* the entry as written, for messages */
	char	*user;		/* NULL: ssh's default */
	char	*name;		/* NULL: this machine; IPv6 without brackets */
	int	 port;		/* 0: ssh's default */
	int	 slots;		/* 0: as many as the host has cores */
};
struct dm_hosts {
	struct dm_host	*v;
	size_t		 n, cap;
};
#define DM_HOSTS_INIT	{ NULL, 0, 0 }

/* Parses one entry of n bytes (no comment, no surrounding space). -1 with
 * the reason in err (and *h empty) when it is malformed. */
int	 dm_host_parse(struct dm_host *, const char *, size_t, struct dm_buf *err);
void	 dm_host_free(struct dm_host *);
/* Adds the entries of a hosts file ('#' comments, blank lines); -1 with
 * "FILE:LINE: bad host '...': reason" in err. Dies if FILE is unreadable. */
int	 dm_hosts_load(struct dm_hosts *, const char *file, struct dm_buf *err);
/* Adds the comma-separated entries of -S; -1 with the reason in err. */
int	 dm_hosts_list(struct dm_hosts *, const char *list, struct dm_buf *err);
void	 dm_hosts_free(struct dm_hosts *);

/* ---- remote.c: commands on ssh hosts ---- */


/*
 * A host's shared connection: an ssh master (ssh -M -N) that is a child of
 * dm-run, asked by the kernel to end when dm-run ends however it ends
 * (PR_SET_PDEATHSIG), so that a killed run leaves no master behind. Every
 * master has a socket path of its own, never used before: a master that
 * died can leave nothing in the way of the next one.
 */
struct dm_sshmaster {
	pid_t		 pid;		/* the ssh -M process; 0: none */
	int		 errfd;		/* its stderr, or -1 */
	char		*path;		/* its ControlPath */
	int		 ready;		/* its socket is there */
	double		 readyby;	/* dm_now() it must be ready by */
	int		 wstatus;	/* how it ended, once pid is 0 */
	struct dm_buf	 err;		/* what it said */
};

/* How hosts are reached: the ssh command and its options (from --ssh, else
 * $DM_SSH, else "ssh", split at white space), batch mode, keepalives and a
 * connect timeout unless the command sets them, and the masters' sockets
 * in a private directory; token names this run on the hosts (its jobs' pid
 * files). */
struct dm_ssh {
	char	**cmd;
	size_t	  ncmd;
	char	 *ctldir;
	char	 *token;
	unsigned long nmasters;		/* started: names their sockets */
};

#define DM_SSH_ALIVE_INTERVAL	5	/* ServerAliveInterval by default */
#define DM_SSH_ALIVE_COUNT	3	/* ServerAliveCountMax by default */
#define DM_SSH_CONNECT_TIMEOUT	10	/* ConnectTimeout by default */

/* -1 with the reason in err when cmd is empty or the directory cannot be
 * made. */
int	 dm_ssh_init(struct dm_ssh *, const char *cmd, struct dm_buf *err);
/* The argv of ssh running the command line remote (none: NULL) on h, with
 * the extra ssh options first, through the master whose socket is ctl
 * (NULL: a connection of its own); the caller frees it with dm_argv_free. */
char	**dm_ssh_argv(const struct dm_ssh *, const struct dm_host *,
	    const char *ctl, const char *remote, const char *const *extra);
/* Removes the socket directory (the masters are stopped before). */
void	 dm_ssh_close(struct dm_ssh *);
/* Starts a master for h, to be ready within timeout_ms: 0, or -1 with
 * errno (m->pid 0). */
int	 dm_ssh_master_start(struct dm_ssh *, const struct dm_host *,
	    struct dm_sshmaster *, int timeout_ms);
/* Looks at a started master without waiting: 1 ready, 0 not yet, -1 it
 * ended or was not ready in time (stopped; wstatus and err say how). */
int	 dm_ssh_master_poll(struct dm_sshmaster *);
/* Stops a master (SIGTERM, SIGKILL after a grace) and waits for it. */
void	 dm_ssh_master_stop(struct dm_sshmaster *);
/* Starts argv in the background, every standard descriptor on /dev/null,
 * in a process group of its own: its pid, or -1. */
pid_t	 dm_spawn_bg(char *const argv[]);
/* The command line that runs one attempt of a job on a host: DM_JOB,
 * DM_SLOT and the NAME=VALUE pairs of env (NULL-terminated) exported,
 * $HOME/shipdir/bin first on PATH when shipdir is not NULL, and command run
 * by sh -c in a process group that dm_remote_kill can stop and that stops
 * when the connection is lost. With line (not NULL), DM_RUN_LINE is line,
 * and DM_RUN_PLAIN names the pipe that is the command's standard input
 * there. With rejects, DM_REJECTS names a file there, whose lines, once
 * the command has succeeded (exit status 0 or 1), follow its standard
 * error, each after the mark of dm_remote_rejmark. A command that died of
 * signal N makes it exit 128 + N after the line of dm_remote_sigmark. */
void	 dm_remote_job(struct dm_buf *, const struct dm_ssh *,
	    const char *command, unsigned long job, unsigned attempt, int slot,
	    char *const *env, const char *shipdir, const char *line,
	    int rejects);
/* The mark of the rejects lines of dm_remote_job, onto out: a control
 * character and the run's token, which no line of a command starts with
 * by chance. */
void	 dm_remote_rejmark(struct dm_buf *out, const struct dm_ssh *ssh);
/* The mark of the line of dm_remote_job that says its command died of
 * signal N (the number follows it), onto out: the wrapper's shell learns
 * it from wait, and ssh cannot carry it back. */
void	 dm_remote_sigmark(struct dm_buf *out, const struct dm_ssh *ssh);
/* The command line that stops attempt attempt of job on a host (every job
 * of this run when job < 0): that attempt only, never a later one of the
 * same job that started there since. */
void	 dm_remote_kill(struct dm_buf *, const struct dm_ssh *, long job,
	    unsigned attempt);

/* ---- capture.c: a command in the background, its output captured ---- */

/*
 * For a loop that must never wait on a host: the command runs in a process
 * group of its own, in[0..inlen) on its stdin (/dev/null when in is NULL;
 * in is borrowed until the command ends), and dm_capture_poll, called as
 * often as the caller likes, moves what it can without waiting and kills
 * the group once the deadline has passed. It has no descriptor of this
 * process but those three. Up to max bytes (1 MB unless the caller sets
 * it after dm_capture_init) of each of stdout and stderr are kept. A
 * struct dm_capture is made ready by dm_capture_init and let go by
 * dm_capture_free.
 */
struct dm_capture {
	pid_t		 pid;		/* running; 0: none */
	int		 fin, fout, ferr;	/* -1 when closed */
	const char	*in;
	size_t		 inlen, off;
	double		 deadline;	/* dm_now() seconds, or 0: none */
	int		 killed;	/* past its deadline, or stopped */
	int		 wstatus;	/* once ended: as waitpid gives it */
	size_t		 max;		/* bytes kept of each of out, err */
	struct dm_buf	 out, err;
};

void	 dm_capture_init(struct dm_capture *);
/* Starts argv (after stopping what c ran), killed after timeout_ms (0:
 * never): 0, or -1 with errno. */
int	 dm_capture_start(struct dm_capture *, char *const argv[],
	    const char *in, size_t inlen, int timeout_ms);
/* Without waiting: 1 when the command has ended (wstatus, out and err
 * are final; also when none was started), 0 while it runs. */
int	 dm_capture_poll(struct dm_capture *);
/* Waits for the end (a signal to this process, when none had come before,
 * kills it): wstatus. */
int	 dm_capture_wait(struct dm_capture *);
/* Kills a running command and waits for it. */
void	 dm_capture_stop(struct dm_capture *);
void	 dm_capture_free(struct dm_capture *);

/* What a host has: see dm_remote_probe. */
struct dm_probe {
	char	 machine[64];	/* uname -m */
	int	 cores;
	int	 has_sh;
	char	 version[64];	/* `dm --version` on PATH, "" when missing */
	char	 shipped[64];	/* the same for the shipped dm */
};
/* The machine this dm was built for, as uname -m says it. */
const char *dm_local_machine(void);
/* The command line of the probe, and the parse of what it printed (-1 when
 * it is not the probe's output). */
void	 dm_remote_probe(struct dm_buf *, const char *shipdir);
int	 dm_remote_parse_probe(const char *, struct dm_probe *);
/* A tar stream of this dm (the dm and dm-* binaries beside the running one
 * as bin/, the share directory as share/dm/); -1 with the reason in err. */
int	 dm_ship_tar(struct dm_buf *out, struct dm_buf *err);
/* The command line that unpacks that stream into $HOME/shipdir, replacing
 * what was there at once, and prints the new dm's version. */
void	 dm_remote_unpack(struct dm_buf *, const char *shipdir);

#endif /* DM_REMOTE_H */
