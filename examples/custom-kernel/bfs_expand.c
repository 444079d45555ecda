/* SPDX-License-Identifier: MIT */
/*
 * bfs_expand.c - one level of a breadth-first search, as an HLS kernel.
 *
 * The graph is an adjacency list the host built with malloc: vertices[] is
 * an array of nv struct bfs_vertex (bfs_graph.h), { VA of a uint32_t array
 * of neighbour ids (malloc'ed per vertex), degree }. For each vertex v of
 * frontier[0 .. nfront), in order, and each neighbour u of v, in order: if
 * levels[u] == BFS_UNSEEN, set levels[u] = depth + 1 and append u to
 * next[]. *count = the number of vertices appended. next must hold nv
 * entries (each vertex is appended at most once over the whole search).
 *
 * HLS rules (docs/kernels.md): every loop has a constant bound, no
 * recursion, no malloc, no function pointers, no libc; every access is one
 * AXI burst of at most 4 KiB that stays inside one 4 KiB page, whatever
 * the alignment of the host's arrays (element alignment is enough).
 *
 * Errors: nv or nfront above FSVM_MAX_ELEMS, or depth + 1 reaching
 * BFS_UNSEEN: BAD_PACKET. A misaligned array: FSVM_FAULT_ALIGNMENT at it.
 * A vertex id >= nv (in frontier[] or an adjacency list):
 * FSVM_FAULT_ADDRESS_SIZE at the VA of that id. A degree above
 * BFS_MAX_DEGREE: FSVM_FAULT_DEPTH_LIMIT at the vertex record. A memory
 * fault stops the kernel at once. items = frontier vertices expanded.
 */
#include <stdint.h>
#include "fsvm_hls.h"
#include "bfs_graph.h"

FSVM_KERNEL(BFS_EXPAND, bfs_expand, FSVM_IN(U64, vertices), FSVM_U64(nv), FSVM_IN(U32, frontier), FSVM_U64(nfront), FSVM_INOUT(U32, levels), FSVM_U32(depth), FSVM_OUT(U32, next), FSVM_OUT(U64, count));

#define BFS_CHUNK	(FSVM_HLS_BURST_BYTES / 4u)	/* uint32_t per burst */

/* Write n (<= BFS_CHUNK) ids at va: at most two page-bounded bursts. */
static inline int bfs_flush(fsvm_axi_t *m, uint64_t va, const uint32_t *buf, uint32_t n)
{
	uint32_t done = 0;

	for (uint32_t piece = 0; piece < 2u; piece++) {
#pragma HLS loop_tripcount min=1 max=2 avg=1
		uint32_t cnt;

		if (done >= n)
			break;
		cnt = fsvm_hls_burst_elems(va + 4u * done, 4u, n - done);
		if (fsvm_axi_write(m, va + 4u * done, buf + done, cnt * 4u) != 0)
			return 1;
		done += cnt;
	}
	return 0;
}

uint32_t fsvm_k_bfs_expand(fsvm_axi_t *m, uint64_t vertices, uint64_t nv,
			   uint64_t frontier, uint64_t nfront, uint64_t levels,
			   uint64_t depth, uint64_t next, uint64_t count,
			   struct fsvm_kernel_io *io)
{
#pragma HLS INTERFACE m_axi port=m offset=direct bundle=gmem max_widen_bitwidth=128
#pragma HLS INTERFACE s_axilite port=vertices
#pragma HLS INTERFACE s_axilite port=nv
#pragma HLS INTERFACE s_axilite port=frontier
#pragma HLS INTERFACE s_axilite port=nfront
#pragma HLS INTERFACE s_axilite port=levels
#pragma HLS INTERFACE s_axilite port=depth
#pragma HLS INTERFACE s_axilite port=next
#pragma HLS INTERFACE s_axilite port=count
#pragma HLS INTERFACE s_axilite port=io
#pragma HLS INTERFACE s_axilite port=return
	FSVM_HLS_SCRATCH uint32_t fbuf[BFS_CHUNK];	/* frontier burst */
	FSVM_HLS_SCRATCH uint32_t abuf[BFS_CHUNK];	/* adjacency burst */
	FSVM_HLS_SCRATCH uint32_t nbuf[BFS_CHUNK];	/* next[] not yet written */
	uint64_t done = 0, appended = 0, flushed = 0;
	uint32_t nbuf_n = 0;
	uint32_t next_level = (uint32_t)depth + 1u;
	uint32_t st;

	fsvm_hls_io_clear(io);
	if (nv > FSVM_MAX_ELEMS || nfront > FSVM_MAX_ELEMS || next_level == BFS_UNSEEN)
		return FSVM_ST_BAD_PACKET;
	st = fsvm_hls_check_align(io, vertices, 8u, 0);
	if (st == FSVM_ST_DONE)
		st = fsvm_hls_check_align(io, frontier, 4u, 0);
	if (st == FSVM_ST_DONE)
		st = fsvm_hls_check_align(io, levels, 4u, 1);
	if (st == FSVM_ST_DONE)
		st = fsvm_hls_check_align(io, next, 4u, 1);
	if (st == FSVM_ST_DONE)
		st = fsvm_hls_check_align(io, count, 8u, 1);
	if (st != FSVM_ST_DONE)
		return st;

	for (uint64_t chunk = 0; chunk < FSVM_MAX_ELEMS; chunk++) {
#pragma HLS loop_tripcount min=0 max=4194304 avg=16
		uint64_t fva = frontier + 4u * done;
		uint32_t cnt;

		if (done >= nfront)
			break;
		cnt = fsvm_hls_burst_elems(fva, 4u, fsvm_hls_left(nfront, done));
		if (fsvm_axi_read(m, fva, fbuf, cnt * 4u) != 0)
			return fsvm_hls_faulted(io, done);
		for (uint32_t i = 0; i < BFS_CHUNK; i++) {
#pragma HLS loop_tripcount min=1 max=1024 avg=512
			uint8_t vrec[BFS_VERTEX_BYTES];
			uint64_t vva, adj, deg, edone = 0;
			uint32_t v;

			if (i >= cnt)
				break;
			v = fbuf[i];
			if (v >= nv) {
				io->items = fsvm_hls_items(done + i);
				return fsvm_hls_fault(io, fva + 4u * i, FSVM_FAULT_ADDRESS_SIZE, 0);
			}
			vva = vertices + (uint64_t)BFS_VERTEX_BYTES * v;
			if (fsvm_hls_read_small(m, vva, vrec, BFS_VERTEX_BYTES) != 0)
				return fsvm_hls_faulted(io, done + i);
			adj = fsvm_hls_get64(vrec, BFS_VERTEX_OFF_ADJ);
			deg = fsvm_hls_get64(vrec, BFS_VERTEX_OFF_DEGREE);
			if (deg > BFS_MAX_DEGREE) {
				io->items = fsvm_hls_items(done + i);
				return fsvm_hls_fault(io, vva, FSVM_FAULT_DEPTH_LIMIT, 0);
			}
			if (deg != 0 && (adj & 3u)) {
				io->items = fsvm_hls_items(done + i);
				return fsvm_hls_fault(io, adj, FSVM_FAULT_ALIGNMENT, 0);
			}
			for (uint32_t e = 0; e < BFS_MAX_DEGREE; e++) {
#pragma HLS loop_tripcount min=0 max=16384 avg=1
				uint64_t ava = adj + 4u * edone;
				uint32_t ecnt;

				if (edone >= deg)
					break;
				ecnt = fsvm_hls_burst_elems(ava, 4u, fsvm_hls_left(deg, edone));
				if (fsvm_axi_read(m, ava, abuf, ecnt * 4u) != 0)
					return fsvm_hls_faulted(io, done + i);
				for (uint32_t j = 0; j < BFS_CHUNK; j++) {
#pragma HLS loop_tripcount min=1 max=1024 avg=8
					uint32_t u, lv = 0;
					uint64_t lva;

					if (j >= ecnt)
						break;
					u = abuf[j];
					if (u >= nv) {
						io->items = fsvm_hls_items(done + i);
						return fsvm_hls_fault(io, ava + 4u * j,
								      FSVM_FAULT_ADDRESS_SIZE, 0);
					}
					lva = levels + 4u * (uint64_t)u;
					if (fsvm_axi_read(m, lva, &lv, 4u) != 0)
						return fsvm_hls_faulted(io, done + i);
					if (lv != BFS_UNSEEN)
						continue;
					if (fsvm_axi_write(m, lva, &next_level, 4u) != 0)
						return fsvm_hls_faulted(io, done + i);
					nbuf[nbuf_n++] = u;
					appended++;
					if (nbuf_n == BFS_CHUNK) {
						if (bfs_flush(m, next + 4u * flushed, nbuf, nbuf_n) != 0)
							return fsvm_hls_faulted(io, done + i);
						flushed += nbuf_n;
						nbuf_n = 0;
					}
				}
				edone += ecnt;
			}
		}
		done += cnt;
	}
	if (bfs_flush(m, next + 4u * flushed, nbuf, nbuf_n) != 0 ||
	    fsvm_axi_wr64(m, count, appended) != 0)
		return fsvm_hls_faulted(io, done);
	io->items = fsvm_hls_items(done);
	return FSVM_ST_DONE;
}
