/* SPDX-License-Identifier: MIT */
/*
 * bfs_host.c - breadth-first search on the device, one bfs_expand launch
 * per level, over a graph built with plain malloc; checked against the CPU.
 *
 *   FSVM_DEVICE=sim:graph ./bfs_host [vertices] [average degree] [seed]
 *
 * The device defaults to sim:graph (the device this directory's
 * CMakeLists.txt builds). The kernel is looked up by name in the device's
 * kernel table. Exit status 0 only if every level matches the CPU.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fsvm.h"
#include "bfs_graph.h"

/* xorshift64*: the same graph for the same seed everywhere. */
static uint64_t rng(uint64_t *s)
{
	*s ^= *s >> 12;
	*s ^= *s << 25;
	*s ^= *s >> 27;
	return *s * 0x2545f4914f6cdd1dull;
}

/* The kernel's semantics on the CPU: one level. */
static uint64_t cpu_expand(const struct bfs_vertex *g, const uint32_t *frontier,
			   uint64_t nfront, uint32_t *levels, uint32_t depth, uint32_t *next)
{
	uint64_t n = 0;

	for (uint64_t i = 0; i < nfront; i++) {
		const struct bfs_vertex *v = &g[frontier[i]];
		const uint32_t *adj = (const uint32_t *)(uintptr_t)v->adj;

		for (uint64_t e = 0; e < v->degree; e++) {
			if (levels[adj[e]] != BFS_UNSEEN)
				continue;
			levels[adj[e]] = depth + 1;
			next[n++] = adj[e];
		}
	}
	return n;
}

int main(int argc, char **argv)
{
	uint64_t nv = argc > 1 ? strtoull(argv[1], NULL, 0) : 50000;
	uint64_t avg = argc > 2 ? strtoull(argv[2], NULL, 0) : 6;
	uint64_t seed = argc > 3 ? strtoull(argv[3], NULL, 0) : 1;
	const char *name = getenv("FSVM_DEVICE");
	struct fsvm_device *dev = NULL;
	struct fsvm_context *ctx = NULL;
	struct fsvm_kernel_desc k;
	uint64_t edges = 0, reached = 1, cycles = 0, nfront = 1, count = 0;
	uint32_t depth = 0;
	int err, bad = 0;

	if (nv < 1 || nv > (1u << 24) || avg > 64) {
		fprintf(stderr, "usage: bfs_host [vertices 1..2^24] [average degree 0..64] [seed]\n");
		return 2;
	}
	if (!name || !*name)
		name = "sim:graph";
	if (seed == 0)
		seed = 1;

	/* The graph: every adjacency list its own malloc. */
	struct bfs_vertex *g = calloc(nv, sizeof(*g));
	uint32_t *lv_dev = malloc(nv * sizeof(uint32_t));
	uint32_t *lv_cpu = malloc(nv * sizeof(uint32_t));
	uint32_t *fr[2] = { malloc(nv * sizeof(uint32_t)), malloc(nv * sizeof(uint32_t)) };
	uint32_t *next_cpu = malloc(nv * sizeof(uint32_t));
	uint32_t *fr_cpu = malloc(nv * sizeof(uint32_t));

	if (!g || !lv_dev || !lv_cpu || !fr[0] || !fr[1] || !next_cpu || !fr_cpu) {
		fprintf(stderr, "bfs_host: out of memory\n");
		return 1;
	}
	for (uint64_t v = 0; v < nv; v++) {
		uint64_t deg = avg ? rng(&seed) % (2 * avg + 1) : 0;
		uint32_t *adj = deg ? malloc(deg * sizeof(uint32_t)) : NULL;

		if (deg && !adj) {
			fprintf(stderr, "bfs_host: out of memory\n");
			return 1;
		}
		for (uint64_t e = 0; e < deg; e++)
			adj[e] = (uint32_t)(rng(&seed) % nv);
		g[v].adj = (uintptr_t)adj;
		g[v].degree = deg;
		edges += deg;
	}
	memset(lv_dev, 0xff, nv * sizeof(uint32_t));
	memset(lv_cpu, 0xff, nv * sizeof(uint32_t));
	lv_dev[0] = lv_cpu[0] = 0;
	fr[0][0] = fr_cpu[0] = 0;

	err = fsvm_device_open(name, &dev);
	if (!err)
		err = fsvm_device_find_kernel(dev, "bfs_expand", &k);
	if (!err)
		err = fsvm_context_create(dev, 0, &ctx);
	if (err) {
		fprintf(stderr, "bfs_host: device %s, kernel bfs_expand: %s\n", name,
			fsvm_strerror(err));
		fsvm_device_close(dev);
		return 1;
	}
	printf("device %s: kernel [%u] %s(", name, k.id, k.name);
	for (unsigned int a = 0; a < k.nargs; a++)
		printf("%s%s %s", a ? ", " : "", fsvm_arg_kind_name(k.args[a].kind), k.args[a].name);
	printf(")\n");

	/* Level by level: device and CPU side by side, compared every level. */
	while (nfront > 0) {
		uint32_t *cur = fr[depth & 1], *nxt = fr[(depth + 1) & 1];
		struct fsvm_completion rec;
		struct fsvm_fault fault;
		struct fsvm_launch_stats st;
		uint64_t args[8] = {
			(uintptr_t)g, nv, (uintptr_t)cur, nfront,
			(uintptr_t)lv_dev, depth, (uintptr_t)nxt, (uintptr_t)&count,
		};
		uint64_t ncpu;

		err = fsvm_run(ctx, k.id, args, 8, &rec, depth, FSVM_TIMEOUT_INFINITE, &fault);
		if (err) {
			char text[160];

			fprintf(stderr, "bfs_host: level %u: %s%s%s\n", depth, fsvm_strerror(err),
				err == FSVM_ERR_FAULT ? ": " : "",
				err == FSVM_ERR_FAULT ? fsvm_fault_describe(&fault, text, sizeof(text)) : "");
			bad = 1;
			break;
		}
		fsvm_launch_stats(dev, &rec, &st);
		cycles += st.cycles;
		ncpu = cpu_expand(g, fr_cpu, nfront, lv_cpu, depth, next_cpu);
		if (ncpu != count || memcmp(nxt, next_cpu, ncpu * sizeof(uint32_t)) != 0) {
			fprintf(stderr, "bfs_host: level %u: device appended %" PRIu64 " vertices, "
				"CPU %" PRIu64 " (or a different order)\n", depth + 1, count, ncpu);
			bad = 1;
			break;
		}
		memcpy(fr_cpu, next_cpu, ncpu * sizeof(uint32_t));
		reached += count;
		nfront = count;
		depth++;
	}
	if (!bad && memcmp(lv_dev, lv_cpu, nv * sizeof(uint32_t)) != 0) {
		fprintf(stderr, "bfs_host: levels[] differ from the CPU\n");
		bad = 1;
	}
	if (!bad)
		printf("bfs: %" PRIu64 " vertices, %" PRIu64 " edges, %u levels, %" PRIu64
		       " reached from vertex 0, %" PRIu64 " modelled cycles: matches the CPU\n",
		       nv, edges, depth, reached, cycles);

	fsvm_context_destroy(ctx);
	fsvm_device_close(dev);
	for (uint64_t v = 0; v < nv; v++)
		free((void *)(uintptr_t)g[v].adj);
	free(g);
	free(lv_dev);
	free(lv_cpu);
	free(fr[0]);
	free(fr[1]);
	free(next_cpu);
	free(fr_cpu);
	return bad;
}
