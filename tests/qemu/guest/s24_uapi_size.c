/* SPDX-License-Identifier: MIT */
/*
 * s24_uapi_size.c - scenario 24 (issue 8 L6) on the real module:
 *  1. FSVM_IOC_WAIT that times out still writes its outputs: with the
 *     context enabled (no ring: the shell reports BAD_RING), STATUS and the
 *     interrupt count come back with ETIMEDOUT.
 *  2. `size` is real: GET_INFO through an ioctl number encoding a smaller
 *     struct (an older binary: header + 64 bytes of the kernel table) works,
 *     reports size = that, and writes not one byte past it.
 * Emulation only.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "e2e.h"
#ifdef FSVM_E2E_HAVE_UAPI
#include "fsvm_uapi.h"
#endif

int main(void)
{
	e2e_init("24-uapi-size");
	if (e2e_is_sim())
		e2e_skip("the sim backend has no module");
#ifndef FSVM_E2E_HAVE_UAPI
	e2e_skip("built without the module's uapi header");
#else
	struct fsvm_bind b = { 0 };
	int fd = open("/dev/fsvm0", O_RDWR | O_CLOEXEC), r, e;

	E2E_CHECK(fd >= 0, "open: %s", strerror(errno));
	E2E_CHECK(ioctl(fd, FSVM_IOC_BIND, &b) == 0, "BIND: %s", strerror(errno));
	struct fsvm_reg reg = { .offset = FSVM_CTX_CONTROL, .value = FSVM_CTRL_ENABLE };

	/* Emulation: register writes go through the ioctl. */
	E2E_CHECK(ioctl(fd, FSVM_IOC_CTX_WRITE, &reg) == 0, "enable: %s", strerror(errno));
	struct fsvm_wait w = { .seen = 0, .timeout_ns = 0 };

	E2E_CHECK(ioctl(fd, FSVM_IOC_WAIT, &w) == 0, "WAIT without timeout: %s", strerror(errno));
	uint32_t count = w.irq_count;

	memset(&w, 0, sizeof(w));
	w.seen = count;
	w.timeout_ns = 20000000;	/* 20 ms, nothing happens */
	r = ioctl(fd, FSVM_IOC_WAIT, &w);
	e = errno;
	E2E_CHECK(r == -1 && e == ETIMEDOUT, "WAIT on an idle context: %d (%s)", r, strerror(e));
	/* Enabled without a ring: the shell stops it with BAD_RING. */
	E2E_CHECK(w.status & (FSVM_CSTAT_ENABLED | FSVM_CSTAT_BAD_RING), "WAIT returned ETIMEDOUT without its outputs "
		  "(status 0x%x, irq_count %u)", w.status, w.irq_count);
	E2E_CHECK(w.irq_count == count, "irq_count %u after a timeout, expected %u", w.irq_count,
		  count);
	e2e_note("WAIT ETIMEDOUT: status 0x%x, irq_count %u", w.status, w.irq_count);

	/* An older, smaller struct fsvm_info (header + 64 bytes of kernel table). */
	enum { OLD = offsetof(struct fsvm_info, kernel_table) + 64 };
	unsigned char old[OLD + 64];

	memset(old, 0xa5, sizeof(old));
	memset(old, 0, OLD);
	*(uint32_t *)old = OLD;
	r = ioctl(fd, _IOWR(FSVM_IOC_MAGIC, 0x00, unsigned char[OLD]), old);
	e = errno;
	E2E_CHECK(r == 0, "GET_INFO with a %d-byte struct: %s", OLD, strerror(e));
	struct fsvm_info head;

	memcpy(&head, old, offsetof(struct fsvm_info, kernel_table));
	E2E_CHECK(head.size == OLD, "size out %u, expected %d", head.size, OLD);
	E2E_CHECK(head.uapi_version == FSVM_UAPI_VERSION, "uapi_version %u", head.uapi_version);
	E2E_CHECK(head.num_contexts > 0, "num_contexts 0 in the short reply");
	for (size_t i = OLD; i < sizeof(old); i++)
		E2E_CHECK(old[i] == 0xa5, "byte %zu past the caller's struct was written", i);
	close(fd);
	e2e_pass("WAIT ETIMEDOUT keeps status 0x%x and irq_count %u; GET_INFO with a %d-byte "
		 "struct answers %u bytes, nothing past it", w.status, w.irq_count, OLD, head.size);
#endif
}
