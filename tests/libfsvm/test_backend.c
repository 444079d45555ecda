/* SPDX-License-Identifier: MIT */
/*
 * test_backend.c - the backend conformance checks of backend_checks.h on
 * one backend, as a CTest.
 *
 *   test_libfsvm_backend [NAME]   NAME: "sim" (default) or "hw:/dev/fsvmN"
 */
#include "backend_checks.h"

int main(int argc, char **argv)
{
	if (backend_checks_run(argc > 1 ? argv[1] : "sim") < 0) {
		fprintf(stderr, "usage: test_libfsvm_backend [sim | hw:/dev/fsvmN]\n");
		return 2;
	}
	return check_exit_code("test_backend");
}
