// SPDX-License-Identifier: MIT
// Programs fsvm-oclc must refuse: they use the fsvm_cl_ prefix of the
// device's ABI (fsvm_cl_abi.h). One per CASE (tests/oclc/CMakeLists.txt).
#if CASE == 0
// a function that would take the place of the memory port's load
uchar fsvm_cl_ld8(ulong va) { return (uchar)va; }
kernel void k(global uchar *p) { p[0] = fsvm_cl_ld8((ulong)p); }
#elif CASE == 1
// a program-scope variable with the prefix
constant int fsvm_cl_table[2] = { 1, 2 };
kernel void k(global int *p) { p[0] = fsvm_cl_table[p[1] & 1]; }
#elif CASE == 2
// its own declaration of the name get_global_id is renamed to
size_t fsvm_cl_get_global_id(uint d);
kernel void k(global ulong *p) { p[get_global_id(0)] = fsvm_cl_get_global_id(0); }
#endif
