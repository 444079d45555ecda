/* SPDX-License-Identifier: MIT */
/*
 * sim_plugin.c - simulated devices with their own kernel table: the shared
 * objects fsvm_add_device() builds (hw-kernels/hls/fsvm_device_plugin.h).
 *
 * FSVM_DEVICE=sim:<name> looks for libfsvm-dev-<name>.so in, in order:
 *   1. each directory of $FSVM_DEVICE_PATH (colon separated);
 *   2. the directory of the running executable;
 *   3. the directory of the object holding this code (libfsvm.so);
 *   4. the install directory <libdir>/fsvm, relative to where this code is:
 *      in libfsvm.so, <its directory>/FSVM_DEVICE_DIR_FROM_LIB; linked into
 *      the program (libfsvm.a), <the program's directory>/FSVM_DEVICE_DIR_FROM_BIN
 *      (as if it were installed in <bindir>), then FSVM_DEVICE_DIR, the
 *      configured absolute path (a static program has no libdir of its own).
 *      So a moved install tree finds its plugins.
 * sim:<path> (anything with a '/') loads that file. A plugin is checked
 * before the device starts: magic, ABI, contract version, struct sizes and
 * every kernel table entry; anything wrong is refused with the reason.
 */
#include <dlfcn.h>
#include <link.h>
#include <errno.h>
#include <limits.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fsvm_device_plugin.h"
#include "fsvm_sim_internal.h"

#ifndef FSVM_DEVICE_DIR
#define FSVM_DEVICE_DIR "/usr/local/lib/fsvm"
#endif
#ifndef FSVM_DEVICE_DIR_FROM_LIB
#define FSVM_DEVICE_DIR_FROM_LIB "fsvm"
#endif
#ifndef FSVM_DEVICE_DIR_FROM_BIN
#define FSVM_DEVICE_DIR_FROM_BIN "../lib/fsvm"
#endif

/*
 * A plugin kernel's burst must be what the AXI4 master of the board may
 * issue: 1..4096 bytes inside one 4 KiB page (fsvm_hls.h). The model would
 * split anything longer silently, so the plugin's port checks first: a
 * kernel that breaks the rule ends FAULTED (FSVM_FAULT_EXTERNAL, the bus
 * error a protocol checker would raise) at the burst's VA, with a message.
 * (The in-tree kernels are held to it by tests/kernels' burst checker.)
 */
static int burst_ok(fsvm_axi_t *a, uint64_t va, uint32_t len, int write)
{
	struct fsvm_sim *sim;

	if (len <= FSVM_PAGE_SIZE && (va & (FSVM_PAGE_SIZE - 1u)) + len <= FSVM_PAGE_SIZE)
		return 1;
	sim = (struct fsvm_sim *)((char *)a->m - offsetof(struct fsvm_sim, model));
	sim_log(sim, FSVM_SIM_LOG_ERROR, "fsvm sim: a device plugin's kernel made a %u-byte "
		"%s burst at 0x%llx: a burst is at most 4096 bytes inside one 4 KiB page "
		"(docs/kernels.md)", len, write ? "write" : "read", (unsigned long long)va);
	if (!a->faulted) {
		a->faulted = true;
		a->fault_va = va;
		a->synd = (FSVM_FAULT_EXTERNAL << FSVM_SYND_TYPE_SHIFT) | (write ? FSVM_SYND_WRITE : 0u);
	}
	return 0;
}

static int plugin_read(fsvm_axi_t *a, uint64_t va, void *dst, uint32_t len)
{
	return burst_ok(a, va, len, 0) ? fsvm_axi_read(a, va, dst, len) : 1;
}

static int plugin_write(fsvm_axi_t *a, uint64_t va, const void *src, uint32_t len)
{
	return burst_ok(a, va, len, 1) ? fsvm_axi_write(a, va, src, len) : 1;
}

static const struct fsvm_plugin_axi_ops sim_axi_ops = {
	.read = plugin_read,
	.write = plugin_write,
	.overlap_begin = fsvm_axi_overlap_begin,
	.overlap_end = fsvm_axi_overlap_end,
};

static bool valid_name(const char *name)
{
	size_t n = strlen(name);

	if (n == 0 || n >= FSVM_DEVICE_PLUGIN_NAME_LEN)
		return false;
	for (size_t i = 0; i < n; i++)
		if (!((name[i] >= 'a' && name[i] <= 'z') || (name[i] >= '0' && name[i] <= '9') ||
		      name[i] == '_'))
			return false;
	return true;
}

static bool terminated(const char *s, size_t len)
{
	return memchr(s, '\0', len) != NULL;
}

/* dir + "/" + file into buf; false if it does not fit or is not a file. */
static bool try_dir(char *buf, size_t size, const char *dir, size_t dlen, const char *file)
{
	int n;

	if (dlen == 0)
		return false;
	n = snprintf(buf, size, "%.*s/%s", (int)dlen, dir, file);
	if (n < 0 || (size_t)n >= size)
		return false;
	return access(buf, R_OK) == 0;
}

/* The directory part of path (without the last '/'), or length 0. */
static size_t dir_len(const char *path)
{
	const char *slash = strrchr(path, '/');

	return slash ? (size_t)(slash - path) : 0;
}

/*
 * The search above for any file name (also the co-simulation engine's):
 * 0 with the path in out, or -ENODEV. inst (inst_size bytes) receives the
 * relative install directory it tried ("" if none) and *in_exe whether the
 * configured FSVM_DEVICE_DIR was tried too, for the caller's message.
 */
int sim_find_so(const char *file, char *out, size_t size, char *inst, size_t inst_size,
		bool *in_exe_out)
{
	char exe[PATH_MAX];
	const char *env = getenv("FSVM_DEVICE_PATH");
	struct link_map *map = NULL;
	bool in_exe = false;
	Dl_info self;
	ssize_t n;

	inst[0] = '\0';
	*in_exe_out = false;
	for (const char *p = env; p && *p;) {
		const char *colon = strchr(p, ':');
		size_t len = colon ? (size_t)(colon - p) : strlen(p);

		if (try_dir(out, size, p, len, file))
			return 0;
		p = colon ? colon + 1 : NULL;
	}
	n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	if (n > 0) {
		exe[n] = '\0';
		if (try_dir(out, size, exe, dir_len(exe), file))
			return 0;
	}
	if (dladdr1((void *)&sim_axi_ops, &self, (void **)&map, RTLD_DL_LINKMAP) &&
	    self.dli_fname) {
		if (try_dir(out, size, self.dli_fname, dir_len(self.dli_fname), file))
			return 0;
		/* the main program has the empty name in the link map */
		in_exe = map != NULL && map->l_name != NULL && map->l_name[0] == '\0';
		if (in_exe && n > 0)
			snprintf(inst, inst_size, "%.*s/" FSVM_DEVICE_DIR_FROM_BIN,
				 (int)dir_len(exe), exe);
		else if (!in_exe)
			snprintf(inst, inst_size, "%.*s/" FSVM_DEVICE_DIR_FROM_LIB,
				 (int)dir_len(self.dli_fname), self.dli_fname);
		if (inst[0] && try_dir(out, size, inst, strlen(inst), file))
			return 0;
	}
	*in_exe_out = in_exe;
	if (in_exe && try_dir(out, size, FSVM_DEVICE_DIR, strlen(FSVM_DEVICE_DIR), file))
		return 0;
	return -ENODEV;
}

static int find_plugin(struct fsvm_sim *sim, const char *name, char *out, size_t size)
{
	const char *env = getenv("FSVM_DEVICE_PATH");
	char inst[PATH_MAX];
	bool in_exe = false;
	char file[64];

	snprintf(file, sizeof(file), "libfsvm-dev-%s.so", name);
	if (sim_find_so(file, out, size, inst, sizeof(inst), &in_exe) == 0)
		return 0;
	sim_log(sim, FSVM_SIM_LOG_ERROR,
		"fsvm sim: no device \"%s\": %s is not in $FSVM_DEVICE_PATH (%s), "
		"the executable's directory, libfsvm's directory or the install "
		"directory (%s%s)", name, file, env && *env ? env : "unset",
		inst[0] ? inst : "unknown", in_exe ? ", " FSVM_DEVICE_DIR : "");
	return -ENODEV;
}

/* One kernel table entry; false with the reason logged. */
static bool check_entry(struct fsvm_sim *sim, const char *path,
			const struct fsvm_kernel_desc *t, uint32_t i)
{
	const struct fsvm_kernel_desc *d = &t[i];

	if (d->id != i || !terminated(d->name, FSVM_NAME_LEN) || d->name[0] == '\0' ||
	    d->nargs > FSVM_MAX_ARGS) {
		sim_log(sim, FSVM_SIM_LOG_ERROR, "fsvm sim: %s: kernel table entry %u is "
			"malformed (id %u, nargs %u, name %s)", path, i, d->id, d->nargs,
			terminated(d->name, FSVM_NAME_LEN) ? d->name : "unterminated");
		return false;
	}
	if (i == 0 && (strcmp(d->name, "nop") != 0 || d->nargs != 0)) {
		sim_log(sim, FSVM_SIM_LOG_ERROR, "fsvm sim: %s: kernel table entry 0 must be "
			"nop without arguments, not %s", path, d->name);
		return false;
	}
	for (uint32_t j = 0; j < i; j++) {
		if (strcmp(t[j].name, d->name) == 0) {
			sim_log(sim, FSVM_SIM_LOG_ERROR, "fsvm sim: %s: kernel %s is in the "
				"table twice (entries %u and %u)", path, d->name, j, i);
			return false;
		}
	}
	for (uint32_t a = 0; a < FSVM_MAX_ARGS; a++) {
		const struct fsvm_kernel_arg_desc *arg = &d->args[a];
		bool used = a < d->nargs;

		if (!used && arg->kind == FSVM_ARG_NONE)
			continue;
		if (!used || arg->kind < FSVM_ARG_PTR_IN || arg->kind > FSVM_ARG_F32 ||
		    arg->type > FSVM_TYPE_NODE_PTR || arg->size == 0 ||
		    !terminated(arg->name, FSVM_ARG_NAME_LEN) || arg->name[0] == '\0') {
			sim_log(sim, FSVM_SIM_LOG_ERROR, "fsvm sim: %s: kernel %s, argument %u "
				"is malformed (kind %u, type %u, size %u)", path, d->name, a,
				arg->kind, arg->type, arg->size);
			return false;
		}
	}
	return true;
}

static int check_plugin(struct fsvm_sim *sim, const char *path, const char *want,
			const struct fsvm_device_plugin *p)
{
	if (p->magic != FSVM_DEVICE_PLUGIN_MAGIC) {
		sim_log(sim, FSVM_SIM_LOG_ERROR, "fsvm sim: %s: " FSVM_DEVICE_PLUGIN_SYMBOL
			" has magic 0x%08x, expected 0x%08x: not an fsvm device plugin",
			path, p->magic, FSVM_DEVICE_PLUGIN_MAGIC);
		return -ENOEXEC;
	}
	if (p->abi != FSVM_DEVICE_PLUGIN_ABI || (p->hw_version >> 16) != FSVM_HW_VERSION_MAJOR ||
	    p->plugin_size != sizeof(*p) || p->desc_size != sizeof(struct fsvm_kernel_desc) ||
	    p->result_size != sizeof(struct fsvm_cp_result)) {
		sim_log(sim, FSVM_SIM_LOG_ERROR, "fsvm sim: %s: built for plugin ABI %u, "
			"contract %u.%u (sizes %u/%u/%u); this simulator has ABI %u, contract "
			"%u.x (sizes %zu/%zu/%zu): rebuild the device against this fsvm",
			path, p->abi, p->hw_version >> 16, p->hw_version & 0xffffu,
			p->plugin_size, p->desc_size, p->result_size, FSVM_DEVICE_PLUGIN_ABI,
			FSVM_HW_VERSION_MAJOR, sizeof(*p), sizeof(struct fsvm_kernel_desc),
			sizeof(struct fsvm_cp_result));
		return -ENOEXEC;
	}
	if (!terminated(p->name, sizeof(p->name)) || !valid_name(p->name) ||
	    (want && strcmp(p->name, want) != 0)) {
		sim_log(sim, FSVM_SIM_LOG_ERROR, "fsvm sim: %s: the plugin calls itself "
			"\"%.*s\"%s%s", path, (int)sizeof(p->name), p->name,
			want ? ", expected " : "", want ? want : "");
		return -ENOEXEC;
	}
	if (!p->table || !p->dispatch || !p->bind_axi || p->num_kernels < 1 ||
	    p->num_kernels > FSVM_MAX_KERNELS) {
		sim_log(sim, FSVM_SIM_LOG_ERROR, "fsvm sim: %s: bad kernel table (%u entries, "
			"at most %u; table, dispatch and bind_axi must be set)", path,
			p->num_kernels, FSVM_MAX_KERNELS);
		return -ENOEXEC;
	}
	for (uint32_t i = 0; i < p->num_kernels; i++)
		if (!check_entry(sim, path, p->table, i))
			return -ENOEXEC;
	return 0;
}

int sim_plugin_load(struct fsvm_sim *sim, const char *device)
{
	char path[PATH_MAX];
	const struct fsvm_device_plugin *p;
	const char *want = NULL;
	void *h;
	int err;

	if (strchr(device, '/')) {
		if (snprintf(path, sizeof(path), "%s", device) >= (int)sizeof(path)) {
			sim_log(sim, FSVM_SIM_LOG_ERROR, "fsvm sim: device plugin path too long: "
				"%.40s...", device);
			return -ENAMETOOLONG;
		}
		if (access(path, R_OK) != 0) {
			sim_log(sim, FSVM_SIM_LOG_ERROR, "fsvm sim: device plugin %s: %s",
				path, strerror(errno));
			return -ENODEV;
		}
	} else {
		if (!valid_name(device)) {
			sim_log(sim, FSVM_SIM_LOG_ERROR, "fsvm sim: \"%s\" is not a device "
				"name (1..%u of a-z 0-9 _) nor a path to a plugin", device,
				FSVM_DEVICE_PLUGIN_NAME_LEN - 1);
			return -ENODEV;
		}
		err = find_plugin(sim, device, path, sizeof(path));
		if (err)
			return err;
		want = device;
	}
	h = dlopen(path, RTLD_NOW | RTLD_LOCAL);
	if (!h) {
		sim_log(sim, FSVM_SIM_LOG_ERROR, "fsvm sim: cannot load device plugin: %s",
			dlerror());
		return -ENOEXEC;
	}
	p = (const struct fsvm_device_plugin *)dlsym(h, FSVM_DEVICE_PLUGIN_SYMBOL);
	if (!p) {
		sim_log(sim, FSVM_SIM_LOG_ERROR, "fsvm sim: %s exports no "
			FSVM_DEVICE_PLUGIN_SYMBOL ": not an fsvm device plugin "
			"(build it with fsvm_add_device)", path);
		dlclose(h);
		return -ENOEXEC;
	}
	err = check_plugin(sim, path, want, p);
	if (err) {
		dlclose(h);
		return err;
	}
	p->bind_axi(&sim_axi_ops);
	sim->plugin = h;
	sim->kernels.table = p->table;
	sim->kernels.count = p->num_kernels;
	sim->kernels.dispatch = p->dispatch;
	sim_log(sim, FSVM_SIM_LOG_INFO, "fsvm sim: device %s from %s, %u kernels",
		p->name, path, p->num_kernels);
	return 0;
}

void sim_plugin_unload(struct fsvm_sim *sim)
{
	if (sim->plugin)
		dlclose(sim->plugin);
	sim->plugin = NULL;
}
