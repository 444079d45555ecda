/* SPDX-License-Identifier: MIT */
/*
 * fsvm_pocl_compile.c - clBuildProgram from OpenCL C source on the fsvm
 * device, through the project's instrumentation (pocl-device/oclc):
 *
 *   clang-19 (OpenCL C -> LLVM bitcode, with argument metadata)
 *   fsvm-oclc -m (argument metadata for pocl; the device's built-in
 *                 library linked in (-L); every global/constant/generic
 *                 access rewritten to the device's memory port)
 *   clang-19 -shared (a shared object linked against libfsvm.so)
 *   dlopen + fsvm_compiled_register (the device's compiled-kernel engine)
 *
 * The kernels then run on the simulated device, launched through the ring
 * as FSVM_PKT_COMPILED packets (fsvm_pocl_exec.c), never on a host thread.
 * Only the `sim` device has an engine: elsewhere the build fails with a log
 * saying to put an HLS kernel into the kernel table.
 *
 * The tools (tools_init): clang-19 and the target triple are fixed when
 * pocl is configured by the fsvm project (FSVM_CLANG, FSVM_CL_TRIPLE).
 * fsvm-oclc and the built-in library are those of the fsvm build tree
 * (FSVM_OCLC, FSVM_CLC) when this driver is in it (under FSVM_POCL_ROOT),
 * and otherwise, in an install tree, found relative to this driver
 * (FSVM_OCLC_REL, FSVM_CLC_REL: the install layout), so a moved tree uses
 * its own. The kernels link against the libfsvm.so this process loaded.
 */
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <ftw.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "common.h"
#include "pocl_cache.h"
#include "pocl_util.h"

#include "fsvm_cl_abi.h"
#include "fsvm_pocl.h"

#ifdef FSVM_POCL_NO_COMPILER	/* never used: d->compiles is 0 */
#define FSVM_CLANG "clang-19"
#define FSVM_OCLC "fsvm-oclc"
#define FSVM_CLC ""
#define FSVM_OCLC_REL "fsvm-oclc"
#define FSVM_CLC_REL ""
#define FSVM_POCL_ROOT "/nonexistent"
#define FSVM_CL_TRIPLE ""
#endif

extern char **environ;

/* fsvm-oclc, the built-in library's bitcode and libfsvm.so (tools_init). */
static char oclc_path[PATH_MAX], clc_path[PATH_MAX], libfsvm_path[PATH_MAX];
static pthread_once_t tools_once = PTHREAD_ONCE_INIT;

/* dir/rel into out; empty (then reported missing) if it does not fit. */
static void join_path(char *out, size_t size, const char *dir, const char *rel)
{
	int n = snprintf(out, size, "%s/%s", dir, rel);

	if (n < 0 || (size_t)n >= size)
		out[0] = '\0';
}

static void tools_init(void)
{
	const char *root = FSVM_POCL_ROOT "/";
	char dir[PATH_MAX];
	Dl_info self, lib;
	char *slash;

	if (dladdr((void *)&tools_init, &self) && self.dli_fname &&
	    realpath(self.dli_fname, dir) != NULL && (slash = strrchr(dir, '/')) != NULL)
		*slash = '\0';
	else
		dir[0] = '\0';
	if (dir[0] != '\0' && strncmp(dir, root, strlen(root)) != 0) {
		/* an install tree: the tools are where its layout puts them */
		join_path(oclc_path, sizeof(oclc_path), dir, FSVM_OCLC_REL);
		join_path(clc_path, sizeof(clc_path), dir, FSVM_CLC_REL);
	} else {
		snprintf(oclc_path, sizeof(oclc_path), "%s", FSVM_OCLC);
		snprintf(clc_path, sizeof(clc_path), "%s", FSVM_CLC);
	}
	/* the memory port comes from the libfsvm.so that runs the device */
	if (!dladdr((void *)&fsvm_version, &lib) || lib.dli_fname == NULL ||
	    realpath(lib.dli_fname, libfsvm_path) == NULL)
		libfsvm_path[0] = '\0';
}

/* Append text to the program's build log for device_i. */
static void log_append(cl_program program, cl_uint device_i, const char *text, size_t n)
{
	char *old = program->build_log[device_i];
	size_t ol = old ? strlen(old) : 0;
	char *nl = realloc(old, ol + n + 1);

	if (nl == NULL)
		return;
	memcpy(nl + ol, text, n);
	nl[ol + n] = '\0';
	program->build_log[device_i] = nl;
}

static void log_str(cl_program program, cl_uint device_i, const char *text)
{
	log_append(program, device_i, text, strlen(text));
}

/* Run argv with stdout+stderr to log_path; 0 when it exited with 0. */
static int run_tool(char *const argv[], const char *log_path)
{
	posix_spawn_file_actions_t fa;
	pid_t pid;
	int st = 0, r;

	if (posix_spawn_file_actions_init(&fa) != 0)
		return -1;
	posix_spawn_file_actions_addopen(&fa, 1, log_path, O_WRONLY | O_CREAT | O_APPEND, 0600);
	posix_spawn_file_actions_adddup2(&fa, 1, 2);
	r = posix_spawn(&pid, argv[0], &fa, NULL, argv, environ);
	posix_spawn_file_actions_destroy(&fa);
	if (r != 0) {
		FILE *f = fopen(log_path, "a");

		if (f != NULL) {
			fprintf(f, "fsvm: cannot run %s: %s\n", argv[0], strerror(r));
			fclose(f);
		}
		return -1;
	}
	while (waitpid(pid, &st, 0) < 0)
		if (errno != EINTR)
			return -1;
	return WIFEXITED(st) && WEXITSTATUS(st) == 0 ? 0 : -1;
}

static void log_file(cl_program program, cl_uint device_i, const char *path)
{
	char buf[4096];
	FILE *f = fopen(path, "r");
	size_t n;

	if (f == NULL)
		return;
	while ((n = fread(buf, 1, sizeof(buf), f)) > 0)
		log_append(program, device_i, buf, n);
	fclose(f);
}

/* The tools' paths (once); -1 with the reason in the build log if one is
 * missing. */
static int tools_ready(cl_program program, cl_uint device_i)
{
	const char *what = NULL, *path = NULL;
	char msg[PATH_MAX + 160];

	pthread_once(&tools_once, tools_init);
	if (access(oclc_path, X_OK) != 0) {
		what = "fsvm-oclc";
		path = oclc_path;
	} else if (access(clc_path, R_OK) != 0) {
		what = "the built-in library (fsvm_clc.bc)";
		path = clc_path;
	} else if (libfsvm_path[0] == '\0') {
		what = "libfsvm.so";
		path = "(not found through dladdr)";
	}
	if (what == NULL)
		return 0;
	snprintf(msg, sizeof(msg), "fsvm: %s is missing: %s (the OpenCL C compiler of the fsvm "
		 "device is installed with the pocl driver; see docs/pocl.md)\n", what, path);
	log_str(program, device_i, msg);
	return -1;
}

void fsvm_pocl_free_compiled(struct fsvm_pocl_device *d, struct fsvm_pocl_program *pp)
{
	if (pp == NULL)
		return;
	for (unsigned i = 0; i < pp->num_kernels; i++) {
		struct fsvm_pocl_ckernel *k = &pp->kernels[i];

		if (k->registered && d->dev)
			fsvm_compiled_unregister(d->dev, k->handle);
		for (unsigned a = 0; a < k->nargs; a++) {
			free(k->args[a].type_name);
			free(k->args[a].name);
		}
		free(k->name);
	}
	free(pp->kernels);
	if (pp->so)
		dlclose(pp->so);
	free(pp);
}

static char *undash(const char *s)
{
	char *r = strdup(strcmp(s, "-") == 0 ? "" : s);

	for (char *p = r; p && *p; p++)
		if (*p == '~' || *p == ',')
			*p = ' ';
	return r;
}

/* Parse fsvm-oclc's -m file into pp. 0 or -1. */
static int read_meta(struct fsvm_pocl_program *pp, const char *path)
{
	FILE *f = fopen(path, "r");
	char line[512];
	struct fsvm_pocl_ckernel *k = NULL;
	unsigned a = 0;

	if (f == NULL)
		return -1;
	while (fgets(line, sizeof(line), f)) {
		char w1[160], w2[160], w3[160], w4[160];
		unsigned long long as, size;
		unsigned n;

		if (strcmp(line, "printf\n") == 0) {
			pp->uses_printf = 1;
			continue;
		}

		if (sscanf(line, "kernel %159s %u", w1, &n) == 2) {
			struct fsvm_pocl_ckernel *nk;

			if (n > FSVM_COMPILED_MAX_ARGS)
				goto bad;
			nk = realloc(pp->kernels, (pp->num_kernels + 1) * sizeof(*nk));
			if (nk == NULL)
				goto bad;
			pp->kernels = nk;
			k = &pp->kernels[pp->num_kernels++];
			memset(k, 0, sizeof(*k));
			k->name = strdup(w1);
			k->nargs = n;
			a = 0;
			if (k->name == NULL)
				goto bad;
		} else if (sscanf(line, "arg %llu %llu %159s %159s %159s %159s", &as, &size, w1, w2,
				  w3, w4) == 6) {
			struct fsvm_pocl_carg *ca;

			if (k == NULL || a >= k->nargs || as > 3)
				goto bad;
			ca = &k->args[a++];
			k->got = a;
			ca->addr_space = (unsigned)as;
			ca->size = (size_t)size;
			ca->access = strcmp(w1, "read_only") == 0 ? CL_KERNEL_ARG_ACCESS_READ_ONLY :
				     strcmp(w1, "write_only") == 0 ? CL_KERNEL_ARG_ACCESS_WRITE_ONLY :
				     strcmp(w1, "read_write") == 0 ? CL_KERNEL_ARG_ACCESS_READ_WRITE :
				     CL_KERNEL_ARG_ACCESS_NONE;
			ca->type_qual = (strstr(w2, "const") ? CL_KERNEL_ARG_TYPE_CONST : 0) |
					(strstr(w2, "restrict") ? CL_KERNEL_ARG_TYPE_RESTRICT : 0) |
					(strstr(w2, "volatile") ? CL_KERNEL_ARG_TYPE_VOLATILE : 0);
			ca->type_name = undash(w3);
			ca->name = undash(w4);
			if (ca->type_name == NULL || ca->name == NULL)
				goto bad;
		}
	}
	fclose(f);
	for (unsigned i = 0; i < pp->num_kernels; i++)
		if (pp->kernels[i].got != pp->kernels[i].nargs)
			return -1;
	return 0;
bad:
	fclose(f);
	return -1;
}

/* Split the user's build options on blanks into argv (in place in opts). */
static unsigned split_opts(char *opts, char **argv, unsigned max)
{
	unsigned n = 0;

	for (char *p = opts; p && *p && n < max;) {
		while (*p == ' ' || *p == '\t' || *p == '\n')
			*p++ = '\0';
		if (*p == '\0')
			break;
		argv[n++] = p;
		while (*p && *p != ' ' && *p != '\t' && *p != '\n')
			p++;
	}
	return n;
}

/* A work directory of one build: /tmp/fsvm-cl-XXXXXX and its files. */
struct wdir {
	char dir[32];
	char log[64];
};

static int wdir_open(struct wdir *w)
{
	strcpy(w->dir, "/tmp/fsvm-cl-XXXXXX");
	if (mkdtemp(w->dir) == NULL)
		return -1;
	snprintf(w->log, sizeof(w->log), "%s/log", w->dir);
	return 0;
}

static void wpath(const struct wdir *w, char *buf, size_t len, const char *name)
{
	snprintf(buf, len, "%s/%s", w->dir, name);
}

/* Remove the work directory and everything below it (headers may have
 * made subdirectories). */
static int rm_entry(const char *path, const struct stat *sb, int flag, struct FTW *ftw)
{
	(void)sb;
	(void)flag;
	(void)ftw;
	return remove(path);
}

static void wdir_close(struct wdir *w)
{
	nftw(w->dir, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
}

static int write_file(const char *path, const void *data, size_t len)
{
	FILE *f = fopen(path, "wb");

	if (f == NULL)
		return -1;
	if (len && fwrite(data, 1, len, f) != len) {
		fclose(f);
		return -1;
	}
	return fclose(f) == 0 ? 0 : -1;
}

static int read_file(const char *path, unsigned char **data, size_t *len)
{
	FILE *f = fopen(path, "rb");
	long n;

	*data = NULL;
	*len = 0;
	if (f == NULL)
		return -1;
	if (fseek(f, 0, SEEK_END) != 0 || (n = ftell(f)) <= 0 || fseek(f, 0, SEEK_SET) != 0 ||
	    (*data = malloc((size_t)n)) == NULL || fread(*data, 1, (size_t)n, f) != (size_t)n) {
		free(*data);
		*data = NULL;
		fclose(f);
		return -1;
	}
	fclose(f);
	*len = (size_t)n;
	return 0;
}

/* A header of clCompileProgram, written under the work directory as its
 * include name (which may contain directories, never ".."). */
static int write_header(const struct wdir *w, const char *name, const char *text)
{
	char path[512];

	if (name == NULL || name[0] == '/' || strstr(name, "..") || text == NULL)
		return -1;
	if ((size_t)snprintf(path, sizeof(path), "%s/inc/%s", w->dir, name) >= sizeof(path))
		return -1;
	for (char *p = path + strlen(w->dir) + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(path, 0700) != 0 && errno != EEXIST)
			return -1;
		*p = '/';
	}
	return write_file(path, text, strlen(text));
}

/*
 * The program's binary for device_i is the LLVM bitcode of its OpenCL C
 * before instrumentation (program->binaries[]). pocl turns it into its
 * own binary format for CL_PROGRAM_BINARIES from the program's cache
 * directory, so it is also written there as program.bc. Loading a binary
 * always instruments it again: no binary reaches the device without every
 * global access going through the memory port.
 */
static int keep_binary(cl_program program, cl_uint device_i, const char *bc,
		       const void *hash_src, size_t hash_len)
{
	char cache_bc[POCL_MAX_PATHNAME_LENGTH];
	unsigned char *data;
	size_t len;

	if (read_file(bc, &data, &len) != 0) {
		log_str(program, device_i, "fsvm: cannot read the program's bitcode\n");
		return -1;
	}
	free(program->binaries[device_i]);
	program->binaries[device_i] = data;
	program->binary_sizes[device_i] = len;
	if (pocl_cache_create_program_cachedir(program, device_i, hash_src, hash_len,
					       cache_bc) != 0 ||
	    write_file(cache_bc, data, len) != 0) {
		log_str(program, device_i, "fsvm: cannot write the program to pocl's cache\n");
		return -1;
	}
	return 0;
}

/* Stage 1: OpenCL C source (+ clCompileProgram's headers) -> bitcode. */
static int compile_source(cl_program program, cl_uint device_i, const struct wdir *w,
			  cl_uint num_input_headers, const cl_program *input_headers,
			  const char **header_include_names, const char *bc)
{
	char src[64], inc[64], cwd[4096];
	char *opts = NULL, *argv[96];
	unsigned n = 0;
	int r = -1;

	wpath(w, src, sizeof(src), "k.cl");
	wpath(w, inc, sizeof(inc), "inc");
	if (program->source == NULL ||
	    write_file(src, program->source, strlen(program->source)) != 0) {
		log_str(program, device_i, "fsvm: cannot write the source to a temporary file\n");
		return -1;
	}
	if (mkdir(inc, 0700) != 0) {
		log_str(program, device_i, "fsvm: cannot create a temporary directory\n");
		return -1;
	}
	for (cl_uint i = 0; i < num_input_headers; i++)
		if (write_header(w, header_include_names ? header_include_names[i] : NULL,
				 input_headers[i] ? input_headers[i]->source : NULL) != 0) {
			log_str(program, device_i, "fsvm: cannot write an input header (its "
				"include name must be a relative path without \"..\")\n");
			return -1;
		}
	argv[n++] = (char *)FSVM_CLANG;
	argv[n++] = "-x";
	argv[n++] = "cl";
	argv[n++] = "-cl-std=CL2.0";
	argv[n++] = "-target";
	argv[n++] = (char *)FSVM_CL_TRIPLE;
	argv[n++] = "-Xclang";
	argv[n++] = "-ffake-address-space-map";
	argv[n++] = "-Xclang";
	argv[n++] = "-finclude-default-header";
	argv[n++] = "-cl-kernel-arg-info";
	argv[n++] = "-O2";
	argv[n++] = "-fno-vectorize";
	argv[n++] = "-fno-slp-vectorize";
	argv[n++] = "-fno-builtin-printf";	/* keep printf a printf (not puts/putchar) */
	argv[n++] = "-Dcl_khr_int64";		/* in CL_DEVICE_EXTENSIONS (fsvm_pocl.c) */
	argv[n++] = "-emit-llvm";
	argv[n++] = "-c";
	argv[n++] = "-I";
	argv[n++] = inc;
	if (program->compiler_options) {
		opts = strdup(program->compiler_options);
		if (opts)
			n += split_opts(opts, argv + n, 64);
	}
	/* quoted includes are found in the program's working directory, as
	 * with pocl's other drivers (the source file itself is in /tmp) */
	if (getcwd(cwd, sizeof(cwd)) != NULL) {
		argv[n++] = "-I";
		argv[n++] = cwd;
	}
	argv[n++] = src;
	argv[n++] = "-o";
	argv[n++] = (char *)bc;
	argv[n] = NULL;
	if (run_tool(argv, w->log) != 0) {
		log_file(program, device_i, w->log);
		log_str(program, device_i, "fsvm: clang-19 failed to compile the program\n");
	} else {
		r = 0;
	}
	free(opts);
	return r;
}

/* Stages 2 and 3: instrument bc, link it into a shared object, load it and
 * register its kernels with the device (program->data[device_i]). */
static int load_bitcode(cl_program program, cl_uint device_i, const struct wdir *w,
			const char *bc)
{
	struct fsvm_pocl_device *d = program->devices[device_i]->data;
	struct fsvm_pocl_program *pp = NULL;
	char ibc[64], so[64], meta[64];

	wpath(w, ibc, sizeof(ibc), "k.fsvm.bc");
	wpath(w, so, sizeof(so), "k.so");
	wpath(w, meta, sizeof(meta), "k.meta");
	{
		char *a2[] = { oclc_path, "-m", meta, "-L", clc_path, (char *)bc,
			       "-o", ibc, NULL };

		if (run_tool(a2, w->log) != 0) {
			log_file(program, device_i, w->log);
			log_str(program, device_i, "fsvm: fsvm-oclc rejected the program\n");
			return -1;
		}
	}
	/* the memory port comes from libfsvm.so */
	{
		char *a3[] = { (char *)FSVM_CLANG, "-shared", "-fPIC", "-O2", ibc, "-o", so,
			       libfsvm_path, "-lm", NULL };

		if (run_tool(a3, w->log) != 0) {
			log_file(program, device_i, w->log);
			log_str(program, device_i, "fsvm: linking the kernels failed\n");
			return -1;
		}
	}
	log_file(program, device_i, w->log);

	pp = calloc(1, sizeof(*pp));
	if (pp == NULL || read_meta(pp, meta) != 0) {
		log_str(program, device_i, "fsvm: cannot read the kernels' metadata\n");
		goto bad;
	}
	pp->so = dlopen(so, RTLD_NOW | RTLD_LOCAL);
	if (pp->so == NULL) {
		log_str(program, device_i, "fsvm: cannot load the kernels: ");
		log_str(program, device_i, dlerror());
		log_str(program, device_i, "\n");
		goto bad;
	}
	for (unsigned i = 0; i < pp->num_kernels; i++) {
		struct fsvm_pocl_ckernel *k = &pp->kernels[i];
		char sym[256];
		const struct fsvm_cl_kinfo *ki;
		struct fsvm_compiled_kernel ck;

		snprintf(sym, sizeof(sym), FSVM_CL_KINFO_PREFIX "%s", k->name);
		ki = dlsym(pp->so, sym);
		snprintf(sym, sizeof(sym), FSVM_CL_WI_PREFIX "%s", k->name);
		ck.fn = (fsvm_work_item_fn)dlsym(pp->so, sym);
		if (ki == NULL || ck.fn == NULL || ki->nargs != k->nargs) {
			log_str(program, device_i, "fsvm: kernel without its work-item function\n");
			goto bad;
		}
		memcpy(k->kinds, ki->kinds, sizeof(k->kinds));
		ck.name = k->name;
		ck.nargs = k->nargs;
		ck.arg_kinds = k->kinds;
		if (fsvm_compiled_register(d->dev, &ck, &k->handle) != FSVM_OK) {
			log_str(program, device_i, "fsvm: the device's compiled-kernel table is full\n");
			goto bad;
		}
		k->registered = 1;
	}
	/* printf buffers only for programs that call printf (read_meta) */
	for (unsigned i = 0; i < pp->num_kernels; i++)
		pp->kernels[i].uses_printf = pp->uses_printf;
	fsvm_pocl_free_compiled(d, program->data[device_i]);
	program->data[device_i] = pp;
	return 0;
bad:
	fsvm_pocl_free_compiled(d, pp);
	return -1;
}

static int no_compiler(cl_program program, cl_uint device_i)
{
	struct fsvm_pocl_device *d = program->devices[device_i]->data;

	if (d->compiles)
		return tools_ready(program, device_i) != 0;
	log_str(program, device_i,
		"fsvm: this device (a board) has no OpenCL C compiler. A kernel for the "
		"FPGA is an HLS C kernel in the device's kernel table (see the kernel SDK "
		"in hw-kernels/ and docs/); create it with "
		"clCreateProgramWithBuiltInKernels(\"fsvm.<name>\"). OpenCL C source "
		"runs only on the simulated device (FSVM_DEVICE=sim).\n");
	return 1;
}

/* ops->build_source: clBuildProgram (link_program 1) and clCompileProgram
 * (0) from source. */
int fsvm_pocl_build_source(cl_program program, cl_uint device_i, cl_uint num_input_headers,
			   const cl_program *input_headers, const char **header_include_names,
			   int link_program)
{
	struct wdir w;
	char bc[64];
	int err = CL_BUILD_PROGRAM_FAILURE;
	size_t hl;
	char *hs;

	if (no_compiler(program, device_i))
		return CL_BUILD_PROGRAM_FAILURE;
	if (wdir_open(&w) != 0) {
		log_str(program, device_i, "fsvm: cannot create a temporary directory\n");
		return CL_BUILD_PROGRAM_FAILURE;
	}
	wpath(&w, bc, sizeof(bc), "k.bc");
	/* pocl's cache directory of the program: source and options */
	hl = strlen(program->source ? program->source : "") +
	     strlen(program->compiler_options ? program->compiler_options : "") + 2;
	hs = malloc(hl);
	if (hs == NULL)
		goto out;
	snprintf(hs, hl, "%s%c%s", program->source ? program->source : "", link_program ? 'x' : 'c',
		 program->compiler_options ? program->compiler_options : "");
	if (compile_source(program, device_i, &w, num_input_headers, input_headers,
			   header_include_names, bc) == 0 &&
	    keep_binary(program, device_i, bc, hs, hl) == 0 &&
	    (!link_program || load_bitcode(program, device_i, &w, bc) == 0))
		err = CL_SUCCESS;
	free(hs);
out:
	wdir_close(&w);
	return err;
}

/* ops->link_program: clLinkProgram of compiled objects and libraries. */
int fsvm_pocl_link_program(cl_program program, cl_uint device_i, cl_uint num_input_programs,
			   const cl_program *input_programs, int create_library)
{
	struct wdir w;
	char bc[64];
	char *argv[8 + 64];
	char in[64][64];		/* the inputs' bitcode files */
	unsigned n = 0;
	int err = CL_LINK_PROGRAM_FAILURE;
	unsigned char *hs = NULL;
	size_t hl = 0;

	if (no_compiler(program, device_i))
		return CL_LINK_PROGRAM_FAILURE;
	if (num_input_programs == 0 || num_input_programs > 64) {
		log_str(program, device_i, "fsvm: clLinkProgram takes 1 to 64 programs\n");
		return CL_LINK_PROGRAM_FAILURE;
	}
	if (wdir_open(&w) != 0) {
		log_str(program, device_i, "fsvm: cannot create a temporary directory\n");
		return CL_LINK_PROGRAM_FAILURE;
	}
	argv[n++] = oclc_path;
	argv[n++] = "-l";
	for (cl_uint i = 0; i < num_input_programs; i++) {
		cl_program ip = input_programs[i];
		unsigned char *nh;
		char nm[16];

		if (ip->binaries == NULL || ip->binaries[device_i] == NULL ||
		    ip->binary_sizes[device_i] == 0) {
			log_str(program, device_i, "fsvm: an input of clLinkProgram has no "
				"compiled object for this device\n");
			goto out;
		}
		snprintf(nm, sizeof(nm), "in%u.bc", i);
		wpath(&w, in[i], sizeof(in[i]), nm);
		if (write_file(in[i], ip->binaries[device_i], ip->binary_sizes[device_i]) != 0) {
			log_str(program, device_i, "fsvm: cannot write an input of clLinkProgram\n");
			goto out;
		}
		nh = realloc(hs, hl + ip->binary_sizes[device_i]);
		if (nh == NULL)
			goto out;
		hs = nh;
		memcpy(hs + hl, ip->binaries[device_i], ip->binary_sizes[device_i]);
		hl += ip->binary_sizes[device_i];
		argv[n++] = in[i];
	}
	wpath(&w, bc, sizeof(bc), "linked.bc");
	argv[n++] = "-o";
	argv[n++] = bc;
	argv[n] = NULL;
	if (run_tool(argv, w.log) != 0) {
		log_file(program, device_i, w.log);
		log_str(program, device_i, "fsvm: linking the programs failed\n");
	} else if (keep_binary(program, device_i, bc, hs, hl) == 0 &&
		   (create_library || load_bitcode(program, device_i, &w, bc) == 0)) {
		err = CL_SUCCESS;
	}
out:
	free(hs);
	wdir_close(&w);
	return err;
}

/* ops->build_binary: clBuildProgram of clCreateProgramWithBinary (pocl's
 * binary from CL_PROGRAM_BINARIES, or raw LLVM bitcode). */
int fsvm_pocl_build_binary(cl_program program, cl_uint device_i, int link_program,
			   int spir_build)
{
	struct wdir w;
	char bc[64];
	int err = CL_BUILD_PROGRAM_FAILURE;

	if (no_compiler(program, device_i))
		return CL_BUILD_PROGRAM_FAILURE;
	if (spir_build || program->binaries[device_i] == NULL ||
	    program->binary_sizes[device_i] == 0) {
		log_str(program, device_i, "fsvm: the binary holds no LLVM bitcode of the fsvm "
			"device (SPIR-V/IL is not supported)\n");
		return CL_BUILD_PROGRAM_FAILURE;
	}
	if (wdir_open(&w) != 0) {
		log_str(program, device_i, "fsvm: cannot create a temporary directory\n");
		return CL_BUILD_PROGRAM_FAILURE;
	}
	wpath(&w, bc, sizeof(bc), "k.bc");
	if (write_file(bc, program->binaries[device_i], program->binary_sizes[device_i]) != 0) {
		log_str(program, device_i, "fsvm: cannot write the binary to a temporary file\n");
	} else if (program->pocl_binaries[device_i] == NULL &&
		   keep_binary(program, device_i, bc, program->binaries[device_i],
			       program->binary_sizes[device_i]) != 0) {
		/* said why */
	} else if (!link_program || load_bitcode(program, device_i, &w, bc) == 0) {
		err = CL_SUCCESS;
	}
	wdir_close(&w);
	return err;
}

/* ops->supports_binary: LLVM bitcode (raw or in the wrapper format). */
int fsvm_pocl_supports_binary(cl_device_id device, size_t length, const char *binary)
{
	static const unsigned char raw[4] = { 'B', 'C', 0xC0, 0xDE };
	static const unsigned char wrap[4] = { 0xDE, 0xC0, 0x17, 0x0B };
	struct fsvm_pocl_device *d = device->data;

	return d->compiles && binary != NULL && length >= 4 &&
	       (memcmp(binary, raw, 4) == 0 || memcmp(binary, wrap, 4) == 0);
}

int fsvm_pocl_free_program(cl_device_id device, cl_program program, unsigned device_i)
{
	struct fsvm_pocl_device *d = device->data;

	if (program->data && program->data[device_i]) {
		fsvm_pocl_free_compiled(d, program->data[device_i]);
		program->data[device_i] = NULL;
	}
	return 0;
}

/* Kernel metadata of a compiled program (pocl's setup_metadata). */
int fsvm_pocl_setup_compiled_metadata(cl_program program, struct fsvm_pocl_program *pp)
{
	program->kernel_meta = calloc(pp->num_kernels ? pp->num_kernels : 1,
				      sizeof(pocl_kernel_metadata_t));
	if (program->kernel_meta == NULL)
		return 0;
	program->num_kernels = pp->num_kernels;
	for (unsigned i = 0; i < pp->num_kernels; i++) {
		const struct fsvm_pocl_ckernel *k = &pp->kernels[i];
		pocl_kernel_metadata_t *m = &program->kernel_meta[i];

		m->name = strdup(k->name);
		m->data = calloc(program->num_devices, sizeof(void *));
		m->arg_info = k->nargs ? calloc(k->nargs, sizeof(struct pocl_argument_info)) : NULL;
		m->has_arg_metadata = POCL_HAS_KERNEL_ARG_ADDRESS_QUALIFIER |
				      POCL_HAS_KERNEL_ARG_ACCESS_QUALIFIER |
				      POCL_HAS_KERNEL_ARG_TYPE_NAME |
				      POCL_HAS_KERNEL_ARG_TYPE_QUALIFIER | POCL_HAS_KERNEL_ARG_NAME;
		if (m->name == NULL || m->data == NULL || (k->nargs && m->arg_info == NULL))
			return 0;
		m->num_args = k->nargs;
		for (unsigned a = 0; a < k->nargs; a++) {
			const struct fsvm_pocl_carg *ca = &k->args[a];
			struct pocl_argument_info *ai = &m->arg_info[a];

			ai->name = strdup(ca->name);
			ai->type_name = strdup(ca->type_name);
			ai->access_qualifier = ca->access;
			ai->type_qualifier = ca->type_qual;
			switch (ca->addr_space) {
			case 1:
				ai->address_qualifier = CL_KERNEL_ARG_ADDRESS_GLOBAL;
				break;
			case 2:
				ai->address_qualifier = CL_KERNEL_ARG_ADDRESS_CONSTANT;
				break;
			case 3:
				ai->address_qualifier = CL_KERNEL_ARG_ADDRESS_LOCAL;
				break;
			default:
				ai->address_qualifier = CL_KERNEL_ARG_ADDRESS_PRIVATE;
				break;
			}
			if (ca->addr_space != 0) {
				ai->type = POCL_ARG_TYPE_POINTER;
				ai->type_size = sizeof(cl_mem);
			} else {
				ai->type = POCL_ARG_TYPE_NONE;
				ai->type_size = ca->size;
			}
			if (ai->name == NULL || ai->type_name == NULL)
				return 0;
		}
	}
	return 1;
}

const struct fsvm_pocl_ckernel *fsvm_pocl_find_compiled(cl_program program, unsigned device_i,
							const char *name)
{
	struct fsvm_pocl_program *pp = program->data ? program->data[device_i] : NULL;

	if (pp == NULL)
		return NULL;
	for (unsigned i = 0; i < pp->num_kernels; i++)
		if (strcmp(pp->kernels[i].name, name) == 0)
			return &pp->kernels[i];
	return NULL;
}
