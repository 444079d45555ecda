/* SPDX-License-Identifier: MIT */
/*
 * cmd_run.c - "fsvm run <kernel>": generate data in ordinary host memory
 * (malloc), run the kernel on the device with the raw pointers, and check
 * the result against the CPU reference. Exit 0 only if they agree.
 *
 * --offset shifts the argument buffers by that many bytes from malloc's
 * alignment. An offset that breaks the element alignment is not an error
 * of the tool: the device must then end the kernel with an alignment fault
 * at one of the shifted buffers, and that is what gets checked.
 */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "workload.h"

struct run_opts {
	uint64_t n;
	uint64_t seed;
	uint64_t max_hops;
	uint64_t offset;
	uint64_t k;		/* bst_lookup/hash_probe: 0 one key at a time, else the
				 * _batch kernel with k lookups in flight */
};

/* A malloc'ed buffer used at base + offset. */
struct shifted {
	void *base;
	void *p;
};

static int shifted_alloc(struct shifted *b, size_t size, uint64_t offset)
{
	b->base = malloc(size + offset + 1);
	if (!b->base) {
		fprintf(stderr, "fsvm run: out of memory (%zu bytes)\n", size);
		return -1;
	}
	memset(b->base, 0, size + offset + 1);
	b->p = (char *)b->base + offset;
	return 0;
}

/* What the device must answer, beyond the kernel's own output. */
struct expectation {
	int alignment_fault;		/* 1: an alignment fault at one of vas[] */
	uint64_t vas[3];
	unsigned int nvas;
};

static void expect_aligned(struct expectation *e, const void *p, size_t align)
{
	if ((uintptr_t)p % align) {
		e->alignment_fault = 1;
		e->vas[e->nvas++] = (uint64_t)(uintptr_t)p;
	}
}

/*
 * Launch, wait, print the statistics. Returns 1 if the outcome so far is
 * right and the caller should compare the data, 0 if the check is already
 * complete (expected fault seen), -1 on a failed check.
 */
static int launch(struct fsvm_context *ctx, uint32_t kernel, const uint64_t *args,
		  unsigned int nargs, const struct expectation *e)
{
	struct fsvm_device *dev = fsvm_context_device(ctx);
	struct fsvm_completion rec;
	struct fsvm_fault fault;
	char text[200];
	uint64_t t0 = now_ns(), t1;
	int err;

	err = run_with_progress(ctx, kernel, args, nargs, &rec, &fault, "the kernel");
	t1 = now_ns();
	if (err == FSVM_ERR_FAULT) {
		fsvm_fault_describe(&fault, text, sizeof(text));
		printf("device fault: %s\n", text);
		print_launch_stats(stdout, dev, &rec);
		if (e->alignment_fault && fault.type == FSVM_FAULT_ALIGNMENT) {
			for (unsigned int i = 0; i < e->nvas; i++) {
				if (fault.va == e->vas[i]) {
					printf("matches CPU reference: the misaligned buffer at "
					       "0x%" PRIx64 " faulted as expected\n", fault.va);
					return 0;
				}
			}
		}
		printf("MISMATCH: unexpected fault\n");
		return -1;
	}
	if (err) {
		fprintf(stderr, "fsvm run: launch failed: %s\n", fsvm_strerror(err));
		return -1;
	}
	printf("completed in %.1f us (host wall clock)\n", (t1 - t0) / 1e3);
	print_launch_stats(stdout, dev, &rec);
	if (e->alignment_fault) {
		printf("MISMATCH: expected an alignment fault at 0x%" PRIx64 "\n", e->vas[0]);
		return -1;
	}
	return 1;
}

static int verdict(int ok)
{
	printf("%s\n", ok ? "matches CPU reference" : "MISMATCH against CPU reference");
	return ok ? 0 : EXIT_MISMATCH;
}

static int run_nop(struct fsvm_context *ctx, const struct run_opts *o)
{
	struct expectation e = { 0 };

	(void)o;
	printf("nop: empty kernel\n");
	if (launch(ctx, FSVM_K_NOP, NULL, 0, &e) < 0)
		return EXIT_MISMATCH;
	return verdict(1);	/* nothing to compare: completing is the result */
}

static void print_chase(const char *who, const struct fsvm_chase_result *r)
{
	printf("%-7s hops %" PRIu64 ", last 0x%" PRIx64 ", checksum 0x%016" PRIx64
	       ", found %" PRIu64 "\n", who, r->hops, r->last, r->checksum, r->found);
}

static int run_list_kernel(struct fsvm_context *ctx, const struct run_opts *o, int search)
{
	struct list_workload list;
	struct fsvm_chase_result want;
	struct expectation e = { 0 };
	struct shifted res;
	uint64_t key = 0;
	int rc = EXIT_MISMATCH, r;

	if (list_build(&list, o->n, o->seed) != 0) {
		fprintf(stderr, "fsvm run: out of memory building %" PRIu64 " nodes\n", o->n);
		return EXIT_MISMATCH;
	}
	if (shifted_alloc(&res, sizeof(struct fsvm_chase_result), o->offset) != 0)
		goto out_list;
	expect_aligned(&e, res.p, 8);

	if (search) {
		/* Look for the key of a random node (the first match counts). */
		struct rng rng;

		rng_seed(&rng, o->seed ^ 0x5eed);
		key = o->n ? list.nodes[rng_below(&rng, o->n)]->key : 1;
		printf("list_search: %" PRIu64 " malloc'ed nodes, key 0x%" PRIx64
		       ", max_hops %" PRIu64 "\n", o->n, key, o->max_hops);
		uint64_t args[] = { (uintptr_t)list.head, key, o->max_hops, (uintptr_t)res.p };

		r = launch(ctx, FSVM_K_LIST_SEARCH, args, 4, &e);
		want = search_reference(list.head, key, o->max_hops);
	} else {
		printf("pointer_chase: %" PRIu64 " malloc'ed nodes in random order, "
		       "max_hops %" PRIu64 "\n", o->n, o->max_hops);
		uint64_t args[] = { (uintptr_t)list.head, o->max_hops, (uintptr_t)res.p };

		r = launch(ctx, FSVM_K_POINTER_CHASE, args, 3, &e);
		want = chase_reference(list.head, o->max_hops);
	}
	if (r <= 0) {
		rc = r == 0 ? 0 : EXIT_MISMATCH;
		goto out_res;
	}
	struct fsvm_chase_result got;

	memcpy(&got, res.p, sizeof(got));
	print_chase("device:", &got);
	print_chase("cpu:", &want);
	rc = verdict(memcmp(&got, &want, sizeof(got)) == 0);
out_res:
	free(res.base);
out_list:
	list_free(&list);
	return rc;
}

/* Compare two result arrays, print the first difference. */
static int compare_u64(const char *what, const void *got_bytes, const uint64_t *want,
		       const uint64_t *keys, size_t n)
{
	size_t found = 0;

	for (size_t i = 0; i < n; i++) {
		uint64_t got;

		/* memcpy: the device's buffer may sit at any --offset. */
		memcpy(&got, (const char *)got_bytes + 8 * i, 8);
		if (got != want[i]) {
			printf("%s[%zu] (key %" PRIu64 "): device 0x%" PRIx64 ", cpu 0x%"
			       PRIx64 "\n", what, i, keys[i], got, want[i]);
			return 0;
		}
		found += want[i] != FSVM_NOT_FOUND;
	}
	printf("%zu lookups, %zu found, %zu absent\n", n, found, n - found);
	return 1;
}

/* The keys and results of bst_lookup and hash_probe, and the CPU's answers. */
struct lookup_run {
	struct shifted keys, results;	/* what the device reads and writes */
	uint64_t *key_values;		/* the keys, 8-byte aligned for the CPU */
	uint64_t *want;			/* the CPU reference fills it */
};

/* Random keys (about half present) in keys and key_values; 0 or -1. */
static int lookup_prepare(struct lookup_run *l, const struct run_opts *o, uint64_t seed,
			  struct expectation *e)
{
	struct rng rng;

	l->keys.base = l->results.base = NULL;
	l->want = malloc((o->n ? o->n : 1) * sizeof(*l->want));
	l->key_values = malloc((o->n ? o->n : 1) * sizeof(*l->key_values));
	if (!l->want || !l->key_values || shifted_alloc(&l->keys, o->n * 8, o->offset) ||
	    shifted_alloc(&l->results, o->n * 8, o->offset))
		return -1;
	rng_seed(&rng, seed);
	lookup_keys(&rng, l->key_values, o->n, o->n);
	memcpy(l->keys.p, l->key_values, o->n * 8);
	if (o->n) {
		expect_aligned(e, l->keys.p, 8);
		expect_aligned(e, l->results.p, 8);
	}
	return 0;
}

/* Launch and compare the results with l->want; the exit status. */
static int lookup_check(struct fsvm_context *ctx, uint32_t kernel, const uint64_t *args,
			unsigned int nargs, const struct expectation *e,
			const struct lookup_run *l, uint64_t n)
{
	int r = launch(ctx, kernel, args, nargs, e);

	if (r <= 0)
		return r == 0 ? 0 : EXIT_MISMATCH;
	return verdict(compare_u64("results", l->results.p, l->want, l->key_values, n));
}

static void lookup_free(struct lookup_run *l)
{
	free(l->want);
	free(l->key_values);
	free(l->keys.base);
	free(l->results.base);
}

static int run_bst(struct fsvm_context *ctx, const struct run_opts *o)
{
	struct bst_workload tree;
	struct expectation e = { 0 };
	struct lookup_run l;
	int rc = EXIT_MISMATCH;

	if (bst_build(&tree, o->n, o->seed) != 0) {
		fprintf(stderr, "fsvm run: out of memory building the tree\n");
		return EXIT_MISMATCH;
	}
	if (lookup_prepare(&l, o, o->seed ^ 0xb57, &e) == 0) {
		for (size_t i = 0; i < o->n; i++)
			l.want[i] = bst_reference(tree.root, l.key_values[i]);
		printf("bst_lookup%s: tree of %" PRIu64 " malloc'ed nodes, %" PRIu64 " keys",
		       o->k ? "_batch" : "", o->n, o->n);
		if (o->k)
			printf(", %" PRIu64 " in flight", o->k);
		printf("\n");
		uint64_t args[] = { (uintptr_t)tree.root, (uintptr_t)l.keys.p, o->n,
				    (uintptr_t)l.results.p };
		uint64_t bargs[] = { (uintptr_t)tree.root, (uintptr_t)l.keys.p, o->n, o->k,
				     (uintptr_t)l.results.p };

		rc = o->k ? lookup_check(ctx, FSVM_K_BST_LOOKUP_BATCH, bargs, 5, &e, &l, o->n)
			  : lookup_check(ctx, FSVM_K_BST_LOOKUP, args, 4, &e, &l, o->n);
	}
	lookup_free(&l);
	bst_free(&tree);
	return rc;
}

static int run_hash(struct fsvm_context *ctx, const struct run_opts *o)
{
	struct hash_workload table;
	struct expectation e = { 0 };
	struct lookup_run l;
	uint64_t nbuckets = 1;
	int rc = EXIT_MISMATCH;

	while (nbuckets < o->n / 2)
		nbuckets <<= 1;
	if (hash_build(&table, o->n, nbuckets, o->seed) != 0) {
		fprintf(stderr, "fsvm run: out of memory building the hash table\n");
		return EXIT_MISMATCH;
	}
	if (lookup_prepare(&l, o, o->seed ^ 0x4a5, &e) == 0) {
		for (size_t i = 0; i < o->n; i++)
			l.want[i] = hash_reference(table.buckets, nbuckets, l.key_values[i]);
		printf("hash_probe%s: %" PRIu64 " malloc'ed nodes in %" PRIu64 " buckets, %"
		       PRIu64 " keys", o->k ? "_batch" : "", o->n, nbuckets, o->n);
		if (o->k)
			printf(", %" PRIu64 " in flight", o->k);
		printf("\n");
		uint64_t args[] = { (uintptr_t)table.buckets, nbuckets, (uintptr_t)l.keys.p,
				    o->n, (uintptr_t)l.results.p };
		uint64_t bargs[] = { (uintptr_t)table.buckets, nbuckets, (uintptr_t)l.keys.p,
				     o->n, o->k, (uintptr_t)l.results.p };

		rc = o->k ? lookup_check(ctx, FSVM_K_HASH_PROBE_BATCH, bargs, 6, &e, &l, o->n)
			  : lookup_check(ctx, FSVM_K_HASH_PROBE, args, 5, &e, &l, o->n);
	}
	lookup_free(&l);
	hash_free(&table);
	return rc;
}

static int run_vadd(struct fsvm_context *ctx, const struct run_opts *o)
{
	struct shifted a, b, c;
	struct expectation e = { 0 };
	struct rng rng;
	int rc = EXIT_MISMATCH, r;
	size_t bad = o->n;

	a.base = b.base = c.base = NULL;
	if (shifted_alloc(&a, o->n * 4, o->offset) || shifted_alloc(&b, o->n * 4, o->offset) ||
	    shifted_alloc(&c, o->n * 4, o->offset))
		goto out;
	rng_seed(&rng, o->seed);
	for (size_t i = 0; i < o->n; i++) {
		float x = (float)(int64_t)rng_below(&rng, 2000001) / 1000.0f - 1000.0f;
		float y = (float)(int64_t)rng_below(&rng, 2000001) / 1000.0f - 1000.0f;

		memcpy((char *)a.p + 4 * i, &x, 4);
		memcpy((char *)b.p + 4 * i, &y, 4);
	}
	if (o->n) {
		expect_aligned(&e, a.p, 4);
		expect_aligned(&e, b.p, 4);
		expect_aligned(&e, c.p, 4);
	}
	printf("vadd: c = a + b over %" PRIu64 " floats\n", o->n);
	uint64_t args[] = { (uintptr_t)a.p, (uintptr_t)b.p, (uintptr_t)c.p, o->n };

	r = launch(ctx, FSVM_K_VADD, args, 4, &e);
	if (r <= 0) {
		rc = r == 0 ? 0 : EXIT_MISMATCH;
		goto out;
	}
	for (size_t i = 0; i < o->n && bad == o->n; i++) {
		float x, y, z, want;

		memcpy(&x, (char *)a.p + 4 * i, 4);
		memcpy(&y, (char *)b.p + 4 * i, 4);
		memcpy(&z, (char *)c.p + 4 * i, 4);
		want = x + y;
		if (memcmp(&z, &want, 4) != 0) {
			printf("c[%zu]: device %g, cpu %g\n", i, z, want);
			bad = i;
		}
	}
	rc = verdict(bad == o->n);
out:
	free(a.base);
	free(b.base);
	free(c.base);
	return rc;
}

static int run_memcpy_memset(struct fsvm_context *ctx, const struct run_opts *o, int set)
{
	struct shifted src, dst;
	struct expectation e = { 0 };
	unsigned char *want = NULL;
	struct rng rng;
	int rc = EXIT_MISMATCH, r;
	uint64_t value;

	src.base = dst.base = NULL;
	want = malloc(o->n + 1);
	if (!want || shifted_alloc(&src, o->n, o->offset) || shifted_alloc(&dst, o->n, o->offset))
		goto out;
	rng_seed(&rng, o->seed);
	value = rng_next(&rng) & 0xff;
	for (size_t i = 0; i < o->n; i++) {
		((unsigned char *)src.p)[i] = (unsigned char)rng_next(&rng);
		((unsigned char *)dst.p)[i] = (unsigned char)rng_next(&rng);
	}
	if (set) {
		printf("memset: %" PRIu64 " bytes to 0x%02" PRIx64 "\n", o->n, value);
		memset(want, (int)value, o->n);
		uint64_t args[] = { (uintptr_t)dst.p, value, o->n };

		r = launch(ctx, FSVM_K_MEMSET, args, 3, &e);
	} else {
		printf("memcpy: %" PRIu64 " bytes\n", o->n);
		memcpy(want, src.p, o->n);
		uint64_t args[] = { (uintptr_t)dst.p, (uintptr_t)src.p, o->n };

		r = launch(ctx, FSVM_K_MEMCPY, args, 3, &e);
	}
	if (r <= 0) {
		rc = r == 0 ? 0 : EXIT_MISMATCH;
		goto out;
	}
	rc = verdict(memcmp(dst.p, want, o->n) == 0);
out:
	free(want);
	free(src.base);
	free(dst.base);
	return rc;
}

static void run_usage(FILE *out)
{
	fprintf(out,
		"usage: fsvm run <kernel> [--n N] [--seed S] [--max-hops H] [--offset BYTES]\n"
		"                [--k K] [--device NAME] [-v]\n"
		"\n"
		"Builds data with malloc in host memory, runs <kernel> on the device with\n"
		"the raw pointers, checks the result against the CPU and prints the\n"
		"device statistics. Exit status 0 only if the device matches the CPU.\n"
		"\n"
		"Kernels: nop, pointer_chase, list_search, bst_lookup, hash_probe,\n"
		"         vadd, memcpy, memset, bst_lookup_batch, hash_probe_batch\n"
		"\n"
		"  --n N          nodes / keys / elements / bytes, 0..2^32 (default 100000)\n"
		"  --seed S       seed of the generated data (default 1)\n"
		"  --max-hops H   hop limit of pointer_chase / list_search, 0..2^32\n"
		"                 (default 2^32)\n"
		"  --offset B     shift argument buffers B bytes past malloc's alignment,\n"
		"                 0..4096; a misaligning offset must end in an alignment fault\n"
		"  --k K          bst_lookup / hash_probe: run the _batch kernel with K\n"
		"                 lookups in flight, 1..16 (the _batch names: default 16)\n"
		"An option the kernel does not use is accepted with a warning on stderr.\n"
		"\n"
		CLI_SUFFIX_HELP);
}

/* The options, as bits of struct run_opts' "given" set. */
enum { OPT_N = 1, OPT_SEED = 2, OPT_MAX_HOPS = 4, OPT_OFFSET = 8, OPT_K = 16 };

static const struct {
	const char *name;
	unsigned int uses;	/* the options the kernel reads */
} run_kernels[] = {
	{ "nop", 0 },
	{ "pointer_chase", OPT_N | OPT_SEED | OPT_MAX_HOPS | OPT_OFFSET },
	{ "list_search", OPT_N | OPT_SEED | OPT_MAX_HOPS | OPT_OFFSET },
	{ "bst_lookup", OPT_N | OPT_SEED | OPT_OFFSET | OPT_K },
	{ "hash_probe", OPT_N | OPT_SEED | OPT_OFFSET | OPT_K },
	{ "vadd", OPT_N | OPT_SEED | OPT_OFFSET },
	{ "memcpy", OPT_N | OPT_SEED | OPT_OFFSET },
	{ "memset", OPT_N | OPT_SEED | OPT_OFFSET },
	{ "bst_lookup_batch", OPT_N | OPT_SEED | OPT_OFFSET | OPT_K },
	{ "hash_probe_batch", OPT_N | OPT_SEED | OPT_OFFSET | OPT_K },
};

int cmd_run(const char *device, int argc, char **argv)
{
	struct run_opts o = { .n = 100000, .seed = 1, .max_hops = FSVM_MAX_HOPS };
	/* In the order of the OPT_ bits. */
	const struct {
		const char *name;
		uint64_t min, max;
		uint64_t *value;
	} opts[] = {
		{ "--n", 0, FSVM_MAX_ELEMS, &o.n },
		{ "--seed", 0, UINT64_MAX, &o.seed },
		{ "--max-hops", 0, FSVM_MAX_HOPS, &o.max_hops },
		{ "--offset", 0, 4096, &o.offset },
		{ "--k", 1, FSVM_BATCH_LANES, &o.k },
	};
	enum { NOPTS = sizeof(opts) / sizeof(opts[0]) };
	const char *kernel = NULL;
	struct fsvm_device *dev;
	struct fsvm_context *ctx;
	unsigned int given = 0, b;
	int i = 1, rc, which = -1;

	while (i < argc) {
		int r;

		if (is_help(argv[i])) {
			run_usage(stdout);
			return 0;
		}
		for (r = 0, b = 0; !r && b < NOPTS; b++) {
			r = opt_u64(argc, argv, &i, opts[b].name, opts[b].min, opts[b].max,
				    opts[b].value);
			if (r > 0)
				given |= 1u << b;
		}
		if (r < 0)
			return EXIT_USAGE;
		if (r)
			continue;
		if (argv[i][0] == '-' || kernel)
			return bad_argument(argv[i]);
		kernel = argv[i++];
	}
	if (!kernel) {
		fprintf(stderr, "fsvm run: which kernel?\n");
		run_usage(stderr);
		return EXIT_USAGE;
	}
	for (int k = 0; k < (int)(sizeof(run_kernels) / sizeof(run_kernels[0])); k++)
		if (strcmp(kernel, run_kernels[k].name) == 0)
			which = k;
	if (which < 0) {
		fprintf(stderr, "fsvm run: unknown kernel \"%s\"\n", kernel);
		run_usage(stderr);
		return EXIT_USAGE;
	}
	for (b = 0; b < NOPTS; b++)
		if ((given & (1u << b)) && !(run_kernels[which].uses & (1u << b)))
			fprintf(stderr, "fsvm run: warning: kernel %s ignores option %s\n", kernel,
				opts[b].name);
	if (!(run_kernels[which].uses & OPT_K))
		o.k = 0;
	if (which == 8 || which == 9) {	/* bst_lookup_batch, hash_probe_batch: */
		which -= 5;			/* bst_lookup, hash_probe with k in flight */
		if (!o.k)
			o.k = FSVM_BATCH_LANES;
	}

	if (open_device_and_context(device, 0, &dev, &ctx) != FSVM_OK)
		return EXIT_MISMATCH;
	switch (which) {
	case 0: rc = run_nop(ctx, &o); break;
	case 1: rc = run_list_kernel(ctx, &o, 0); break;
	case 2: rc = run_list_kernel(ctx, &o, 1); break;
	case 3: rc = run_bst(ctx, &o); break;
	case 4: rc = run_hash(ctx, &o); break;
	case 5: rc = run_vadd(ctx, &o); break;
	case 6: rc = run_memcpy_memset(ctx, &o, 0); break;
	default: rc = run_memcpy_memset(ctx, &o, 1); break;
	}
	fsvm_context_destroy(ctx);
	fsvm_device_close(dev);
	return rc;
}
