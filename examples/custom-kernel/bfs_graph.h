/* SPDX-License-Identifier: MIT */
/*
 * bfs_graph.h - the graph layout bfs_expand walks, shared by the kernel
 * (bfs_expand.c) and the host programs. Only <stdint.h> and the fsvm
 * contract, as HLS code needs.
 */
#ifndef BFS_GRAPH_H
#define BFS_GRAPH_H

#include <stdint.h>
#include "fsvm_hw.h"

/* One vertex of the adjacency list: 16 bytes, 8-byte aligned. */
struct bfs_vertex {
	uint64_t adj;		/* VA of uint32_t[degree] neighbour ids (malloc'ed) */
	uint64_t degree;
};
#define BFS_VERTEX_BYTES	16u
#define BFS_VERTEX_OFF_ADJ	0u
#define BFS_VERTEX_OFF_DEGREE	8u
FSVM_PIN(struct bfs_vertex, adj, BFS_VERTEX_OFF_ADJ);
FSVM_PIN(struct bfs_vertex, degree, BFS_VERTEX_OFF_DEGREE);
FSVM_STATIC_ASSERT(sizeof(struct bfs_vertex) == BFS_VERTEX_BYTES, "bfs_vertex is 16 bytes");

#define BFS_UNSEEN	0xffffffffu	/* levels[] of a vertex not reached yet */
#define BFS_MAX_DEGREE	(1u << 24)	/* the kernel's bound on one adjacency list */

#endif /* BFS_GRAPH_H */
