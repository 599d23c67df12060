// SPDX-License-Identifier: MIT
/*
 * The live status line (a thread redrawing one stderr line twice a second
 * while stderr is a terminal) and the closing summary.
 */
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "clock.h"
#include "recorder.h"

struct rec_status {
	const struct engine_ops *const *ops;
	struct engine *const *eng;
	int n;
	uint64_t start;
	pthread_t thread;
	pthread_mutex_t lock;
	pthread_cond_t cond;
	bool stop;
};

static void draw(struct rec_status *s)
{
	struct engine_stats st = { 0 };
	uint64_t lost = 0;
	double t = (clock_mono_ns() - s->start) / 1e9;

	for (int i = 0; i < s->n; i++) {
		struct engine_stats e = { 0 };

		s->ops[i]->stats(s->eng[i], &e);
		if (i == 0)
			st = e;
		lost += e.lost;
	}
	fprintf(stderr, "\r\033[Kproctree-record: %.1fs  %llu processes  %llu alive  %llu lost",
		t, (unsigned long long)st.procs, (unsigned long long)st.alive,
		(unsigned long long)lost);
	fflush(stderr);
}

static void *status_main(void *arg)
{
	struct rec_status *s = arg;
	struct timespec until;

	pthread_mutex_lock(&s->lock);
	while (!s->stop) {
		draw(s);
		clock_gettime(CLOCK_REALTIME, &until);
		until.tv_nsec += 500 * 1000 * 1000;
		if (until.tv_nsec >= 1000000000) {
			until.tv_sec++;
			until.tv_nsec -= 1000000000;
		}
		pthread_cond_timedwait(&s->cond, &s->lock, &until);
	}
	pthread_mutex_unlock(&s->lock);
	return NULL;
}

struct rec_status *rec_status_start(const struct engine_ops *const *ops,
				    struct engine *const *eng, int n, bool quiet)
{
	struct rec_status *s;
	sigset_t all, old;

	if (quiet || n == 0 || !isatty(STDERR_FILENO))
		return NULL;
	s = calloc(1, sizeof(*s));
	if (!s)
		return NULL;
	s->ops = ops;
	s->eng = eng;
	s->n = n;
	s->start = clock_mono_ns();
	pthread_mutex_init(&s->lock, NULL);
	pthread_cond_init(&s->cond, NULL);
	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old); /* signals go to the main thread */
	if (pthread_create(&s->thread, NULL, status_main, s)) {
		pthread_sigmask(SIG_SETMASK, &old, NULL);
		free(s);
		return NULL;
	}
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	return s;
}

void rec_status_stop(struct rec_status *s)
{
	if (!s)
		return;
	pthread_mutex_lock(&s->lock);
	s->stop = true;
	pthread_cond_signal(&s->cond);
	pthread_mutex_unlock(&s->lock);
	pthread_join(s->thread, NULL);
	fprintf(stderr, "\r\033[K");
	fflush(stderr);
	pthread_mutex_destroy(&s->lock);
	pthread_cond_destroy(&s->cond);
	free(s);
}

void rec_summary(const struct engine_ops *const *ops, struct engine *const *eng,
		 char *const *paths, const bool *ok, int n, int status, double seconds,
		 const char *fallback, int failed_exit)
{
	const char *where;
	char how[64];

	if (status < 0)
		snprintf(how, sizeof(how), "was still running when recording stopped");
	else if (WIFSIGNALED(status))
		snprintf(how, sizeof(how), "was killed by signal %d (%s)", WTERMSIG(status),
			 strsignal(WTERMSIG(status)));
	else
		snprintf(how, sizeof(how), "exited with status %d", WEXITSTATUS(status));
	fprintf(stderr, "proctree-record: the command %s after %.2f s.", how, seconds);
	for (int i = 0; i < n; i++) {
		struct engine_stats st = { 0 };

		if (!eng[i])
			continue;
		ops[i]->stats(eng[i], &st);
		where = strcmp(paths[i], "-") ? paths[i] : "standard output";
		if (ok[i])
			fprintf(stderr, " %s: %llu processes, %llu execs, %llu lost events%s, %llu still "
				"alive; wrote %s.", ops[i]->name, (unsigned long long)st.procs,
				(unsigned long long)st.execs, (unsigned long long)st.lost,
				st.lost ? " (the tree may be incomplete)" : "",
				(unsigned long long)st.alive, where);
		else
			fprintf(stderr, " %s: recording failed; %s may be incomplete.",
				ops[i]->name, where);
	}
	if (fallback && n == 1 && eng[0])
		fprintf(stderr, " Engine %s chosen by auto: %s.", ops[0]->name, fallback);
	if (failed_exit >= 0)
		fprintf(stderr, " Exit status %d: the recording failed.", failed_exit);
	fputc('\n', stderr);
}
