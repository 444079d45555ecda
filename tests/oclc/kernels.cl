/* OpenCL C kernels of test_oclc: compiled by clang-19, instrumented by
 * fsvm-oclc, run on the simulated device. */
kernel void vadd(global const float *a, global const float *b, global float *c, uint n)
{
	size_t i = get_global_id(0);
	int three = 3;
	generic int *p = &three;	/* a generic pointer to private memory */

	if (i < n)
		c[i] = a[i] + b[i] + (float)*p;
}

/* A list built with malloc on the host, followed by raw pointers. */
struct node {
	global struct node *next;
	ulong val;
};

kernel void chase(global struct node *head, uint hops, global ulong *out)
{
	global struct node *n = head;
	ulong sum = 0;

	for (uint i = 0; i < hops && n; i++) {
		sum += n->val;
		n = n->next;
	}
	out[0] = sum;
}

/* Byte-packed records: the uint at offset 1 is unaligned, and one record
 * can straddle a 4 KiB page. */
typedef struct __attribute__((packed)) {
	uchar tag;
	uint v;
} packed_rec;

kernel void unaligned(global const packed_rec *in, global packed_rec *out)
{
	size_t i = get_global_id(0);

	out[i].tag = in[i].tag + 1;
	out[i].v = in[i].v * 2u;
}

/* Work-group sum in local memory: a tree reduction with a barrier between
 * levels; each group also reverses its slice through local memory, which
 * is only right if every work-item has stored before any reads. */
kernel void reduce(global const uint *in, global uint *sums, global uint *rev,
		   local uint *scratch)
{
	size_t l = get_local_id(0), n = get_local_size(0);

	scratch[l] = in[get_global_id(0)];
	barrier(CLK_LOCAL_MEM_FENCE);
	rev[get_global_id(0)] = scratch[n - 1 - l];
	barrier(CLK_LOCAL_MEM_FENCE);
	for (size_t s = n / 2; s > 0; s /= 2) {
		if (l < s)
			scratch[l] += scratch[l + s];
		work_group_barrier(CLK_LOCAL_MEM_FENCE);
	}
	if (l == 0)
		sums[get_group_id(0)] = scratch[0];
}

/* A kernel-scope __local array, a barrier, and a fault after it in one
 * work-item: the launch must end with that fault. */
kernel void barrier_fault(global uint *out, global uint *bad)
{
	local uint tile[64];
	size_t l = get_local_id(0);

	tile[l] = (uint)l * 3u;
	barrier(CLK_LOCAL_MEM_FENCE);
	out[get_global_id(0)] = tile[63 - l];
	if (get_global_id(0) == 70)
		bad[0] = 1;
}

/* Divergent barrier (undefined in OpenCL): must end as a bad launch, not hang. */
kernel void barrier_diverge(global uint *out)
{
	if (get_local_id(0) != 0)
		barrier(CLK_LOCAL_MEM_FENCE);
	out[get_global_id(0)] = 1;
}

/* printf through the device's printf buffer. */
kernel void hello(global const int *v)
{
	size_t i = get_global_id(0);

	printf("wi %u: %d %5.2f %s %lx %c|\n", (uint)i, v[i], (float)v[i] / 4.0f,
	       i & 1 ? "odd" : "even", (ulong)v[i] << 36, 'A' + (int)i);
}

/* Built-ins of the device's library (fsvm_clc.cl, linked by fsvm-oclc -L):
 * math, integer, conversions, geometric, and frexp/vstore4 whose pointer
 * is global memory, so their stores go through the memory port. */
kernel void builtins(global const float *x, global int *e, global float *m,
		     global int *ci, global uint *u, global float *g)
{
	size_t i = get_global_id(0);
	float v = x[i];

	m[i] = frexp(v, &e[i]);				/* e: a global pointer */
	ci[i] = convert_int_sat_rtn(v * 1e9f);		/* saturates, rounds down */
	u[i] = popcount((uint)i) + clz((uint)i + 1u) * 100u + rotate((uint)i, 8u) * 0u;
	if (i == 0) {
		float4 a = (float4)(3.0f, 4.0f, 0.0f, 0.0f);

		vstore4((float4)(length(a), sqrt(16.0f), clamp(7.0f, 0.0f, 5.0f),
				 fmax(-1.0f, -2.0f)), 0, g);
		g[4] = dot(a, a);
		g[5] = (float)isnan(sqrt(-1.0f));
		g[6] = select(1.0f, 2.0f, 0);
		g[7] = (float)abs((char)-128);
	}
}

/* 64-bit integers (cl_khr_int64): operators and the library's long
 * built-ins, 14 results per work-item. */
kernel void long_ops(global const long *a, global const long *b, global ulong *r)
{
	size_t i = get_global_id(0);
	long x = a[i], y = b[i];
	ulong ux = (ulong)x, uy = (ulong)y;
	global ulong *o = r + i * 14;

	o[0] = (ulong)(x * y);
	o[1] = (ulong)(x / y);
	o[2] = (ulong)(x % y);
	o[3] = ux / uy;
	o[4] = ux % uy;
	o[5] = ux >> (uy & 63);
	o[6] = (ulong)(x >> (uy & 63));
	o[7] = ux << (uy & 63);
	o[8] = mul_hi(ux, uy);
	o[9] = (ulong)mul_hi(x, y);
	o[10] = rotate(ux, uy);
	o[11] = clz(ux) | popcount(ux) << 8 | (ulong)(x < y) << 16 | (ulong)(ux < uy) << 17;
	o[12] = abs(x);
	o[13] = upsample((uint)(ux >> 32), (uint)uy);
}

/* printf of vectors (%vN): a vector's elements, each with the flags,
 * width and precision, separated by ','. Values come from memory, so
 * clang's lowering of each vector type to the variadic call is exercised
 * at run time. Work-item i prints row i. */
static void __attribute__((noinline)) print_l8(long8 v, ulong16 u)
{
	printf("l8 %+v8ld u16 %#v16lx|\n", v, u);
}

kernel void printf_vec(global const int *iv, global const long *lv, global const float *fv,
		       global const double *dv, global const short *sv, global const char *cv)
{
	size_t i = get_global_id(0);
	global const int *ip = iv + i * 16;
	global const long *lp = lv + i * 16;
	global const float *fp = fv + i * 16;
	global const double *dp = dv + i * 16;
	global const short *sp = sv + i * 16;
	global const char *cp = cv + i * 16;

	printf("i2 %v2hld i3 %+5v3hli i4 %-6v4hlx| u8 %#v8hlo u16 %08v16hlX|\n",
	       vload2(0, ip), vload3(0, ip), as_uint4(vload4(0, ip)), as_uint8(vload8(0, ip)),
	       as_uint16(vload16(0, ip)));
	printf("l2 %v2ld l3 %+v3li l4 %#v4lx u8 %v8lu l16 %21v16ld|\n", vload2(0, lp),
	       vload3(0, lp), as_ulong4(vload4(0, lp)), as_ulong8(vload8(0, lp)), vload16(0, lp));
	printf("f2 %v2hlf f3 %.3v3hle f4 %10.2v4hlf f8 %v8hlg f16 %.1v16hla|\n",
	       vload2(0, fp), vload3(0, fp), vload4(0, fp), vload8(0, fp), vload16(0, fp));
	printf("d2 %.10v2lf d3 %v3lg d4 %+.3v4le d8 %v8lA d16 %-12v16lG|\n", vload2(0, dp),
	       vload3(0, dp), vload4(0, dp), vload8(0, dp), vload16(0, dp));
	printf("c3 %v3hhd c4 %#v4hhx s2 %v2hd s8 %6v8hd s16 %v16hu c16 %v16hhu|\n",
	       vload3(0, cp), as_uchar4(vload4(0, cp)), vload2(0, sp), vload8(0, sp),
	       as_ushort16(vload16(0, sp)), as_uchar16(vload16(0, cp)));
	/* promoted scalars: hh and h convert them back */
	printf("sc %hhx %#hx %hhu %hd|\n", cp[1], sp[1], cp[2], sp[3]);
	/* scalars between vectors keep their places */
	printf("%c %v2hhx %d %v16lg %s %v3hlf %ld|\n", 'A' + (int)i, as_uchar2(vload2(0, cp)),
	       ip[0], vload16(0, dp), i ? "odd" : "even", vload3(0, fp), lp[1]);
	print_l8(vload8(0, lp), as_ulong16(vload16(0, lp)));
	/* literal vectors, checked against fixed text */
	printf("%#v2hhx|%5.1v2hlf|%v3hld|%%|%-4v2hhu|\n", (uchar2)(0xFA, 0x0B),
	       (float2)(1.75f, -2.5f), (int3)(1, -2, 300), (uchar2)(7, 200));
}

#ifdef cl_khr_fp16
/* half vectors: %vNhf, each element widened to double. */
kernel void printf_half(global const ushort *bits)
{
	printf("h2 %v2hf h3 %.2v3hf h4 %v4hg h8 %v8ha h16 %v16hf|\n",
	       as_half2(vload2(0, bits)), as_half3(vload3(0, bits)), as_half4(vload4(0, bits)),
	       as_half8(vload8(0, bits)), as_half16(vload16(0, bits)));
}
#endif

/* Formats the build does not check (not literals, or literals without
 * vectors): the engine checks them when it runs. r[k]: printf's result.
 * (clang warns about them, rightly.) */
#pragma clang diagnostic push
#pragma clang diagnostic ignored "-Wformat"
#pragma clang diagnostic ignored "-Wformat-insufficient-args"
kernel void printf_runtime(global int *r, int sel)
{
	r[0] = printf(sel ? "A %v5hld\n" : "A %hld\n", sel);	/* bad vector size / hl alone */
	r[1] = printf(sel ? "B %d %d\n" : "B %d\n", sel);	/* sel: wants 2 arguments, 1 given */
	r[2] = printf(sel ? "C %d\n" : "C %i\n", sel);
	r[3] = printf("D %hld\n", sel);			/* hl without a vector */
	r[4] = printf("E %#.4llx|\n", (ulong)sel + 16);	/* C's ll: 64-bit */
	r[5] = printf("F %d %d\n", sel);			/* too few arguments */
	r[6] = printf("");	/* a zeroinitializer, not a constant string, in the IR */
}
#pragma clang diagnostic pop
