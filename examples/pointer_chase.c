/* SPDX-License-Identifier: MIT */
/*
 * pointer_chase.c - the fsvm demo: a linked list built with plain malloc()
 * is walked by the device, with no copy and no pointer fix-up.
 *
 * The device's SMMU walks this process's own page table, so the `next`
 * pointers in the nodes mean on the device what they mean on the CPU. The
 * program passes the head pointer as the kernel argument, nothing else.
 *
 * Build: see examples/CMakeLists.txt (links libfsvm). Run:
 *	./pointer_chase [nodes]          (1..2^32, default 1000000)
 * Exit status 0 when the device's answer equals the CPU's, 1 when it differs
 * or something failed (said on stderr), 2 for a bad command line.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>

#include "example_args.h"
#include "fsvm.h"

/* A small xorshift generator: deterministic data, no libc rand() state. */
static uint64_t next_random(uint64_t *state)
{
	*state ^= *state << 13;
	*state ^= *state >> 7;
	*state ^= *state << 17;
	return *state;
}

/*
 * Allocate n nodes one malloc() at a time and link them in a random order,
 * so that every hop jumps somewhere else in the heap. Returns the head and
 * fills nodes[] (for freeing), or NULL when out of memory.
 */
static struct fsvm_list_node *build_list(struct fsvm_list_node **nodes, size_t n,
					 uint64_t seed)
{
	for (size_t i = 0; i < n; i++) {
		nodes[i] = malloc(sizeof(struct fsvm_list_node));
		if (!nodes[i]) {
			while (i--)
				free(nodes[i]);
			return NULL;
		}
		nodes[i]->key = i;
		nodes[i]->payload = next_random(&seed);
		nodes[i]->pad = 0;
	}
	/* Shuffle the order of the nodes (Fisher-Yates), then link them. */
	for (size_t i = n; i > 1; i--) {
		size_t j = (size_t)(next_random(&seed) % i);
		struct fsvm_list_node *t = nodes[i - 1];

		nodes[i - 1] = nodes[j];
		nodes[j] = t;
	}
	for (size_t i = 0; i < n; i++)
		nodes[i]->next = i + 1 < n ? (uint64_t)(uintptr_t)nodes[i + 1] : 0;
	return nodes[0];
}

/* The same walk on the CPU, as fsvm_hw.h defines pointer_chase. */
static struct fsvm_chase_result cpu_chase(const struct fsvm_list_node *node)
{
	struct fsvm_chase_result r = { 0 };

	for (; node; node = (const struct fsvm_list_node *)(uintptr_t)node->next) {
		r.hops++;
		r.last = (uint64_t)(uintptr_t)node;
		r.checksum = FSVM_CHECKSUM_STEP(r.checksum, node->payload);
	}
	r.found = 1;	/* the walk ended on a NULL next pointer */
	return r;
}

int main(int argc, char **argv)
{
	size_t n;
	struct fsvm_list_node **nodes;
	struct fsvm_list_node *head;
	struct fsvm_chase_result device_result = { 0 }, cpu_result;
	struct fsvm_device *dev = NULL;
	struct fsvm_context *ctx = NULL;
	struct fsvm_completion rec;
	struct fsvm_launch_stats stats;
	struct fsvm_device_info info;
	struct fsvm_fault fault;
	int err, ok;

	example_args(argc, argv, 1, "[nodes]\n"
		     "Builds a linked list of nodes (1..2^32, default 1000000) with malloc\n"
		     "and walks it on the device, passing only the head pointer.\n");
	/* Up to FSVM_MAX_HOPS nodes: the kernel stops after that many hops. */
	n = example_count(argc, argv, 1, "nodes", 1000000, 1, FSVM_MAX_HOPS);
	nodes = malloc(n * sizeof(*nodes));
	head = nodes ? build_list(nodes, n, 0x2545f4914f6cdd1dull) : NULL;
	if (!head) {
		fprintf(stderr, "%s: out of memory for %zu nodes of %zu bytes each\n",
			example_name(argv), n, sizeof(struct fsvm_list_node));
		free(nodes);
		return 1;
	}
	printf("Built a linked list of %zu nodes with malloc(), linked in random order.\n", n);

	err = fsvm_device_open(NULL, &dev);
	if (!err)
		err = fsvm_context_create(dev, 0, &ctx);
	if (err) {
		fprintf(stderr, "cannot open the fsvm device: %s\n", fsvm_strerror(err));
		return 1;
	}

	/* The kernel's arguments are the raw pointers: head, hop limit, result. */
	uint64_t args[] = { (uintptr_t)head, FSVM_MAX_HOPS, (uintptr_t)&device_result };

	printf("Running pointer_chase on the device, passing the head pointer %p ...\n",
	       (void *)head);
	err = fsvm_run(ctx, FSVM_K_POINTER_CHASE, args, 3, &rec, 0,
		       FSVM_TIMEOUT_INFINITE, &fault);
	if (err) {
		char text[160];

		fprintf(stderr, "the device failed: %s%s%s\n", fsvm_strerror(err),
			err == FSVM_ERR_FAULT ? ": " : "",
			err == FSVM_ERR_FAULT ? fsvm_fault_describe(&fault, text, sizeof(text)) : "");
		return 1;
	}

	cpu_result = cpu_chase(head);
	printf("\nDevice: %" PRIu64 " hops, last node 0x%" PRIx64 ", checksum 0x%016" PRIx64 "\n",
	       device_result.hops, device_result.last, device_result.checksum);
	printf("CPU:    %" PRIu64 " hops, last node 0x%" PRIx64 ", checksum 0x%016" PRIx64 "\n",
	       cpu_result.hops, cpu_result.last, cpu_result.checksum);
	ok = device_result.hops == cpu_result.hops && device_result.last == cpu_result.last &&
	     device_result.checksum == cpu_result.checksum &&
	     device_result.found == cpu_result.found;
	printf("%s\n", ok ? "Result matches CPU reference." : "MISMATCH with the CPU reference!");

	if (fsvm_launch_stats(dev, &rec, &stats) == FSVM_OK &&
	    fsvm_device_info(dev, &info) == FSVM_OK) {
		/* On the simulated device, cycles come from its cycle model (what
		 * the FPGA would take) and the timestamps from the clock of this
		 * machine running the simulation: two different figures. */
		printf("\nDevice statistics (%s device):\n",
		       (info.features & FSVM_FEAT_SIMULATED) ? "simulated" : "FPGA");
		printf("  kernel cycles    %" PRIu64 " (%.1f us at %.0f MHz)\n", stats.cycles,
		       stats.cycles * 1e6 / info.clock_hz, info.clock_hz / 1e6);
		printf("  start to end     %.1f us%s\n", stats.device_us,
		       (info.features & FSVM_FEAT_SIMULATED) ? " (simulation time)" : "");
		printf("  bytes moved      %" PRIu64 " (nothing was copied beforehand)\n", stats.bytes);
		printf("  nodes visited    %" PRIu32 "\n", stats.items);
		printf("  SMMU TLB         %" PRIu32 " hits, %" PRIu32 " misses\n",
		       stats.tlb_hits, stats.tlb_misses);
	}

	fsvm_context_destroy(ctx);
	fsvm_device_close(dev);
	for (size_t i = 0; i < n; i++)
		free(nodes[i]);
	free(nodes);
	return ok ? 0 : 1;
}
