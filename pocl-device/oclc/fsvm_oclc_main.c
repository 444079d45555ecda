/* SPDX-License-Identifier: MIT */
/*
 * fsvm-oclc - instrument an OpenCL C module (LLVM bitcode or text IR) for
 * the simulated fsvm device:
 *
 *   clang-19 -x cl -cl-std=CL2.0 -target x86_64-linux-gnu \
 *     -Xclang -ffake-address-space-map -Xclang -finclude-default-header \
 *     -O2 -emit-llvm -c k.cl -o k.bc
 *   fsvm-oclc [-v] [-m k.meta] k.bc -o k.fsvm.bc
 *   clang-19 -shared -fPIC -O2 k.fsvm.bc -o k.so
 *
 * Several inputs are linked into one module first (separate compilation:
 * clCompileProgram/clLinkProgram). -l only links them, without
 * instrumenting (a library, or a program binary: instrumentation always
 * runs again when a binary is loaded, so a binary cannot bypass the port).
 * -L LIB.bc links the device's built-in function library (fsvm_clc.cl) in
 * before instrumentation; only the functions the program uses are kept.
 *
 * Exit status 0, or 1 with one line on stderr saying why.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <llvm-c/BitWriter.h>
#include <llvm-c/Core.h>
#include <llvm-c/IRReader.h>
#include <llvm-c/Linker.h>
#include <llvm-c/Target.h>
#include <llvm-c/Transforms/PassBuilder.h>

#include "fsvm_oclc.h"

static int usage(void)
{
	fprintf(stderr, "usage: fsvm-oclc [-v] [-l] [-L LIB.bc] [-m META] IN.bc|IN.ll... -o OUT.bc\n");
	return 1;
}

/* String operand i of metadata node md (as a value), or "". */
static const char *md_str(LLVMValueRef md, unsigned int i, unsigned int n, LLVMValueRef *ops)
{
	unsigned int len = 0;
	const char *s;

	(void)md;
	if (i >= n || !ops[i])
		return "";
	s = LLVMGetMDString(ops[i], &len);
	return s ? s : "";
}

/*
 * -m: the kernels' argument metadata for a runtime (the fsvm pocl driver),
 * from clang's -cl-kernel-arg-info. One block per kernel:
 *   kernel <name> <nargs>
 *   arg <addr-space 0..3> <size> <access> <type-qualifiers|-> <type> <name>
 * (qualifiers joined by ',', '-' for none; a space in a type name is '~'),
 * and a line "printf" when the module calls printf (the runtime then gives
 * its launches a printf buffer).
 */
static int write_meta(LLVMModuleRef mod, const char *path)
{
	LLVMContextRef c = LLVMGetModuleContext(mod);
	LLVMTargetDataRef td = LLVMGetModuleDataLayout(mod);
	static const char *const kinds[5] = { "kernel_arg_addr_space", "kernel_arg_access_qual",
		"kernel_arg_type", "kernel_arg_type_qual", "kernel_arg_name" };
	unsigned int kid[5];
	FILE *f = fopen(path, "w");

	if (!f) {
		fprintf(stderr, "fsvm-oclc: %s: cannot write\n", path);
		return -1;
	}
	for (int i = 0; i < 5; i++)
		kid[i] = LLVMGetMDKindIDInContext(c, kinds[i], (unsigned int)strlen(kinds[i]));
	for (LLVMValueRef fn = LLVMGetFirstFunction(mod); fn; fn = LLVMGetNextFunction(fn)) {
		LLVMValueRef mds[5] = { NULL };
		unsigned int nm[5] = { 0 };
		LLVMValueRef *ops[5] = { NULL };
		size_t ne = 0, nl;
		LLVMValueMetadataEntry *ent;
		const char *name = LLVMGetValueName2(fn, &nl);
		unsigned int np = LLVMCountParams(fn);

		if (LLVMIsDeclaration(fn) || strncmp(name, "__fsvm_", 7) == 0)
			continue;
		ent = LLVMGlobalCopyAllMetadata(fn, &ne);
		for (size_t e = 0; e < ne; e++)
			for (int k = 0; k < 5; k++)
				if (LLVMValueMetadataEntriesGetKind(ent, (unsigned int)e) == kid[k])
					mds[k] = LLVMMetadataAsValue(c,
						LLVMValueMetadataEntriesGetMetadata(ent, (unsigned int)e));
		if (ent)
			LLVMDisposeValueMetadataEntries(ent);
		if (!mds[0])
			continue;	/* not a kernel */
		for (int k = 0; k < 5; k++) {
			if (!mds[k])
				continue;
			nm[k] = LLVMGetMDNodeNumOperands(mds[k]);
			ops[k] = calloc(nm[k] + 1, sizeof(LLVMValueRef));
			if (ops[k])
				LLVMGetMDNodeOperands(mds[k], ops[k]);
			else
				nm[k] = 0;
		}
		fprintf(f, "kernel %s %u\n", name, np);
		for (unsigned int a = 0; a < np; a++) {
			LLVMTypeRef t = LLVMTypeOf(LLVMGetParam(fn, a));
			unsigned long long as = a < nm[0] && ops[0][a] ?
				LLVMConstIntGetZExtValue(ops[0][a]) : 0;
			char tq[64];
			const char *q = md_str(mds[3], a, nm[3], ops[3]);
			size_t j = 0;

			for (; q[j] && j + 1 < sizeof(tq); j++)
				tq[j] = q[j] == ' ' ? ',' : q[j];
			tq[j] = '\0';
			char ty[128];
			const char *tn = md_str(mds[2], a, nm[2], ops[2]);

			for (j = 0; tn[j] && j + 1 < sizeof(ty); j++)
				ty[j] = tn[j] == ' ' ? '~' : tn[j];
			ty[j] = '\0';
			fprintf(f, "arg %llu %llu %s %s %s %s\n", as,
				(unsigned long long)LLVMABISizeOfType(td, t),
				*md_str(mds[1], a, nm[1], ops[1]) ? md_str(mds[1], a, nm[1], ops[1]) : "none",
				tq[0] ? tq : "-", ty[0] ? ty : "?",
				*md_str(mds[4], a, nm[4], ops[4]) ? md_str(mds[4], a, nm[4], ops[4]) : "-");
		}
		for (int k = 0; k < 5; k++)
			free(ops[k]);
	}
	if (LLVMGetNamedFunction(mod, "printf"))
		fprintf(f, "printf\n");
	if (fclose(f) != 0) {
		fprintf(stderr, "fsvm-oclc: %s: cannot write\n", path);
		return -1;
	}
	return 0;
}

/* Parse one input into context c. NULL (said why) on failure. */
static LLVMModuleRef read_module(LLVMContextRef c, const char *in)
{
	LLVMMemoryBufferRef buf;
	LLVMModuleRef mod;
	char *msg = NULL;

	if (LLVMCreateMemoryBufferWithContentsOfFile(in, &buf, &msg)) {
		fprintf(stderr, "fsvm-oclc: %s: %s\n", in, msg ? msg : "cannot read");
		LLVMDisposeMessage(msg);
		return NULL;
	}
	if (LLVMParseIRInContext(c, buf, &mod, &msg)) {	/* takes buf */
		fprintf(stderr, "fsvm-oclc: %s: %s\n", in, msg ? msg : "not LLVM IR");
		LLVMDisposeMessage(msg);
		return NULL;
	}
	return mod;
}

#define MAX_INPUTS 64

/*
 * Link the built-in library lib into mod: its functions resolve the
 * program's calls, then become internal, and those nobody calls are
 * dropped (globaldce). 0, or -1 with a message.
 */
static int link_library(LLVMContextRef c, LLVMModuleRef mod, const char *lib)
{
	LLVMModuleRef lm = read_module(c, lib);
	char **names = NULL;
	size_t n = 0, cap = 0;
	LLVMPassBuilderOptionsRef opts;
	LLVMErrorRef e;
	int r = -1;

	if (!lm)
		return -1;
	/* the program's own data layout and triple win */
	LLVMSetDataLayout(lm, LLVMGetDataLayoutStr(mod));
	LLVMSetTarget(lm, LLVMGetTarget(mod));
	for (LLVMValueRef f = LLVMGetFirstFunction(lm); f; f = LLVMGetNextFunction(f)) {
		size_t len;
		const char *nm = LLVMGetValueName2(f, &len);

		if (LLVMIsDeclaration(f))
			continue;
		/* a function the program defines itself is its own */
		if (LLVMGetNamedFunction(mod, nm) && !LLVMIsDeclaration(LLVMGetNamedFunction(mod, nm))) {
			LLVMSetLinkage(f, LLVMInternalLinkage);
			continue;
		}
		if (n == cap) {
			char **nn = realloc(names, (cap = cap ? 2 * cap : 1024) * sizeof(*nn));

			if (!nn)
				goto out;
			names = nn;
		}
		names[n] = strdup(nm);
		if (!names[n])
			goto out;
		n++;
	}
	if (LLVMLinkModules2(mod, lm)) {	/* takes lm */
		lm = NULL;
		fprintf(stderr, "fsvm-oclc: %s: cannot be linked with the program\n", lib);
		goto out;
	}
	lm = NULL;
	for (size_t i = 0; i < n; i++) {
		LLVMValueRef f = LLVMGetNamedFunction(mod, names[i]);

		if (f && !LLVMIsDeclaration(f))
			LLVMSetLinkage(f, LLVMInternalLinkage);
	}
	opts = LLVMCreatePassBuilderOptions();
	e = LLVMRunPasses(mod, "globaldce", NULL, opts);
	LLVMDisposePassBuilderOptions(opts);
	if (e) {
		char *m = LLVMGetErrorMessage(e);

		fprintf(stderr, "fsvm-oclc: globaldce: %s\n", m);
		LLVMDisposeErrorMessage(m);
		goto out;
	}
	r = 0;
out:
	for (size_t i = 0; i < n; i++)
		free(names[i]);
	free(names);
	if (lm)
		LLVMDisposeModule(lm);
	return r;
}

int main(int argc, char **argv)
{
	const char *in[MAX_INPUTS], *out = NULL, *meta = NULL, *lib = NULL;
	unsigned int nin = 0;
	struct fsvm_oclc_stats st;
	LLVMContextRef c;
	LLVMModuleRef mod;
	char err[512];
	int verbose = 0, link_only = 0, rc = 1;

	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "-o") == 0 && i + 1 < argc)
			out = argv[++i];
		else if (strcmp(argv[i], "-m") == 0 && i + 1 < argc)
			meta = argv[++i];
		else if (strcmp(argv[i], "-v") == 0)
			verbose = 1;
		else if (strcmp(argv[i], "-L") == 0 && i + 1 < argc)
			lib = argv[++i];
		else if (strcmp(argv[i], "-l") == 0)
			link_only = 1;
		else if (argv[i][0] != '-' && nin < MAX_INPUTS)
			in[nin++] = argv[i];
		else
			return usage();
	}
	if (!nin || !out || (link_only && (meta || lib)))
		return usage();
	c = LLVMContextCreate();
	mod = read_module(c, in[0]);
	for (unsigned int i = 1; mod && i < nin; i++) {
		LLVMModuleRef m = read_module(c, in[i]);

		if (!m || LLVMLinkModules2(mod, m)) {	/* takes m */
			if (m)
				fprintf(stderr, "fsvm-oclc: %s: cannot be linked with %s "
					"(a symbol defined twice, or different targets)\n",
					in[i], in[0]);
			LLVMDisposeModule(mod);
			mod = NULL;
		}
	}
	if (!mod) {
		LLVMContextDispose(c);
		return 1;
	}
	if (link_only) {
		if (LLVMWriteBitcodeToFile(mod, out) != 0)
			fprintf(stderr, "fsvm-oclc: %s: cannot write\n", out);
		else
			rc = 0;
	} else if (meta && write_meta(mod, meta) != 0) {
		/* said why */
	} else if (lib && link_library(c, mod, lib) != 0) {
		/* said why */
	} else if (fsvm_oclc_instrument(mod, &st, err, sizeof(err)) != 0) {
		fprintf(stderr, "fsvm-oclc: %s: %s\n", in[0], err);
	} else if (LLVMWriteBitcodeToFile(mod, out) != 0) {
		fprintf(stderr, "fsvm-oclc: %s: cannot write\n", out);
	} else {
		if (verbose)
			printf("fsvm-oclc: %s: %u kernels, %u loads and %u stores through "
			       "the memory port, %u mem intrinsics, %u direct accesses\n",
			       in[0], st.kernels, st.loads, st.stores, st.mem_intrinsics,
			       st.direct);
		rc = 0;
	}
	LLVMDisposeModule(mod);
	LLVMContextDispose(c);
	return rc;
}
