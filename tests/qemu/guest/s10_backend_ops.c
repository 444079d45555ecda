/* SPDX-License-Identifier: MIT */
/*
 * s10_backend_ops.c - scenario 10: libfsvm's backend interface on the real
 * module, below the library: the conformance checks of
 * tests/libfsvm/backend_checks.h (the ones CTest runs on sim) on the `hw`
 * backend's operations, i.e. dev_read through FSVM_IOC_GET_INFO, bind
 * handles over their own open file and mapped context page until EBUSY,
 * ctx_read32/ctx_write32 on the page (FSVM_IOC_CTX_WRITE in emulation
 * mode), and wait as FSVM_IOC_WAIT: a stale count returns at once, nothing
 * new times out only after its timeout, a completion asking for the
 * interrupt moves the count.
 */
#include <stdlib.h>

#include "backend_checks.h"
#include "e2e.h"

int main(void)
{
	const char *name = getenv("FSVM_DEVICE");

	e2e_init("10-backend-ops");
	if (!name || !*name)
		name = "sim";
	if (backend_checks_run(name) < 0)
		e2e_skip("no backend constructor for FSVM_DEVICE=%s", name);
	if (check_failures)
		e2e_fail("%d of %d backend checks failed on %s (lines above)", check_failures,
			 check_count, name);
	e2e_pass("%d backend checks on %s: dev_read, bind until busy, context registers, wait",
		 check_count, name);
}
