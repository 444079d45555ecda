/* SPDX-License-Identifier: MIT */
/*
 * system_svm_hash_join - an OpenCL C kernel probes a chained hash table the
 * host built with plain malloc (fine-grained system SVM: no clSVMAlloc, no
 * buffers, no copies), and the result is checked against the CPU.
 *
 *   OCL_ICD_VENDORS=<build>/pocl/vendors POCL_DEVICES=fsvm ./system_svm_hash_join [rows] [probes]
 *
 * The kernel is compiled by clBuildProgram (clang-19 and fsvm-oclc on the
 * simulated device); every pointer it follows is a raw host pointer read
 * through the device's memory port and SMMU model.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "fsvm_cl.h"

struct entry {
	struct entry *next;
	uint64_t key;
	uint64_t payload;
};

static const char *src =
	"typedef struct entry { global struct entry *next; ulong key; ulong payload; } entry;\n"
	"kernel void probe(global entry *global *buckets, ulong mask,\n"
	"                  global const ulong *keys, global ulong *out, global uint *hits)\n"
	"{\n"
	"	size_t i = get_global_id(0);\n"
	"	ulong k = keys[i], h = (k * 0x9E3779B97F4A7C15UL) >> 40;\n"
	"	ulong sum = 0;\n"
	"	uint n = 0;\n"
	"	for (global entry *e = buckets[h & mask]; e; e = e->next)\n"
	"		if (e->key == k) {\n"
	"			sum += e->payload;\n"
	"			n++;\n"
	"		}\n"
	"	out[i] = sum;\n"
	"	hits[i] = n;\n"
	"}\n";

static uint64_t hash(uint64_t k)
{
	return (k * 0x9E3779B97F4A7C15ull) >> 40;
}

int main(int argc, char **argv)
{
	size_t rows, probes, nb = 1;
	cl_platform_id plat;
	cl_int err;

	example_args(argc, argv, 2, "[rows] [probes]\n"
		     "Probes a malloc'ed chained hash table of rows (1..2^32, default\n"
		     "100000) with probes keys (1..2^32, default 20000) in OpenCL C.\n");
	rows = example_count(argc, argv, 1, "rows", 100000, 1, 1ull << 32);
	probes = example_count(argc, argv, 2, "probes", 20000, 1, 1ull << 32);
	cl_device_id dev = fsvm_cl_find_device(&plat);

	while (nb < rows / 2)
		nb <<= 1;
	/* build side: rows with keys 0..rows/3 (duplicates), plain malloc */
	struct entry **buckets = calloc(nb, sizeof(*buckets));
	struct entry *ents = malloc(rows * sizeof(*ents));
	uint64_t *keys = malloc(probes * sizeof(*keys));
	uint64_t *out = malloc(probes * sizeof(*out));
	uint32_t *hits = malloc(probes * sizeof(*hits));
	uint64_t seed = 12345;

	if (!buckets || !ents || !keys || !out || !hits) {
		fprintf(stderr, "out of memory\n");
		return 1;
	}
	for (size_t r = 0; r < rows; r++) {
		seed = seed * 6364136223846793005ull + 1442695040888963407ull;
		ents[r].key = (seed >> 33) % (rows / 3 + 1);
		ents[r].payload = seed >> 17;
		struct entry **b = &buckets[hash(ents[r].key) & (nb - 1)];

		ents[r].next = *b;
		*b = &ents[r];
	}
	for (size_t i = 0; i < probes; i++) {
		seed = seed * 6364136223846793005ull + 1442695040888963407ull;
		keys[i] = (seed >> 33) % (rows / 2 + 1);	/* some miss */
	}

	cl_context ctx = clCreateContext(NULL, 1, &dev, NULL, NULL, &err);
	CL_CHECK_ERR(err);
	cl_command_queue q = clCreateCommandQueueWithProperties(ctx, dev, NULL, &err);
	CL_CHECK_ERR(err);
	cl_program prog = clCreateProgramWithSource(ctx, 1, &src, NULL, &err);
	CL_CHECK_ERR(err);
	err = clBuildProgram(prog, 1, &dev, NULL, NULL, NULL);
	if (err != CL_SUCCESS) {
		char log[8192] = "";

		clGetProgramBuildInfo(prog, dev, CL_PROGRAM_BUILD_LOG, sizeof(log), log, NULL);
		fprintf(stderr, "clBuildProgram: %d\n%s\n", err, log);
		return 1;
	}
	cl_kernel k = clCreateKernel(prog, "probe", &err);
	CL_CHECK_ERR(err);
	cl_ulong mask = nb - 1;

	CL_CHECK(clSetKernelArgSVMPointer(k, 0, buckets));
	CL_CHECK(clSetKernelArg(k, 1, sizeof(mask), &mask));
	CL_CHECK(clSetKernelArgSVMPointer(k, 2, keys));
	CL_CHECK(clSetKernelArgSVMPointer(k, 3, out));
	CL_CHECK(clSetKernelArgSVMPointer(k, 4, hits));
	CL_CHECK(clEnqueueNDRangeKernel(q, k, 1, NULL, &probes, NULL, 0, NULL, NULL));
	CL_CHECK(clFinish(q));

	size_t bad = 0, matched = 0;

	for (size_t i = 0; i < probes; i++) {
		uint64_t s = 0;
		uint32_t n = 0;

		for (struct entry *e = buckets[hash(keys[i]) & (nb - 1)]; e; e = e->next)
			if (e->key == keys[i]) {
				s += e->payload;
				n++;
			}
		bad += out[i] != s || hits[i] != n;
		matched += n;
	}
	printf("hash join: %zu build rows (malloc'ed chains in %zu buckets), %zu probes, "
	       "%zu matches\n", rows, nb, probes, matched);
	printf("%s: %zu of %zu probes differ from the CPU\n", bad ? "FAIL" : "PASS", bad, probes);
	clReleaseKernel(k);
	clReleaseProgram(prog);
	clReleaseCommandQueue(q);
	clReleaseContext(ctx);
	free(buckets);
	free(ents);
	free(keys);
	free(out);
	free(hits);
	return bad || matched == 0 ? 1 : 0;
}
