// SPDX-License-Identifier: MIT OR GPL-2.0
/*
 * The bpf engine's kernel side: three programs on the scheduler's process
 * tracepoints (BTF-typed, so they see the task_structs themselves).
 *
 * The workload is followed here, in the kernel: @tracked maps a process
 * (tgid) to its leader's start_time.  The recorder seeds the root; the fork
 * program adds every process a tracked one creates; the exit program
 * removes a process when its last thread exits.  A pid taken again by an
 * unrelated process never matches, since its start_time differs, and a pid
 * reused within microseconds by a process of the workload is followed from
 * its fork: nothing waits for the old task to be freed.
 *
 * Events of untracked processes never leave the kernel.  The rest go to one
 * ring buffer; a record that does not fit is counted per CPU in @losses
 * (the reader turns the counts into `lost` rows), never dropped in silence.
 * The reader is not woken per event: only when the buffer holds more than
 * @wake_bytes; otherwise it reads on its own timer.
 */
#include "vmlinux.h"
#include <bpf/bpf_core_read.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>

#include "bpf_event.h"

char LICENSE[] SEC("license") = "Dual MIT/GPL";

/* include/linux/sched/signal.h */
#define SIGNAL_GROUP_EXIT 0x00000004

/* set by the reader before loading */
const volatile __u64 wake_bytes = 1;

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 8 << 20); /* resized by the reader */
} events SEC(".maps");

/*
 * tgid -> the leader's start_time (0: the root as seeded, any start_time).
 * Sized for the processes of one workload alive at once; one that does not
 * fit is counted (ptb_loss.untracked), never dropped in silence.  Not
 * preallocated, but the kernel still allocates and clears one bucket per
 * entry at creation: PID_MAX_LIMIT (4M) entries cost every recording 330 ms.
 */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__uint(max_entries, 131072);
	__type(key, __u32);
	__type(value, __u64);
} tracked SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct ptb_loss);
} losses SEC(".maps");

/*
 * An exec record is built here before it is copied into the ring buffer:
 * its size is known only once argv has been read.  One slot per CPU (the
 * reader sets max_entries); the exec program cannot run twice at once on a
 * CPU (the kernel skips and counts a nested run: recursion_misses).
 */
struct ptb_exec_buf {
	struct ptb_event ev;
	char data[PTB_PATH_MAX + PTB_ARGV_CAP];
};

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct ptb_exec_buf);
} scratch SEC(".maps");

/* keep the compiler from folding a bounds check the verifier must see */
#define KEEP(x) asm volatile("" : "+r"(x))

static __always_inline void lose(void)
{
	__u32 zero = 0;
	struct ptb_loss *l = bpf_map_lookup_elem(&losses, &zero);

	if (l) {
		__sync_fetch_and_add(&l->count, 1);
		l->last_ns = bpf_ktime_get_ns();
	}
}

static __always_inline __u64 wake_flag(void)
{
	return bpf_ringbuf_query(&events, BPF_RB_AVAIL_DATA) >= wake_bytes ? BPF_RB_FORCE_WAKEUP
									   : BPF_RB_NO_WAKEUP;
}

static __always_inline bool is_tracked(struct task_struct *t)
{
	__u32 tgid = BPF_CORE_READ(t, tgid);
	__u64 *start = bpf_map_lookup_elem(&tracked, &tgid);
	__u64 leader_start;

	if (!start)
		return false;
	leader_start = BPF_CORE_READ(t, group_leader, start_time);
	if (*start == 0) {
		*start =
			leader_start; /* the root: its own pid cannot be reused while we follow it */
		return true;
	}
	return *start == leader_start;
}

static __always_inline void fill_task(struct ptb_event *e, __u32 kind, struct task_struct *t)
{
	e->ts = bpf_ktime_get_ns();
	e->kind = kind;
	e->cpu = bpf_get_smp_processor_id();
	e->pid = BPF_CORE_READ(t, tgid);
	e->tid = BPF_CORE_READ(t, pid);
	e->ppid = BPF_CORE_READ(t, real_parent, tgid);
	BPF_CORE_READ_STR_INTO(&e->comm, t, comm);
}

SEC("tp_btf/sched_process_fork")
int BPF_PROG(ptb_fork, struct task_struct *parent, struct task_struct *child)
{
	struct ptb_event *e;
	__u32 ctgid;
	bool thread;

	if (!is_tracked(parent))
		return 0;
	ctgid = BPF_CORE_READ(child, tgid);
	thread = ctgid == BPF_CORE_READ(parent, tgid);
	if (!thread) {
		__u64 start = BPF_CORE_READ(child, start_time);

		if (bpf_map_update_elem(&tracked, &ctgid, &start, BPF_ANY) < 0) {
			__u32 zero = 0;
			struct ptb_loss *l = bpf_map_lookup_elem(&losses, &zero);

			if (l)
				__sync_fetch_and_add(&l->untracked, 1);
		}
	}
	e = bpf_ringbuf_reserve(&events, sizeof(*e), 0);
	if (!e) {
		lose();
		return 0;
	}
	__builtin_memset(e, 0, sizeof(*e));
	fill_task(e, PTB_FORK, parent);
	e->child_pid = ctgid;
	e->child_tid = BPF_CORE_READ(child, pid);
	e->flags = thread ? PTB_F_THREAD : 0;
	BPF_CORE_READ_STR_INTO(&e->child_comm, child, comm);
	bpf_ringbuf_submit(e, wake_flag());
	return 0;
}

SEC("tp_btf/sched_process_exec")
int BPF_PROG(ptb_exec, struct task_struct *p, pid_t old_pid, struct linux_binprm *bprm)
{
	__u32 key = 0;
	struct ptb_exec_buf *b;
	struct mm_struct *mm;
	__u64 name_len = 0, argv_len = 0, start, end, size, total;
	long n;

	if (!is_tracked(p))
		return 0;
	key = bpf_get_smp_processor_id();
	b = bpf_map_lookup_elem(&scratch, &key);
	if (!b) {
		lose();
		return 0;
	}
	__builtin_memset(&b->ev, 0, sizeof(b->ev));
	fill_task(&b->ev, PTB_EXEC, p);
	b->ev.old_tid = old_pid;
	n = bpf_probe_read_kernel_str(b->data, PTB_PATH_MAX, BPF_CORE_READ(bprm, filename));
	if (n > 0)
		name_len = n;
	else
		b->ev.flags |= PTB_F_NAME_FAULT;
	mm = BPF_CORE_READ(p, mm);
	if (!mm) {
		b->ev.flags |= PTB_F_NO_MM;
	} else {
		start = BPF_CORE_READ(mm, arg_start);
		end = BPF_CORE_READ(mm, arg_end);
		size = end > start ? end - start : 0;
		if (size > PTB_ARGV_CAP) {
			size = PTB_ARGV_CAP;
			b->ev.flags |= PTB_F_ARGV_CUT;
		}
		KEEP(name_len);
		if (name_len > PTB_PATH_MAX)
			name_len = PTB_PATH_MAX;
		KEEP(size);
		if (size > PTB_ARGV_CAP)
			size = PTB_ARGV_CAP;
		if (size && bpf_probe_read_user(b->data + name_len, size, (void *)start) == 0)
			argv_len = size;
		else if (size)
			b->ev.flags |= PTB_F_ARGV_FAULT;
	}
	b->ev.name_len = name_len;
	b->ev.argv_len = argv_len;
	total = sizeof(b->ev) + name_len + argv_len;
	KEEP(total);
	if (total > sizeof(*b))
		return 0;
	if (bpf_ringbuf_output(&events, b, total, wake_flag()) < 0)
		lose();
	return 0;
}

static __always_inline int handle_exit(struct task_struct *p, bool group_dead)
{
	struct ptb_event *e;
	__u32 tgid;

	if (!is_tracked(p))
		return 0;
	tgid = BPF_CORE_READ(p, tgid);
	/* the process is gone: its pid may be reused at once, by anyone */
	if (group_dead)
		bpf_map_delete_elem(&tracked, &tgid);
	e = bpf_ringbuf_reserve(&events, sizeof(*e), 0);
	if (!e) {
		lose();
		return 0;
	}
	__builtin_memset(e, 0, sizeof(*e));
	fill_task(e, PTB_EXIT, p);
	e->status = BPF_CORE_READ(p, exit_code);
	if (group_dead) {
		struct signal_struct *sig = BPF_CORE_READ(p, signal);
		struct task_struct *leader = BPF_CORE_READ(p, group_leader);

		e->flags |= PTB_F_GROUP;
		/* what wait(2) will report: wait_task_zombie()'s rule */
		if (BPF_CORE_READ(sig, flags) & SIGNAL_GROUP_EXIT)
			e->status = BPF_CORE_READ(sig, group_exit_code);
		else
			e->status = BPF_CORE_READ(leader, exit_code);
		/*
		 * Threads already released were added to the signal_struct; this
		 * one and a zombie leader not yet.  Not the children's times:
		 * those are the children's own exit rows.
		 */
		e->utime_ns = BPF_CORE_READ(sig, utime) + BPF_CORE_READ(p, utime);
		e->stime_ns = BPF_CORE_READ(sig, stime) + BPF_CORE_READ(p, stime);
		e->runtime_ns = BPF_CORE_READ(sig, sum_sched_runtime) +
				BPF_CORE_READ(p, se.sum_exec_runtime);
		e->minflt = BPF_CORE_READ(sig, min_flt) + BPF_CORE_READ(p, min_flt);
		e->majflt = BPF_CORE_READ(sig, maj_flt) + BPF_CORE_READ(p, maj_flt);
		e->nvcsw = BPF_CORE_READ(sig, nvcsw) + BPF_CORE_READ(p, nvcsw);
		e->nivcsw = BPF_CORE_READ(sig, nivcsw) + BPF_CORE_READ(p, nivcsw);
		if (leader != p) {
			e->utime_ns += BPF_CORE_READ(leader, utime);
			e->stime_ns += BPF_CORE_READ(leader, stime);
			e->runtime_ns += BPF_CORE_READ(leader, se.sum_exec_runtime);
			e->minflt += BPF_CORE_READ(leader, min_flt);
			e->majflt += BPF_CORE_READ(leader, maj_flt);
			e->nvcsw += BPF_CORE_READ(leader, nvcsw);
			e->nivcsw += BPF_CORE_READ(leader, nivcsw);
		}
		/* do_exit() saved the peak of the mm in signal->maxrss before this */
		e->maxrss_pages = BPF_CORE_READ(sig, maxrss);
	}
	bpf_ringbuf_submit(e, wake_flag());
	return 0;
}

/* kernels since 6.16 say whether the group is dead */
SEC("tp_btf/sched_process_exit")
int BPF_PROG(ptb_exit, struct task_struct *p, bool group_dead)
{
	return handle_exit(p, group_dead);
}

/* older kernels: the last thread is the one that found signal->live at 0 */
SEC("tp_btf/sched_process_exit")
int BPF_PROG(ptb_exit_live, struct task_struct *p)
{
	return handle_exit(p, BPF_CORE_READ(p, signal, live.counter) == 0);
}
