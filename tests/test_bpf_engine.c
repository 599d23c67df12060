// SPDX-License-Identifier: MIT
/*
 * The bpf engine on real workloads, through proctree-record: every exit
 * code and the fatal signals, exec from a thread, vfork, a daemon with and
 * without --wait-all, losses with a tiny ring buffer, a SIGKILLed recorder
 * leaving no program behind, no privilege (and auto's fallback), and three
 * engines side by side agreeing.  argv is tested in test_bpf_argv.c.  The pid-reuse test changes the
 * machine's ns_last_pid and lives in test_pidreuse.c.
 */
#include <bpf/bpf.h>
#include <criterion/options.h>

#include "bpf_suite.h"
#include "num.h"
#include "serial_main.h"

/*
 * The one group exit row whose comm is @comm (by name, not pid: on a busy
 * machine a pid may come round again within the recording).
 */
static const struct csv_event *exit_named(const struct rows *c, const char *comm)
{
	const struct csv_event *r = NULL;
	int n = 0;

	for (int i = 0; i < c->n; i++)
		if (c->rows[i].kind == CSV_EXIT && c->rows[i].group && c->rows[i].comm &&
		    !strcmp(c->rows[i].comm, comm)) {
			r = &c->rows[i];
			n++;
		}
	cr_assert_eq(n, 1, "%s: %d group exit rows, want 1", comm, n);
	return r;
}

Test(bpf_engine, every_exit_code_and_fatal_signals, .timeout = 120)
{
	char csv[128], name[32], path[128];
	char *cmd[] = { WORKLOADS_DIR "/every_exit", dir, NULL };
	const struct {
		const char *name;
		int sig;
	} sigs[] = {
		{ "sig-15", SIGTERM },	    { "sig-9", SIGKILL }, { "sig-11", SIGSEGV },
		{ "sig-11-core", SIGSEGV }, { "sig-6", SIGABRT }, { "sig-10", SIGUSR1 },
	};
	const struct csv_event *r;
	struct rows c;
	FILE *fp;
	int nexit = 0, nsaid = 0, st;

	record_ok("exits.csv", NULL, cmd, 0, csv, sizeof(csv));
	rows_load(csv, &c);
	check_clean(&c, 0);
	for (int n = 0; n < 256; n++) {
		snprintf(name, sizeof(name), "code-%d", n);
		r = exit_named(&c, name);
		cr_expect(CSV_HAS(r, CSV_F_CODE) && r->code == n && !CSV_HAS(r, CSV_F_SIGNAL),
			  "%s: code %d (known %d), signal known %d", name, r->code,
			  CSV_HAS(r, CSV_F_CODE), CSV_HAS(r, CSV_F_SIGNAL));
	}
	for (size_t i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++) {
		r = exit_named(&c, sigs[i].name);
		cr_expect(CSV_HAS(r, CSV_F_SIGNAL) && r->signal == sigs[i].sig &&
				  !CSV_HAS(r, CSV_F_CODE),
			  "%s: signal %d (known %d), code known %d", sigs[i].name, r->signal,
			  CSV_HAS(r, CSV_F_SIGNAL), CSV_HAS(r, CSV_F_CODE));
	}
	snprintf(name, sizeof(name), "sig-%d", SIGRTMIN + 2);
	r = exit_named(&c, name);
	cr_expect(CSV_HAS(r, CSV_F_SIGNAL) && r->signal == SIGRTMIN + 2 && !CSV_HAS(r, CSV_F_CODE),
		  "%s: signal %d", name, r->signal);
	/* the last thread is not the leader: exit_group()'s code, not the leader's 0 */
	r = exit_named(&c, "thr-group-5");
	cr_expect(CSV_HAS(r, CSV_F_CODE) && r->code == 5 && !CSV_HAS(r, CSV_F_SIGNAL),
		  "thr-group-5: code %d, want 5", r->code);

	/* and every row says what waitpid() told the workload, whatever the kernel */
	snprintf(path, sizeof(path), "%s/status.txt", dir);
	fp = fopen(path, "r");
	cr_assert_not_null(fp, "%s: %s", path, strerror(errno));
	while (fscanf(fp, "%31s %d", name, &st) == 2) {
		nsaid++;
		r = exit_named(&c, name);
		if (WIFEXITED(st))
			cr_expect(CSV_HAS(r, CSV_F_CODE) && r->code == WEXITSTATUS(st) &&
					  !CSV_HAS(r, CSV_F_SIGNAL),
				  "%s: wait status %#x, the row says code %d signal %d", name, st,
				  CSV_HAS(r, CSV_F_CODE) ? r->code : -1,
				  CSV_HAS(r, CSV_F_SIGNAL) ? r->signal : -1);
		else
			cr_expect(WIFSIGNALED(st) && CSV_HAS(r, CSV_F_SIGNAL) &&
					  r->signal == WTERMSIG(st) && !CSV_HAS(r, CSV_F_CODE),
				  "%s: wait status %#x, the row says code %d signal %d", name, st,
				  CSV_HAS(r, CSV_F_CODE) ? r->code : -1,
				  CSV_HAS(r, CSV_F_SIGNAL) ? r->signal : -1);
	}
	fclose(fp);
	cr_expect_eq(nsaid, 256 + 7 + 2, "%s lists %d children", path, nsaid);
	r = one_exit(&c, c.root_pid);
	cr_expect(CSV_HAS(r, CSV_F_CODE) && r->code == 0, "the root exits 0");
	for (int i = 0; i < c.n; i++)
		nexit += c.rows[i].kind == CSV_EXIT && c.rows[i].group;
	cr_expect_eq(nexit, 256 + 7 + 2 + 1, "one group exit per process, got %d", nexit);
	rows_free(&c);
}

/* ---- exec from a thread, vfork ---- */

Test(bpf_engine, exec_from_a_non_leader_thread, .timeout = 60)
{
	char csv[128];
	char *cmd[] = { WORKLOADS_DIR "/ptrace_thread_exec", NULL };
	const struct csv_event *execs[4], *thread = NULL, *r;
	struct rows c;
	int n;

	record_ok("thread_exec.csv", NULL, cmd, 0, csv, sizeof(csv));
	rows_load(csv, &c);
	check_clean(&c, 0);
	for (int i = 0; i < c.n; i++)
		if (c.rows[i].kind == CSV_FORK && c.rows[i].thread) {
			cr_assert_null(thread, "one thread");
			thread = &c.rows[i];
		}
	cr_assert_not_null(thread, "the fork row of the thread");
	cr_expect_eq(thread->pid, c.root_pid);
	cr_expect_eq(thread->child_pid, c.root_pid);
	cr_expect_neq(thread->child_tid, c.root_pid);
	n = execs_of(&c, c.root_pid, execs, 4);
	cr_assert_eq(n, 2, "the root's exec, then the thread's: %d exec rows", n);
	cr_expect(!CSV_HAS(execs[0], CSV_F_OLD_TID), "the leader's own exec has no old_tid");
	r = execs[1];
	cr_expect_eq(r->pid, c.root_pid, "after exec the thread is the process");
	cr_expect(CSV_HAS(r, CSV_F_OLD_TID) && r->old_tid == thread->child_tid,
		  "old_tid %d (known %d), want the thread's tid %d", r->old_tid,
		  CSV_HAS(r, CSV_F_OLD_TID), thread->child_tid);
	cr_assert_not_null(r->argv);
	cr_assert_eq(r->argc, 2);
	cr_expect_str_eq(r->argv[1], "done");
	r = one_exit(&c, c.root_pid);
	cr_expect(CSV_HAS(r, CSV_F_CODE) && r->code == 0);
	rows_free(&c);
}

/* ptrace_vfork: A vfork()s and execs /bin/true, B vfork()s and _exit(7)s, C is posix_spawn(). */
Test(bpf_engine, vfork_children_fork_exec_exit, .timeout = 60)
{
	char csv[128];
	char *cmd[] = { WORKLOADS_DIR "/ptrace_vfork", NULL };
	const int codes[3] = { 0, 7, 0 };
	const bool execd[3] = { true, false, true };
	const struct csv_event *execs[4], *r;
	struct rows c;
	int kids[3], nkids = 0;

	record_ok("vfork.csv", NULL, cmd, 0, csv, sizeof(csv));
	rows_load(csv, &c);
	check_clean(&c, 0);
	for (int i = 0; i < c.n; i++)
		if (c.rows[i].kind == CSV_FORK) {
			cr_assert(!c.rows[i].thread && c.rows[i].pid == c.root_pid,
				  "only the root forks, only processes");
			cr_assert_lt(nkids, 3, "three children");
			kids[nkids++] = c.rows[i].child_pid;
		}
	cr_assert_eq(nkids, 3, "fork rows: %d, want 3", nkids);
	for (int k = 0; k < 3; k++) {
		int n = execs_of(&c, kids[k], execs, 4);

		cr_expect_eq(n, execd[k] ? 1 : 0, "child %d (pid %d): %d exec rows", k, kids[k], n);
		if (n == 1 && execd[k]) {
			cr_expect_str_eq(execs[0]->filename, "/bin/true");
			cr_expect(execs[0]->argv && execs[0]->argc == 1, "argv [/bin/true]");
		}
		r = one_exit(&c, kids[k]);
		cr_expect(CSV_HAS(r, CSV_F_CODE) && r->code == codes[k],
			  "child %d: code %d, want %d", k, r->code, codes[k]);
	}
	r = one_exit(&c, c.root_pid);
	cr_expect(CSV_HAS(r, CSV_F_CODE) && r->code == 0);
	rows_free(&c);
}

/* ---- a double-fork daemon ---- */

/* The daemon's tree from its fork rows: *@mid = r.0, *@daemon = r.0.0. */
static void daemon_pids(const struct rows *c, int *mid, int *daemon)
{
	*mid = *daemon = 0;
	for (int i = 0; i < c->n; i++) {
		const struct csv_event *r = &c->rows[i];

		if (r->kind != CSV_FORK || r->thread)
			continue;
		if (r->pid == c->root_pid)
			*mid = r->child_pid;
		else if (*mid && r->pid == *mid)
			*daemon = r->child_pid;
	}
	cr_assert(*mid > 0 && *daemon > 0, "fork rows of r.0 (%d) and r.0.0 (%d)", *mid, *daemon);
}

Test(bpf_engine, daemon_with_wait_all_has_its_exit, .timeout = 60)
{
	char csv[128];
	char *opts[] = { "--wait-all", NULL };
	char *cmd[] = { WORKLOADS_DIR "/daemon", "300", NULL };
	const struct csv_event *r;
	struct rows c;
	json_t *doc;
	int mid, daemon;

	record_ok("daemon_wait.csv", opts, cmd, 0, csv, sizeof(csv));
	rows_load(csv, &c);
	check_clean(&c, 0);
	daemon_pids(&c, &mid, &daemon);
	cr_expect_eq(rows_count(&c, CSV_ALIVE), 0, "--wait-all: nothing is left alive");
	r = one_exit(&c, daemon);
	cr_expect(CSV_HAS(r, CSV_F_CODE) && r->code == 0, "the daemon exits 0");
	one_exit(&c, mid);
	one_exit(&c, c.root_pid);
	cr_expect_eq(rows_key(&c, "processes"), 3);
	doc = bpf_json(csv);
	cr_expect_eq(bpf_json_int(json_object_get(doc, "summary"), "alive_at_end", -1), 0);
	cr_expect_eq(bpf_json_int(json_object_get(doc, "summary"), "exited", -1), 3);
	json_decref(doc);
	rows_free(&c);
}

/* Kill the leftover daemon @pid, if it is still the daemon workload. */
static void kill_daemon(int pid)
{
	char path[64], *comm;

	snprintf(path, sizeof(path), "/proc/%d/comm", pid);
	comm = slurp_or_empty(path);
	if (comm && !strcmp(comm, "daemon\n"))
		kill(pid, SIGKILL);
	free(comm);
}

Test(bpf_engine, daemon_without_wait_all_is_alive, .timeout = 60)
{
	char csv[128];
	char *cmd[] = { WORKLOADS_DIR "/daemon", "5000", NULL };
	const struct csv_event *alive = NULL;
	struct rows c;
	json_t *doc;
	int mid, daemon, nexit = 0;

	record_ok("daemon.csv", NULL, cmd, 0, csv, sizeof(csv));
	rows_load(csv, &c);
	daemon_pids(&c, &mid, &daemon);
	kill_daemon(daemon);
	check_clean(&c, 1);
	for (int i = 0; i < c.n; i++) {
		if (c.rows[i].kind == CSV_ALIVE) {
			cr_expect_null(alive, "one alive row");
			alive = &c.rows[i];
		}
		nexit += c.rows[i].kind == CSV_EXIT && c.rows[i].pid == daemon;
	}
	cr_assert_not_null(alive, "the daemon outlived the recording: an alive row");
	cr_expect_eq(alive->pid, daemon);
	cr_expect_str_eq(alive->comm, "daemon");
	cr_expect_eq(nexit, 0, "no exit row for the daemon");
	one_exit(&c, mid);
	one_exit(&c, c.root_pid);
	doc = bpf_json(csv);
	cr_expect_eq(bpf_json_int(json_object_get(doc, "summary"), "alive_at_end", -1), 1);
	json_decref(doc);
	rows_free(&c);
}

/* ---- losses with a tiny ring buffer ---- */

/*
 * Four shell loops side by side, 2,000 /bin/true in all, each exec record
 * carrying a 1,500-byte argument: a 4 KiB ring holds two such records, so
 * records arriving on both CPUs while the reader is not running are lost.
 *
 * The kernel makes a known number of records: with dash (Debian's /bin/sh)
 * the root forks 4 loops that exec /bin/sh, each forks once for $(printf)
 * and 500 times for /bin/true: 2,009 processes, so 2,008 forks, 2,005
 * execs (the root's own, the loops', the trues') and 2,009 exits.  Every
 * one of them is either a row or counted lost: none vanishes in silence.
 */
#define TINY_RECORDS (2008 + 2005 + 2009)

Test(bpf_engine, tiny_ring_buffer_losses_are_counted, .timeout = 180)
{
	char csv[128];
	char *opts[] = { "--buffer-size", "4K", NULL };
	char *cmd[] = { "/bin/sh", "-c",
			"W='A=$(printf %01500d 0); i=0; while [ $i -lt 500 ]; do /bin/true $A; "
			"i=$((i+1)); done'; for j in 1 2 3 4; do /bin/sh -c \"$W\" & done; wait",
			NULL };
	struct rows c;
	json_t *doc, *summary;
	uint64_t sum = 0;
	int rows = 0, kept;

	record_ok("tiny.csv", opts, cmd, 0, csv, sizeof(csv));
	rows_load(csv, &c);
	cr_assert(c.has_trailer, "the CSV ends with its trailer");
	for (int i = 0; i < c.n; i++)
		if (c.rows[i].kind == CSV_LOST) {
			rows++;
			cr_expect(CSV_HAS(&c.rows[i], CSV_F_COUNT) && c.rows[i].count > 0,
				  "a lost row from the ring buffer has its count");
			sum += c.rows[i].count;
		}
	cr_log_info("%d lost rows, %llu events lost", rows, (unsigned long long)sum);
	cr_assert_gt(rows, 0, "a 4 KiB ring cannot hold this workload's records: no lost rows");
	cr_expect_gt(c.lost_events, 0);
	cr_expect_eq(sum, c.lost_events, "lost rows sum to %llu, #lost_events says %llu",
		     (unsigned long long)sum, (unsigned long long)c.lost_events);
	/* a root exit taken from waitpid is not a kernel record */
	kept = rows_count(&c, CSV_FORK) + rows_count(&c, CSV_EXEC) + rows_count(&c, CSV_EXIT) -
	       (rows_key(&c, "root_exit_from_wait") > 0);
	cr_expect_eq(kept + c.lost_events, TINY_RECORDS,
		     "%d rows + %llu lost = %llu, but the workload made %d records", kept,
		     (unsigned long long)c.lost_events, (unsigned long long)(kept + c.lost_events),
		     TINY_RECORDS);
	doc = bpf_json(csv);
	summary = json_object_get(doc, "summary");
	cr_expect_eq(bpf_json_int(summary, "lost_events", -1), (long long)c.lost_events,
		     "the reconstructor reports the loss");
	cr_expect_eq(bpf_json_int(summary, "lost_rows", -1), rows);
	cr_expect_eq(json_array_size(json_object_get(doc, "lost")), (size_t)rows);
	json_decref(doc);
	rows_free(&c);
}

/* ---- a recorder killed with SIGKILL leaves no program attached ---- */

struct bpf_ids {
	unsigned progs[64], links[64];
	int nprogs, nlinks;
};

/* Add @id to @ids (at most @max, each once). */
static void add_id(unsigned *ids, int *n, int max, unsigned id)
{
	for (int i = 0; i < *n; i++)
		if (ids[i] == id)
			return;
	if (*n < max)
		ids[(*n)++] = id;
}

/* The prog_id and link_id of every BPF file descriptor @pid holds (/proc/PID/fdinfo). */
static void bpf_ids_of(pid_t pid, struct bpf_ids *ids)
{
	char path[300], line[256];
	struct dirent *d;
	DIR *dp;

	memset(ids, 0, sizeof(*ids));
	snprintf(path, sizeof(path), "/proc/%d/fdinfo", (int)pid);
	dp = opendir(path);
	if (!dp)
		return;
	while ((d = readdir(dp))) {
		FILE *fp;
		unsigned id;

		if (d->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "/proc/%d/fdinfo/%s", (int)pid, d->d_name);
		fp = fopen(path, "r");
		if (!fp)
			continue;
		while (fgets(line, sizeof(line), fp)) {
			if (sscanf(line, "prog_id: %u", &id) == 1)
				add_id(ids->progs, &ids->nprogs, 64, id);
			else if (sscanf(line, "link_id: %u", &id) == 1)
				add_id(ids->links, &ids->nlinks, 64, id);
		}
		fclose(fp);
	}
	closedir(dp);
}

/* Whether the program (@link false) or link @id still exists in the kernel. */
static bool bpf_id_exists(unsigned id, bool link)
{
	int fd = link ? bpf_link_get_fd_by_id(id) : bpf_prog_get_fd_by_id(id);

	if (fd >= 0) {
		close(fd);
		return true;
	}
	cr_expect_eq(errno, ENOENT, "%s id %u: %s, want ENOENT", link ? "link" : "prog", id,
		     strerror(errno));
	return errno != ENOENT;
}

/* How many of @ids' programs and links still exist. */
static int bpf_ids_left(const struct bpf_ids *ids)
{
	int left = 0;

	for (int i = 0; i < ids->nprogs; i++)
		left += bpf_id_exists(ids->progs[i], false);
	for (int i = 0; i < ids->nlinks; i++)
		left += bpf_id_exists(ids->links[i], true);
	return left;
}

Test(bpf_engine, sigkilled_recorder_leaves_no_program, .timeout = 60)
{
	char csv[128], err[160];
	char *cmd[] = { "/bin/sleep", "30", NULL };
	struct bpf_ids ids;
	pid_t pid;
	int st, ms, left = -1;

	snprintf(csv, sizeof(csv), "%s/killed.csv", dir);
	snprintf(err, sizeof(err), "%s.err", csv);
	pid = bpf_start("bpf", csv, NULL, cmd, err);
	/* recording: the fork, exec and exit programs are loaded and attached (links) */
	for (ms = 0; ms < 20000; ms += 20) {
		bpf_ids_of(pid, &ids);
		if (ids.nlinks >= 3)
			break;
		ft_sleep_ms(20);
	}
	if (ids.nlinks < 3) {
		kill(-pid, SIGKILL);
		waitpid(pid, NULL, 0);
		cr_assert_fail("the recorder never attached its programs (%d links, %d programs)",
			       ids.nlinks, ids.nprogs);
	}
	cr_log_info("recorder %d: %d programs, %d links", (int)pid, ids.nprogs, ids.nlinks);
	cr_expect_geq(ids.nprogs, 3, "fork, exec and exit programs");
	ft_sleep_ms(200); /* let the workload start: recording is under way */
	kill(pid, SIGKILL);
	st = ft_wait(pid);
	cr_expect(WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL, "status %#x", st);
	/*
	 * Checked while the workload still runs: a BPF fd it inherited would
	 * keep a program alive after the recorder's death.  The recorder's fds
	 * are closed before it is reaped; the kernel may free a beat later.
	 */
	for (ms = 0; ms <= 5000; ms += 50) {
		left = bpf_ids_left(&ids);
		if (left == 0)
			break;
		ft_sleep_ms(50);
	}
	/* the sleep (in the recorder's process group) must not outlive the test */
	kill(-pid, SIGKILL);
	cr_expect_eq(left, 0, "%d of the killed recorder's programs and links still exist", left);
}

/* ---- no privilege ---- */

/* Whether @pw may run the recorder and write into the test's directory; else why not. */
static const char *reachable_by(const struct passwd *pw)
{
	pid_t pid = fork();
	int st;

	cr_assert_geq(pid, 0);
	if (pid == 0) {
		if (setgroups(0, NULL) < 0 || setgid(pw->pw_gid) < 0 || setuid(pw->pw_uid) < 0)
			_exit(1);
		if (access(PROG_RECORD, X_OK) < 0)
			_exit(2);
		_exit(access(dir, W_OK | X_OK) < 0 ? 3 : 0);
	}
	st = ft_wait(pid);
	if (!WIFEXITED(st) || WEXITSTATUS(st) == 1)
		return "cannot become nobody";
	if (WEXITSTATUS(st) == 2)
		return "nobody cannot execute " PROG_RECORD " (a directory above is not 755)";
	if (WEXITSTATUS(st) == 3)
		return "nobody cannot write the test's directory";
	return NULL;
}

/* The last line of @text (without its newline), in @buf. */
static const char *last_line(const char *text, char *buf, size_t size)
{
	size_t len = strlen(text);
	const char *p;

	while (len && text[len - 1] == '\n')
		len--;
	for (p = text + len; p > text && p[-1] != '\n'; p--)
		;
	snprintf(buf, size, "%.*s", (int)(len - (p - text)), p);
	return buf;
}

Test(bpf_engine, without_privilege_bpf_fails_and_auto_falls_back, .timeout = 60)
{
	struct passwd *pw = getpwnam("nobody");
	char csv[128], csv2[128], err[160], err2[160], line[4096], *text;
	char *bpf_argv[] = {
		PROG_RECORD, "--processtree-engine", "bpf", "-q", "-o", csv, "--", "/bin/true", NULL
	};
	/* no -q: the end line is where auto says why it passed engines over */
	char *auto_argv[] = { PROG_RECORD, "-o", csv2, "--", "/bin/true", NULL };
	char asan_opts[1024];
	const char *why, *asan;
	struct csv_reader *r;
	int st;

	cr_assert_not_null(pw, "this machine has a 'nobody' user");
	cr_assert_eq(chmod(dir, 0777), 0);
	why = reachable_by(pw);
	if (why)
		TEST_SKIP_OR_FAIL("%s", why);
	snprintf(csv, sizeof(csv), "%s/np-bpf.csv", dir);
	snprintf(err, sizeof(err), "%s.err", csv);
	snprintf(csv2, sizeof(csv2), "%s/np-auto.csv", dir);
	snprintf(err2, sizeof(err2), "%s.err", csv2);

	st = bpf_wait(bpf_spawn(bpf_argv, NULL, err, pw), 60);
	text = slurp_or_empty(err);
	cr_log_info("as nobody, bpf: status %#x: %s", st, text);
	cr_expect(WIFEXITED(st) && WEXITSTATUS(st) != 0, "status %#x: the bpf engine cannot load",
		  st);
	cr_expect(text[0] && strchr(text, '\n') && !strchr(text, '\n')[1], "one line: '%s'", text);
	cr_expect_not_null(strstr(text, "CAP_BPF"), "the error names CAP_BPF: '%s'", text);
	free(text);

	/*
	 * auto tries ftrace, and libtracefs 1.6.4 leaks a few strings when it
	 * finds tracefs unusable (tracefs_instance_create()): not ours to fix,
	 * and the process exits right after, so no leak check for this run.
	 */
	asan = getenv("ASAN_OPTIONS");
	snprintf(asan_opts, sizeof(asan_opts), "%s%sdetect_leaks=0", asan ? asan : "",
		 asan && *asan ? ":" : "");
	st = bpf_wait(bpf_spawn_env(auto_argv, NULL, err2, pw, "ASAN_OPTIONS", asan_opts), 60);
	text = slurp_or_empty(err2);
	cr_log_info("as nobody, auto: status %#x: %s", st, text);
	cr_expect(WIFEXITED(st) && WEXITSTATUS(st) == 0, "status %#x: auto records with ptrace",
		  st);
	last_line(text, line, sizeof(line));
	cr_expect_not_null(strstr(line, "bpf: "), "the end line says why not bpf: '%s'", line);
	cr_expect_not_null(strstr(line, "CAP_BPF"), "the end line names CAP_BPF: '%s'", line);
	cr_expect_not_null(strstr(line, "ftrace: "), "the end line says why not ftrace: '%s'",
			   line);
	free(text);
	r = csv_reader_open(csv2);
	cr_assert_not_null(r, "%s", err_msg());
	cr_expect_str_eq(csv_reader_meta(r)->engine, "ptrace", "#engine");
	csv_reader_free(r);
}

/* a ring over 2 GiB cannot be made (max_entries is 32 bits): a usage error, one line */
Test(bpf_engine, buffer_over_2_gib_is_refused, .timeout = 60)
{
	char csv[128], err[160], *text;
	char *argv[] = { PROG_RECORD,
			 "--processtree-engine",
			 "bpf",
			 "-q",
			 "--buffer-size",
			 "4G",
			 "-o",
			 csv,
			 "--",
			 "/bin/true",
			 NULL };
	int st;

	snprintf(csv, sizeof(csv), "%s/big-ring.csv", dir);
	snprintf(err, sizeof(err), "%s.err", csv);
	st = bpf_wait(bpf_spawn(argv, NULL, err, NULL), 60);
	text = slurp_or_empty(err);
	cr_expect(WIFEXITED(st) && WEXITSTATUS(st) == 2, "status %#x: a usage error (2)", st);
	cr_expect(text[0] && strchr(text, '\n') && !strchr(text, '\n')[1], "one line: '%s'", text);
	cr_expect_not_null(strstr(text, "limit of 2097152K"), "the error gives the limit: '%s'",
			   text);
	free(text);
}

/* ---- three engines on one run ---- */

Test(bpf_engine, bpf_ftrace_ptrace_side_by_side_agree, .timeout = 120)
{
	static const char *const engines[] = { "bpf", "ftrace", "ptrace" };
	char csv[128], path[3][160], err[160], *text;
	char *cmd[] = { "/bin/sh", "-c",
			"ls / | wc -l >/dev/null; /bin/echo 'a,b' \"c\" >/dev/null; "
			"(/bin/true; exit 2); exit 3",
			NULL };
	char *cmp[] = { PROG_RECONSTRUCT, "--compare", path[0], path[2], NULL };
	struct ft_guard guard;
	struct rows c;
	pid_t pid;
	int st, procs[3];

	FT_REQUIRE();
	ft_guard_begin(&guard);
	snprintf(csv, sizeof(csv), "%s/run.csv", dir);
	snprintf(err, sizeof(err), "%s.err", csv);
	pid = bpf_start("bpf,ftrace,ptrace", csv, NULL, cmd, err);
	ft_guard_recorder(&guard, pid);
	st = bpf_wait(pid, 100);
	text = slurp_or_empty(err);
	cr_log_info("recorder stderr: %s", text);
	free(text);
	cr_expect(WIFEXITED(st) && WEXITSTATUS(st) == 3, "the workload's status, got %#x", st);
	for (int i = 0; i < 3; i++) {
		struct csv_reader *r;

		snprintf(path[i], sizeof(path[i]), "%s/run.%s.csv", dir, engines[i]);
		r = csv_reader_open(path[i]);
		cr_assert_not_null(r, "%s", err_msg());
		cr_expect_str_eq(csv_reader_meta(r)->engine, engines[i]);
		csv_reader_free(r);
		rows_load(path[i], &c);
		cr_expect(c.has_trailer && !c.interrupted, "%s: complete", path[i]);
		cr_expect_eq(c.lost_events, 0, "%s", path[i]);
		procs[i] = ft_check_only_workload(&c);
		rows_free(&c);
	}
	cr_expect(procs[0] == procs[1] && procs[1] == procs[2], "processes: %d, %d, %d", procs[0],
		  procs[1], procs[2]);
	snprintf(err, sizeof(err), "%s/compare.out", dir);
	st = bpf_wait(bpf_spawn(cmp, err, NULL, NULL), 60);
	text = slurp_or_empty(err);
	cr_expect(WIFEXITED(st) && WEXITSTATUS(st) == 0, "--compare bpf ptrace: status %#x:\n%s",
		  st, text);
	free(text);
	ft_guard_end(&guard);
}

/*
 * One test at a time: the workloads are fork-heavy and the machine may be
 * small (two CPUs); side by side they would only slow each other down.
 */
SERIAL_MAIN()
