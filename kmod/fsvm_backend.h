/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The two backends' entry points, for fsvm_module.c only:
 * silicon (fsvm_of.c, a platform driver for the device-tree node) and
 * emulation (fsvm_emu.c, the device model in the kernel).
 */
#ifndef FSVM_BACKEND_H
#define FSVM_BACKEND_H

/* fsvm_of.c */
int fsvm_of_init(void);
void fsvm_of_exit(void);

/* fsvm_emu.c */
extern bool fsvm_emulate;
int fsvm_emu_init(void);
void fsvm_emu_exit(void);

#endif /* FSVM_BACKEND_H */
