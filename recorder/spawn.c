// SPDX-License-Identifier: MIT
/*
 * The workload: resolved before any tracing starts (so a missing command
 * fails cleanly), forked and held at a barrier pipe until every engine is
 * attached, then released to exec.  A failure in the child (exec, -u) is
 * reported back through a close-on-exec pipe so the recorder prints it.
 */
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <limits.h>
#include <pwd.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "err.h"
#include "num.h"
#include "recorder.h"

/* What the child reports when it cannot run the command. */
struct child_report {
	int stage; /* 0 exec, 1 setgroups, 2 setgid, 3 setuid */
	int err;
};

int rec_user_lookup(const char *name, struct rec_user *u)
{
	struct passwd *pw;
	uint64_t uid;
	int n = 64;

	memset(u, 0, sizeof(*u));
	errno = 0;
	pw = getpwnam(name);
	if (!pw && num_parse_u64(name, strlen(name), UINT32_MAX - 1, &uid) == 0)
		pw = getpwuid((uid_t)uid);
	if (!pw) {
		err_set("-u %s: no such user", name);
		errno = ENOENT;
		return -1;
	}
	if (geteuid() != 0 && pw->pw_uid != geteuid()) {
		err_set("-u %s: only root can run the command as another user", name);
		errno = EPERM;
		return -1;
	}
	u->uid = pw->pw_uid;
	u->gid = pw->pw_gid;
	u->name = strdup(pw->pw_name);
	u->home = strdup(pw->pw_dir);
	u->groups = malloc(n * sizeof(gid_t));
	if (!u->name || !u->home || !u->groups)
		goto nomem;
	if (getgrouplist(u->name, u->gid, u->groups, &n) < 0) {
		gid_t *g = realloc(u->groups, n * sizeof(gid_t));

		if (!g)
			goto nomem;
		u->groups = g;
		if (getgrouplist(u->name, u->gid, u->groups, &n) < 0)
			n = 0;
	}
	u->ngroups = n;
	return 0;
nomem:
	rec_user_free(u);
	err_set("out of memory");
	errno = ENOMEM;
	return -1;
}

void rec_user_free(struct rec_user *u)
{
	free(u->groups);
	free(u->name);
	free(u->home);
	memset(u, 0, sizeof(*u));
}

static int check_file(const char *path)
{
	struct stat st;

	if (stat(path, &st) < 0)
		return errno == ENOENT || errno == ENOTDIR ? 127 : 126;
	if (S_ISDIR(st.st_mode) || access(path, X_OK) < 0)
		return 126;
	return 0;
}

int rec_command_check(const char *cmd)
{
	const char *path = getenv("PATH"), *p;
	char buf[PATH_MAX];
	int best = 127;

	if (!cmd[0]) {
		err_set("'': command not found");
		return 127;
	}
	if (strchr(cmd, '/')) {
		int ret = check_file(cmd);

		if (ret == 127)
			err_set("%s: no such file or directory", cmd);
		else if (ret)
			err_set("%s: permission denied (not an executable file)", cmd);
		return ret;
	}
	if (!path)
		path = "/usr/local/bin:/usr/bin:/bin";
	for (p = path;; p = strchr(p, ':') + 1) {
		const char *end = strchrnul(p, ':');
		int len = (int)(end - p), ret;

		/* an empty PATH element means the current directory */
		if (snprintf(buf, sizeof(buf), "%.*s%s%s", len, len ? p : ".", "/", cmd) <
		    (int)sizeof(buf)) {
			ret = check_file(buf);
			if (!ret)
				return 0;
			if (ret == 126)
				best = 126;
		}
		if (!*end)
			break;
	}
	if (best == 126)
		err_set("%s: permission denied (not an executable file)", cmd);
	else
		err_set("%s: command not found", cmd);
	return best;
}

static void child_fail(int fd, int stage, int err)
{
	struct child_report r = { stage, err };

	if (write(fd, &r, sizeof(r)) < 0) {
		/* the recorder is gone: nobody to tell */
	}
	_exit(err == ENOENT ? 127 : 126);
}

static void child_main(char **command, const struct rec_user *user, bool stdout_to_stderr,
		       int barrier, int errfd)
{
	char go;

	rec_signals_child_reset();
	if (stdout_to_stderr && dup2(STDERR_FILENO, STDOUT_FILENO) < 0)
		child_fail(errfd, 0, errno);
	if (read(barrier, &go, 1) != 1)
		_exit(126); /* the recorder gave up before starting us */
	close(barrier);
	if (user) {
		if (setgroups(user->ngroups, user->groups) < 0)
			child_fail(errfd, 1, errno);
		if (setgid(user->gid) < 0)
			child_fail(errfd, 2, errno);
		if (setuid(user->uid) < 0)
			child_fail(errfd, 3, errno);
		setenv("HOME", user->home, 1);
		setenv("USER", user->name, 1);
		setenv("LOGNAME", user->name, 1);
	}
	execvp(command[0], command);
	child_fail(errfd, 0, errno);
}

int rec_spawn_held(char **command, const struct rec_user *user, bool stdout_to_stderr,
		   struct rec_child *c)
{
	int bar[2] = { -1, -1 }, err[2] = { -1, -1 };

	c->pid = -1;
	c->barrier = c->errpipe = -1;
	if (pipe2(bar, O_CLOEXEC) < 0 || pipe2(err, O_CLOEXEC) < 0) {
		err_set("pipe: %s", strerror(errno));
		goto error;
	}
	c->pid = fork();
	if (c->pid < 0) {
		err_set("cannot fork: %s", strerror(errno));
		goto error;
	}
	if (c->pid == 0) {
		close(bar[1]);
		close(err[0]);
		child_main(command, user, stdout_to_stderr, bar[0], err[1]);
	}
	close(bar[0]);
	close(err[1]);
	c->barrier = bar[1];
	c->errpipe = err[0];
	return 0;
error:
	for (int i = 0; i < 2; i++) {
		if (bar[i] >= 0)
			close(bar[i]);
		if (err[i] >= 0)
			close(err[i]);
	}
	return -1;
}

int rec_release(struct rec_child *c)
{
	int ret = 0;

	if (write(c->barrier, "g", 1) != 1) {
		err_set("cannot release the workload: %s", strerror(errno));
		ret = -1;
	}
	close(c->barrier);
	c->barrier = -1;
	return ret;
}

int rec_child_report(struct rec_child *c, const char *cmd)
{
	static const char *const stages[] = { "cannot run", "setgroups", "setgid", "setuid" };
	struct child_report r;
	ssize_t n;

	if (c->errpipe < 0)
		return 0;
	/* non-blocking: a workload stopped for good (second signal) must not hang us */
	fcntl(c->errpipe, F_SETFL, O_NONBLOCK);
	do
		n = read(c->errpipe, &r, sizeof(r));
	while (n < 0 && errno == EINTR);
	close(c->errpipe);
	c->errpipe = -1;
	if (n != (ssize_t)sizeof(r))
		return 0; /* EOF: exec succeeded */
	if (r.stage == 0 && r.err == ENOENT)
		err_set("%s: command not found", cmd);
	else if (r.stage == 0)
		err_set("cannot run %s: %s", cmd, strerror(r.err));
	else
		err_set("cannot switch to the -u user (%s): %s", stages[r.stage], strerror(r.err));
	return r.err == ENOENT ? 127 : 126;
}

void rec_abandon(struct rec_child *c)
{
	if (c->pid > 0) {
		kill(c->pid, SIGKILL);
		while (waitpid(c->pid, NULL, 0) < 0 && errno == EINTR)
			;
		c->pid = -1;
	}
	if (c->barrier >= 0)
		close(c->barrier);
	if (c->errpipe >= 0)
		close(c->errpipe);
	c->barrier = c->errpipe = -1;
}
