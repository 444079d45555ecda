/* SPDX-License-Identifier: MIT */
/*
 * fsvm-oclc - instrument an OpenCL C module (LLVM bitcode or text IR) for
 * the simulated fsvm device:
 *
 *   clang-19 -x cl -cl-std=CL2.0 -target x86_64-linux-gnu \
 *     -Xclang -ffake-address-space-map -Xclang -finclude-default-header \
 *     -O2 -emit-llvm -c k.cl -o k.bc
 *   fsvm-oclc [-v] k.bc -o k.fsvm.bc
 *   clang-19 -shared -fPIC -O2 k.fsvm.bc -o k.so
 *
 * Exit status 0, or 1 with one line on stderr saying why.
 */
#include <stdio.h>
#include <string.h>

#include <llvm-c/BitWriter.h>
#include <llvm-c/Core.h>
#include <llvm-c/IRReader.h>

#include "fsvm_oclc.h"

static int usage(void)
{
	fprintf(stderr, "usage: fsvm-oclc [-v] IN.bc|IN.ll -o OUT.bc\n");
	return 1;
}

int main(int argc, char **argv)
{
	const char *in = NULL, *out = NULL;
	struct fsvm_oclc_stats st;
	LLVMMemoryBufferRef buf;
	LLVMContextRef c;
	LLVMModuleRef mod;
	char err[512];
	char *msg = NULL;
	int verbose = 0, rc = 1;

	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "-o") == 0 && i + 1 < argc)
			out = argv[++i];
		else if (strcmp(argv[i], "-v") == 0)
			verbose = 1;
		else if (argv[i][0] != '-' && !in)
			in = argv[i];
		else
			return usage();
	}
	if (!in || !out)
		return usage();
	if (LLVMCreateMemoryBufferWithContentsOfFile(in, &buf, &msg)) {
		fprintf(stderr, "fsvm-oclc: %s: %s\n", in, msg ? msg : "cannot read");
		LLVMDisposeMessage(msg);
		return 1;
	}
	c = LLVMContextCreate();
	if (LLVMParseIRInContext(c, buf, &mod, &msg)) {	/* takes buf */
		fprintf(stderr, "fsvm-oclc: %s: %s\n", in, msg ? msg : "not LLVM IR");
		LLVMDisposeMessage(msg);
		LLVMContextDispose(c);
		return 1;
	}
	if (fsvm_oclc_instrument(mod, &st, err, sizeof(err)) != 0) {
		fprintf(stderr, "fsvm-oclc: %s: %s\n", in, err);
	} else if (LLVMWriteBitcodeToFile(mod, out) != 0) {
		fprintf(stderr, "fsvm-oclc: %s: cannot write\n", out);
	} else {
		if (verbose)
			printf("fsvm-oclc: %s: %u kernels, %u loads and %u stores through "
			       "the memory port, %u mem intrinsics, %u direct accesses\n",
			       in, st.kernels, st.loads, st.stores, st.mem_intrinsics,
			       st.direct);
		rc = 0;
	}
	LLVMDisposeModule(mod);
	LLVMContextDispose(c);
	return rc;
}
