/* SPDX-License-Identifier: MIT */
/*
 * fsvm_pocl_exec.c - commands, events and queues of the fsvm pocl driver.
 *
 * A command reaches the driver through submit() (user thread, when it is
 * enqueued) or notify() (any thread, when its last dependency finished).
 * Once it has no pending dependency:
 *
 *  - an NDRange of a built-in kernel is launched at once: its arguments go
 *    into a dispatch packet (fsvm_launch_ex: ring stores plus one doorbell
 *    write) whose completion record lives in the event's driver data, and
 *    the event joins the device's in-flight FIFO;
 *  - a host command (read/write/copy/fill/map, SVM copy/fill, marker,
 *    barrier, ...) runs through pocl_exec_command: inline in submit(), or on
 *    the host thread when it became ready inside notify() (pocl holds event
 *    locks there).
 *
 * The completion thread blocks in fsvm_wait() on the oldest launch in
 * flight: libfsvm spins briefly on the record and then sleeps on the
 * device's completion interrupt (a futex in sim, the kmod's FSVM_IOC_WAIT
 * on a board). It completes the event (or fails it with the fault) and pocl
 * wakes the waiters: clFinish through notify_cmdq_finished, clWaitForEvents
 * through notify_event_finished, dependent commands through notify().
 * Nothing in the driver sleeps on a timer.
 *
 * Profiling: the driver keeps its own timestamps (has_own_timer): queued,
 * submitted and host-side running/end times from pocl's host clock; start
 * and end of a kernel from the device ticks in its completion record,
 * converted with the clock pairing taken at init; with
 * POCL_FSVM_PROFILING=modelled (sim), end = start + the modelled cycles;
 * on rtl, whose clock counts simulated cycles, end = start + the record's
 * end - start ticks.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common.h"
#include "pocl_mem_management.h"
#include "pocl_timing.h"
#include "pocl_util.h"

#include "fsvm_cl_ext.h"
#include "fsvm_pocl.h"

enum host_action { HOST_EXEC = 0, HOST_COMPLETE = 1 };

/* launch_kernel() results besides a negative OpenCL error */
#define LAUNCHED	0
#define NOTHING_TO_DO	1	/* a global size of 0: complete without running */

uint64_t fsvm_pocl_ticks_to_ns(const struct fsvm_pocl_device *d, uint64_t ticks)
{
	uint64_t hz = d->info.clock_hz, diff, ns;

	if (hz == 0)
		return pocl_gettimemono_ns();
	diff = ticks >= d->base_ticks ? ticks - d->base_ticks : d->base_ticks - ticks;
	ns = diff / hz * 1000000000ull + diff % hz * 1000000000ull / hz;
	if (ticks >= d->base_ticks)
		return d->base_host_ns + ns;
	return d->base_host_ns > ns ? d->base_host_ns - ns : 0;
}

static cl_int status_of(int fsvm_err)
{
	switch (fsvm_err) {
	case FSVM_ERR_FAULT:
		return CL_OUT_OF_RESOURCES;	/* the kernel touched memory it may not */
	case FSVM_ERR_INVAL:
	case FSVM_ERR_BAD_PACKET:
		return CL_INVALID_KERNEL_ARGS;
	case FSVM_ERR_NOMEM:
		return CL_OUT_OF_HOST_MEMORY;
	case FSVM_ERR_ABORTED:
	case FSVM_ERR_IO:
	case FSVM_ERR_NODEV:
	case FSVM_ERR_PERM:
		return CL_DEVICE_NOT_AVAILABLE;
	default:
		return CL_OUT_OF_RESOURCES;
	}
}

/* ------------------------------------------------------------------ */
/* Host thread                                                         */
/* ------------------------------------------------------------------ */

/* Hand a command to the host thread: run it (action HOST_EXEC), complete it
 * (HOST_COMPLETE) or fail it (a negative OpenCL status). Safe under pocl's
 * event locks: it only takes the host queue's lock. */
static void queue_host(struct fsvm_pocl_device *d, _cl_command_node *node, cl_int action)
{
	struct fsvm_pocl_event *ed = node->sync.event.event->data;
	struct fsvm_pocl_host_item *it = &ed->host;	/* submit() saw ed != NULL */

	it->node = node;
	it->action = action;
	it->next = NULL;
	pthread_mutex_lock(&d->host_lock);
	if (d->host_tail)
		d->host_tail->next = it;
	else
		d->host_head = it;
	d->host_tail = it;
	pthread_cond_signal(&d->host_cond);
	pthread_mutex_unlock(&d->host_lock);
}

static void *host_thread_main(void *arg)
{
	struct fsvm_pocl_device *d = arg;

	for (;;) {
		struct fsvm_pocl_host_item *it;

		pthread_mutex_lock(&d->host_lock);
		while (d->host_head == NULL && !d->host_stop)
			pthread_cond_wait(&d->host_cond, &d->host_lock);
		it = d->host_head;
		if (it) {
			d->host_head = it->next;
			if (d->host_head == NULL)
				d->host_tail = NULL;
		}
		pthread_mutex_unlock(&d->host_lock);
		if (it == NULL)
			break;

		/* it lives in the event's data: copy it, the event may be
		 * released as soon as it is complete */
		_cl_command_node *node = it->node;
		cl_int action = it->action;
		cl_event ev = node->sync.event.event;

		if (action == HOST_EXEC)
			pocl_exec_command(node);
		else if (action == HOST_COMPLETE)
			POCL_UPDATE_EVENT_COMPLETE_MSG(ev, "fsvm NDRange (empty)  ");
		else
			POCL_UPDATE_EVENT_FAILED(action, ev);
	}
	return NULL;
}

/* ------------------------------------------------------------------ */
/* Kernel launches and the completion thread                           */
/* ------------------------------------------------------------------ */

/*
 * Launch the NDRange command of node. The event is locked and SUBMITTED.
 * LAUNCHED: in flight, the completion thread finishes it; NOTHING_TO_DO or
 * a negative status: the caller completes/fails the event outside locks.
 */
/* A compiled OpenCL C kernel: a FSVM_PKT_COMPILED packet through the ring. */
static cl_int launch_compiled(struct fsvm_pocl_device *d, _cl_command_node *node,
			      const struct fsvm_pocl_ckernel *ck)
{
	cl_event event = node->sync.event.event;
	struct fsvm_pocl_event *ed = event->data;
	_cl_command_run *run = &node->command.run;
	struct fsvm_compiled_launch *cd = &ed->cdesc;
	int err;

	memset(cd, 0, sizeof(*cd));
	cd->handle = ck->handle;
	cd->work_dim = run->pc.work_dim ? run->pc.work_dim : 1;
	cd->nargs = ck->nargs;
	cd->args_va = (uint64_t)(uintptr_t)ed->cslots;
	for (unsigned i = 0; i < FSVM_COMPILED_MAX_DIM; i++) {
		uint64_t l = run->pc.local_size[i] ? run->pc.local_size[i] : 1;
		uint64_t g = (uint64_t)run->pc.num_groups[i] * l;

		if (i < cd->work_dim && g == 0)
			return NOTHING_TO_DO;
		if (i >= cd->work_dim)
			continue;
		cd->global_size[i] = g;
		cd->local_size[i] = l;
		cd->global_offset[i] = run->pc.global_offset[i];
	}
	for (unsigned a = 0; a < ck->nargs; a++) {
		const struct pocl_argument *al = &run->arguments[a];
		unsigned as = ck->args[a].addr_space;

		ed->cslots[a] = 0;
		if (as == 3) {			/* __local: its size */
			ed->cslots[a] = al->size;
		} else if (as != 0) {		/* global/constant pointer */
			ed->cslots[a] = (uint64_t)(uintptr_t)pocl_cpu_get_ptr(
				(struct pocl_argument *)al, node->device->global_mem_id);
		} else {
			if (al->value == NULL)
				return CL_INVALID_KERNEL_ARGS;
			memcpy(&ed->cslots[a], al->value, al->size < 8 ? al->size : 8);
		}
	}
	if (ed->printf_buf == NULL && ck->uses_printf)
		ed->printf_buf = aligned_alloc(8, FSVM_POCL_PRINTF_BYTES);
	if (ed->printf_buf) {
		ed->printf_buf[0] = 0;
		cd->printf_va = (uint64_t)(uintptr_t)ed->printf_buf;
		cd->printf_size = FSVM_POCL_PRINTF_BYTES;
	}
	ed->kdesc = NULL;
	ed->cname = ck->name;
	ed->node = node;
	ed->next = NULL;
	ed->launched = 1;
	pthread_mutex_lock(&d->lock);
	err = fsvm_launch_compiled(d->ctx, cd, &ed->rec, event->id);
	if (err == FSVM_OK) {
		if (d->inflight_tail)
			d->inflight_tail->next = ed;
		else {
			d->inflight_head = ed;
			pthread_cond_signal(&d->work_cond);
		}
		d->inflight_tail = ed;
	}
	pthread_mutex_unlock(&d->lock);
	if (err != FSVM_OK) {
		ed->launched = 0;
		POCL_MSG_ERR("fsvm: launch of %s failed: %s\n", ck->name, fsvm_strerror(err));
		return status_of(err);
	}
	return LAUNCHED;
}

static cl_int launch_kernel(struct fsvm_pocl_device *d, _cl_command_node *node)
{
	cl_event event = node->sync.event.event;
	struct fsvm_pocl_event *ed = event->data;
	_cl_command_run *run = &node->command.run;
	const struct fsvm_kernel_desc *k;
	uint64_t slots[FSVM_MAX_ARGS];
	uint64_t grid = 1;
	cl_int st;
	int err;

	pocl_update_event_running_unlocked(event);
	if (d->ctx == NULL || ed == NULL)
		return CL_DEVICE_NOT_AVAILABLE;
	{
		const struct fsvm_pocl_ckernel *ck = fsvm_pocl_find_compiled(
			run->kernel->program, node->program_device_i, run->kernel->name);

		if (ck)
			return launch_compiled(d, node, ck);
	}
	k = fsvm_pocl_find_kernel(d, run->kernel->name);
	if (k == NULL) {
		POCL_MSG_ERR("fsvm: '%s' is not a kernel of this device\n", run->kernel->name);
		return CL_INVALID_KERNEL;
	}
	for (unsigned i = 0; i < 3; i++) {
		uint64_t n = (uint64_t)run->pc.num_groups[i] * run->pc.local_size[i];

		if (i >= run->pc.work_dim && n == 0)
			n = 1;
		grid = (n && grid > UINT32_MAX / n) ? UINT32_MAX : grid * n;
	}
	if (grid == 0)
		return NOTHING_TO_DO;
	st = fsvm_pocl_pack_args(node->device, k, run->arguments, slots);
	if (st != CL_SUCCESS)
		return st;

	struct fsvm_launch_params p = {
		.kernel_id = k->id,
		.args = slots,
		.nargs = k->nargs,
		.grid_size = (uint32_t)grid,
		.rec = &ed->rec,
		.user_tag = event->id,
	};

	ed->kdesc = k;
	ed->node = node;
	ed->next = NULL;
	ed->launched = 1;
	pthread_mutex_lock(&d->lock);
	err = fsvm_launch_ex(d->ctx, &p);
	if (err == FSVM_OK) {
		if (d->inflight_tail)
			d->inflight_tail->next = ed;
		else {
			d->inflight_head = ed;
			pthread_cond_signal(&d->work_cond);
		}
		d->inflight_tail = ed;
	}
	pthread_mutex_unlock(&d->lock);
	if (err != FSVM_OK) {
		ed->launched = 0;
		fsvm_log(FSVM_LOG_ERROR, "pocl: launch of %s%s failed: %s",
			 FSVM_POCL_KERNEL_PREFIX, k->name, fsvm_strerror(err));
		POCL_MSG_ERR("fsvm: launch of %s failed: %s\n", run->kernel->name,
			     fsvm_strerror(err));
		return status_of(err);
	}
	return LAUNCHED;
}

/* "fsvm.<built-in>" or the OpenCL C kernel's name (thread-local buffer). */
static const char *kname_of(const struct fsvm_pocl_event *ed)
{
	static __thread char buf[96];

	if (ed->kdesc)
		snprintf(buf, sizeof(buf), "%s%s", FSVM_POCL_KERNEL_PREFIX, ed->kdesc->name);
	else
		snprintf(buf, sizeof(buf), "%s", ed->cname ? ed->cname : "?");
	return buf;
}

/* The kernel's printf output, printed by the host when it completed. */
static void print_printf(const struct fsvm_pocl_event *ed)
{
	uint64_t n;

	if (ed->kdesc || ed->printf_buf == NULL)
		return;
	n = ed->printf_buf[0];
	if (n > FSVM_POCL_PRINTF_BYTES - 8)
		n = FSVM_POCL_PRINTF_BYTES - 8;
	if (n) {
		fwrite(ed->printf_buf + 1, 1, (size_t)n, stdout);
		fflush(stdout);
	}
}

/* cl_fsvm_fault_report (fsvm_cl_ext.h): the context's pfn_notify. */
static void report_fault(struct fsvm_pocl_event *ed, const struct fsvm_fault *fault,
			 const char *text)
{
	cl_context c = ed->event->context;
	struct cl_fsvm_fault_info info;
	char msg[320];

	if (c == NULL || c->error_notify == NULL)
		return;
	memset(&info, 0, sizeof(info));
	info.size = sizeof(info);
	info.is_write = fault->write ? 1u : 0u;
	info.va = fault->va;
	info.syndrome = fault->syndrome;
	info.in_packet = fault->in_packet ? 1u : 0u;
	info.event_id = ed->event->id;
	snprintf(info.kernel_name, sizeof(info.kernel_name), "%.63s", kname_of(ed));
	snprintf(msg, sizeof(msg), "fsvm: kernel %s (event %llu) faulted: %s at VA 0x%llx: %s",
		 info.kernel_name, (unsigned long long)info.event_id,
		 info.is_write ? "write" : "read", (unsigned long long)info.va, text);
	c->error_notify(msg, &info, sizeof(info), c->error_notify_data);
}

static void finish_kernel(struct fsvm_pocl_event *ed, int err, const struct fsvm_fault *fault)
{
	cl_event event = ed->event;

	print_printf(ed);
	if (err == FSVM_OK) {
		POCL_UPDATE_EVENT_COMPLETE_MSG(event, "fsvm NDRange          ");
		return;
	}
	if (err == FSVM_ERR_FAULT) {
		char text[160];

		fsvm_fault_describe(fault, text, sizeof(text));
		fsvm_log(FSVM_LOG_ERROR, "pocl: kernel %s (event %llu) faulted: %s",
			 kname_of(ed), (unsigned long long)event->id, text);
		POCL_MSG_ERR("fsvm: kernel %s faulted: %s (event %llu -> %d)\n",
			     kname_of(ed), text, (unsigned long long)event->id, status_of(err));
		report_fault(ed, fault, text);
	} else {
		fsvm_log(FSVM_LOG_ERROR, "pocl: kernel %s (event %llu) failed: %s",
			 kname_of(ed), (unsigned long long)event->id, fsvm_strerror(err));
		POCL_MSG_ERR("fsvm: kernel %s failed: %s\n", kname_of(ed), fsvm_strerror(err));
	}
	/* pocl fails every command that waits on this event (notify()) */
	POCL_UPDATE_EVENT_FAILED(status_of(err), event);
}

static void *completion_thread_main(void *arg)
{
	struct fsvm_pocl_device *d = arg;

	for (;;) {
		struct fsvm_pocl_event *ed;
		struct fsvm_fault fault;
		int err;

		pthread_mutex_lock(&d->lock);
		while (d->inflight_head == NULL && !d->stop)
			pthread_cond_wait(&d->work_cond, &d->lock);
		ed = d->inflight_head;
		pthread_mutex_unlock(&d->lock);
		if (ed == NULL)
			break;

		memset(&fault, 0, sizeof(fault));
		err = fsvm_wait(d->ctx, &ed->rec, FSVM_TIMEOUT_INFINITE, &fault);
		if (err == FSVM_ERR_TIMEOUT)
			continue;

		pthread_mutex_lock(&d->lock);
		d->inflight_head = ed->next;
		if (d->inflight_head == NULL)
			d->inflight_tail = NULL;
		pthread_mutex_unlock(&d->lock);
		/* after this the event may be released: ed is not touched again */
		finish_kernel(ed, err, &fault);
	}
	return NULL;
}

int fsvm_pocl_start_threads(struct fsvm_pocl_device *d)
{
	if (pthread_create(&d->completion_thread, NULL, completion_thread_main, d) != 0)
		return -1;
	if (pthread_create(&d->host_thread, NULL, host_thread_main, d) != 0) {
		pthread_mutex_lock(&d->lock);
		d->stop = 1;
		pthread_cond_signal(&d->work_cond);
		pthread_mutex_unlock(&d->lock);
		pthread_join(d->completion_thread, NULL);
		return -1;
	}
	pthread_setname_np(d->completion_thread, "fsvm-complete");
	pthread_setname_np(d->host_thread, "fsvm-host");
	d->threads_started = 1;
	return 0;
}

void fsvm_pocl_stop_threads(struct fsvm_pocl_device *d)
{
	int busy;

	if (!d->threads_started)
		return;
	pthread_mutex_lock(&d->lock);
	d->stop = 1;
	busy = d->inflight_head != NULL;
	pthread_cond_signal(&d->work_cond);
	pthread_mutex_unlock(&d->lock);
	if (busy)	/* launches still in flight end as ABORTED */
		fsvm_context_abort(d->ctx);
	pthread_join(d->completion_thread, NULL);

	pthread_mutex_lock(&d->host_lock);
	d->host_stop = 1;
	pthread_cond_signal(&d->host_cond);
	pthread_mutex_unlock(&d->host_lock);
	pthread_join(d->host_thread, NULL);
	d->threads_started = 0;
}

/* ops->run: pocl_exec_command's path for an NDRange. The driver launches
 * NDRanges itself and never routes them there; should pocl do so (e.g. a
 * future command-buffer path), run the kernel synchronously. */
void fsvm_pocl_run(void *data, _cl_command_node *cmd)
{
	struct fsvm_pocl_device *d = data;
	const struct fsvm_kernel_desc *k = fsvm_pocl_find_kernel(d, cmd->command.run.kernel->name);
	uint64_t slots[FSVM_MAX_ARGS];
	struct fsvm_completion rec;
	struct fsvm_fault fault;
	int err;

	if (k == NULL || d->ctx == NULL ||
	    fsvm_pocl_pack_args(cmd->device, k, cmd->command.run.arguments, slots) != CL_SUCCESS) {
		POCL_MSG_ERR("fsvm: cannot run %s\n", cmd->command.run.kernel->name);
		return;
	}
	err = fsvm_run(d->ctx, k->id, slots, k->nargs, &rec, 0, FSVM_TIMEOUT_INFINITE, &fault);
	if (err)
		POCL_MSG_ERR("fsvm: %s failed: %s\n", cmd->command.run.kernel->name,
			     fsvm_strerror(err));
}

/* ------------------------------------------------------------------ */
/* pocl's scheduling callbacks                                         */
/* ------------------------------------------------------------------ */

void fsvm_pocl_submit(_cl_command_node *node, cl_command_queue cq)
{
	struct fsvm_pocl_device *d = node->device->data;
	cl_event event = node->sync.event.event;
	cl_int st = LAUNCHED;
	int run_here = 0;

	(void)cq;
	if (event->data == NULL) {	/* update_event could not allocate it */
		POCL_UNLOCK_OBJ(event);
		POCL_UPDATE_EVENT_FAILED(CL_OUT_OF_HOST_MEMORY, event);
		return;
	}
	node->state = POCL_COMMAND_READY;
	if (pocl_command_is_ready(event)) {
		pocl_update_event_submitted(event);
		if (node->type == CL_COMMAND_NDRANGE_KERNEL)
			st = launch_kernel(d, node);
		else
			run_here = 1;
	}
	POCL_UNLOCK_OBJ(event);
	/* a launched event may already be complete and freed: not touched */
	if (run_here)
		pocl_exec_command(node);
	else if (st == NOTHING_TO_DO)
		POCL_UPDATE_EVENT_COMPLETE_MSG(event, "fsvm NDRange (empty)  ");
	else if (st < 0)
		POCL_UPDATE_EVENT_FAILED(st, event);
}

/* Both events locked; both must be locked on return. */
void fsvm_pocl_notify(cl_device_id device, cl_event event, cl_event finished)
{
	struct fsvm_pocl_device *d = device->data;
	_cl_command_node *node = event->command;

	if (finished->status < CL_COMPLETE) {
		/* a dependency failed: so does this command (pocl's lock
		 * order: the waiter is failed with both unlocked) */
		pocl_unlock_events_inorder(event, finished);
		pocl_update_event_failed(CL_EXEC_STATUS_ERROR_FOR_EVENTS_IN_WAIT_LIST,
					 NULL, 0, event, NULL);
		pocl_lock_events_inorder(finished, event);
		return;
	}
	if (node == NULL || node->state != POCL_COMMAND_READY)
		return;	/* not submitted yet: submit() will look again */
	if (!pocl_command_is_ready(event) || event->status != CL_QUEUED)
		return;

	pocl_update_event_submitted(event);
	if (node->type == CL_COMMAND_NDRANGE_KERNEL) {
		cl_int st = launch_kernel(d, node);

		if (st == NOTHING_TO_DO)
			queue_host(d, node, HOST_COMPLETE);
		else if (st < 0)
			queue_host(d, node, st);
	} else {
		queue_host(d, node, HOST_EXEC);
	}
}

void fsvm_pocl_flush(cl_device_id device, cl_command_queue cq)
{
	/* Launches reach the ring when they become ready, host commands run
	 * or are queued at once: nothing is held back for a flush. */
	(void)device;
	(void)cq;
}

void fsvm_pocl_join(cl_device_id device, cl_command_queue cq)
{
	struct fsvm_pocl_queue *qd = cq->data;

	(void)device;
	POCL_LOCK_OBJ(cq);
	while (cq->command_count > 0)
		pthread_cond_wait(&qd->idle_cond, &cq->pocl_lock);
	POCL_UNLOCK_OBJ(cq);
}

void fsvm_pocl_notify_cmdq_finished(cl_command_queue cq)
{
	struct fsvm_pocl_queue *qd = cq->data;

	/* queue locked; every clFinish of this queue re-checks */
	pthread_cond_broadcast(&qd->idle_cond);
}

void fsvm_pocl_notify_event_finished(cl_event event)
{
	struct fsvm_pocl_event *ed = event->data;

	if (ed)
		pthread_cond_broadcast(&ed->done_cond);
}

void fsvm_pocl_wait_event(cl_device_id device, cl_event event)
{
	struct fsvm_pocl_event *ed;

	(void)device;
	POCL_LOCK_OBJ(event);
	ed = event->data;
	while (event->status > CL_COMPLETE && ed != NULL)
		pthread_cond_wait(&ed->done_cond, &event->pocl_lock);
	POCL_UNLOCK_OBJ(event);
}

/* Called with the event locked at every status change. */
void fsvm_pocl_update_event(cl_device_id device, cl_event event)
{
	struct fsvm_pocl_device *d = device->data;
	struct fsvm_pocl_event *ed = event->data;
	uint64_t now = pocl_gettimemono_ns();

	switch (event->status) {
	case CL_QUEUED:
		if (ed == NULL) {
			ed = calloc(1, sizeof(*ed));
			if (ed == NULL) {
				/* submit() fails the command */
				POCL_MSG_ERR("fsvm: out of memory for event data\n");
				event->time_queue = now;
				break;
			}
			pthread_cond_init(&ed->done_cond, NULL);
			ed->event = event;
			event->data = ed;
		}
		event->time_queue = now;
		break;
	case CL_SUBMITTED:
		event->time_submit = now;
		break;
	case CL_RUNNING:
		event->time_start = now;
		break;
	default: {	/* CL_COMPLETE or an error */
		uint64_t end = now;

		if (ed && ed->launched && ed->rec.status != FSVM_ST_PENDING) {
			/* the device's own start/end timestamps */
			if (d->clock_is_cycles && d->info.clock_hz &&
			    ed->rec.end_ticks >= ed->rec.start_ticks) {
				uint64_t c = ed->rec.end_ticks - ed->rec.start_ticks;

				end = event->time_start +
				      c / d->info.clock_hz * 1000000000ull +
				      c % d->info.clock_hz * 1000000000ull / d->info.clock_hz;
			} else {
				if (ed->rec.start_ticks)
					event->time_start =
						fsvm_pocl_ticks_to_ns(d, ed->rec.start_ticks);
				if (ed->rec.end_ticks)
					end = fsvm_pocl_ticks_to_ns(d, ed->rec.end_ticks);
			}
			/* POCL_FSVM_PROFILING=modelled: the FPGA's time by the
			 * cycle model, from the device's start */
			if (d->profile_modelled && d->info.clock_hz)
				end = event->time_start +
				      ed->rec.cycles / d->info.clock_hz * 1000000000ull +
				      ed->rec.cycles % d->info.clock_hz * 1000000000ull /
				      d->info.clock_hz;
		}
		/* two clocks meet here: keep queued <= submit <= start <= end */
		if (event->time_start < event->time_submit)
			event->time_start = event->time_submit;
		if (end < event->time_start)
			end = event->time_start;
		event->time_end = end;
		break;
	}
	}
}

void fsvm_pocl_free_event_data(cl_event event)
{
	struct fsvm_pocl_event *ed = event->data;

	if (ed == NULL)
		return;
	pthread_cond_destroy(&ed->done_cond);
	free(ed->printf_buf);
	free(ed);
	event->data = NULL;
}

int fsvm_pocl_init_queue(cl_device_id device, cl_command_queue queue)
{
	struct fsvm_pocl_queue *qd = calloc(1, sizeof(*qd));

	(void)device;
	if (qd == NULL)
		return CL_OUT_OF_HOST_MEMORY;
	pthread_cond_init(&qd->idle_cond, NULL);
	queue->data = qd;
	return CL_SUCCESS;
}

int fsvm_pocl_free_queue(cl_device_id device, cl_command_queue queue)
{
	struct fsvm_pocl_queue *qd = queue->data;

	(void)device;
	if (qd) {
		pthread_cond_destroy(&qd->idle_cond);
		free(qd);
	}
	queue->data = NULL;
	return CL_SUCCESS;
}
