/* A C program against an installed libfsvm: vadd of 3 floats on the device. */
#include <stdio.h>
#include <fsvm.h>
int main(void)
{
	struct fsvm_device *dev; struct fsvm_context *ctx; struct fsvm_completion rec; struct fsvm_fault f;
	float a[3] = { 1, 2, 3 }, b[3] = { 10, 20, 30 }, c[3] = { 0 };
	uint64_t args[] = { (uintptr_t)a, (uintptr_t)b, (uintptr_t)c, 3 };
	if (fsvm_device_open(NULL, &dev) || fsvm_context_create(dev, 0, &ctx))
		return 2;
	int err = fsvm_run(ctx, FSVM_K_VADD, args, 4, &rec, 0, FSVM_TIMEOUT_INFINITE, &f);
	printf("c: libfsvm %s (fsvm.h %s): vadd %s: %g %g %g\n", fsvm_version(),
	       FSVM_VERSION_STRING, fsvm_strerror(err), c[0], c[1], c[2]);
	fsvm_context_destroy(ctx);
	fsvm_device_close(dev);
	return err != FSVM_OK;
}
