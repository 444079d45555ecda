/* printf formats with vectors that fsvm-oclc must refuse at build time
 * (bad_printf.cmake): -DCASE=n picks one; CASE 0 is a good one that must
 * build. (Formats without vectors are checked by the engine when they run:
 * printf_runtime in kernels.cl.) */
kernel void k(global int *p, global float *f, int sel)
{
#if CASE == 0
	printf("%v4hld %#v16lx %v3hhd %v8hlg\n", vload4(0, p), vload16(0, (global ulong *)p),
	       vload3(0, (global char *)p), vload8(0, f));
	printf("");	/* its format is a zeroinitializer, not a constant string */
#elif CASE == 1
	printf("%v5hld\n", vload4(0, p));		/* no 5-element vectors */
#elif CASE == 2
	printf("%v4d\n", vload4(0, p));		/* hl missing */
#elif CASE == 3
	printf("%v4hld\n", vload2(0, p));		/* 2 elements for v4 */
#elif CASE == 4
	printf("%d\n", vload4(0, p));		/* a vector for a scalar conversion */
#elif CASE == 5
	printf("%v2hld %d\n", vload2(0, p));		/* too few arguments */
#elif CASE == 6
	printf("%v4hhf\n", vload4(0, (global char *)p));	/* hh on floats */
#elif CASE == 7
	printf("%v2hls\n", vload2(0, p));		/* strings are not vectors */
#elif CASE == 8
	printf("%v2hld %hld\n", vload2(0, p), p[0]);	/* hl only with vN */
#elif CASE == 9
	printf("%v16hlf\n", vload8(0, f));		/* 8 floats (by a pointer) for v16 */
#elif CASE == 10
	printf(sel ? "%v4hld\n" : "%v4hlx\n", vload4(0, p));	/* not a literal */
#elif CASE == 11
	printf("%v2hld %*d\n", vload2(0, p), 4, p[0]);	/* '*' is not supported */
#endif
}
