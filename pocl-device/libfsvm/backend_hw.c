/* SPDX-License-Identifier: MIT */
/*
 * backend_hw.c - the `hw` backend: a board (or the kernel module's
 * emulation mode) through /dev/fsvmN of kmod/ (uapi: kmod/include/uapi/
 * fsvm_uapi.h).
 *
 *  - identification and kernel table: read once through FSVM_IOC_GET_INFO
 *    (the module does not map those pages); TIME_LO re-reads the clock.
 *  - each bind opens the device again (one context per open file), binds
 *    it to this address space and maps that context's 4 KiB page. The
 *    handle bind returns holds the page: a register read is a volatile
 *    load from it, a write a volatile store, or FSVM_IOC_CTX_WRITE when the
 *    module says so (emulation mode). No lock, no lookup.
 *  - waiting: FSVM_IOC_WAIT on the context's file, which compares the
 *    module's interrupt count with the caller's and sleeps only while they
 *    are equal; one system call per sleep, none while the library spins.
 *  - note_mapping/invalidate: none (NULL), the SMMU walks the real page
 *    tables and the module's mmu_notifier drops translations on unmap.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include "fsvm_uapi.h"
#include "internal.h"

struct hw_dev;

/* A bound context: its own open file of the device and its mapped page. */
struct hw_ctx {
	struct fsvm_backend_ctx base;	/* first: bc <-> hw_ctx */
	struct hw_dev *h;
	int fd;				/* -1: slot free */
	volatile uint32_t *page;	/* the context page */
	int reg_ioctl;			/* writes through FSVM_IOC_CTX_WRITE */
};

struct hw_dev {
	char path[64];
	int fd;				/* for GET_INFO */
	uint32_t flags;			/* FSVM_INFO_F_* */
	uint32_t id[FSVM_UAPI_ID_WORDS];
	uint8_t ktab[FSVM_UAPI_KTAB_BYTES];
	uint32_t time_hi;
	/* Guards taking and giving back slots (bind, unbind, close), never
	 * a register access. */
	pthread_mutex_t lock;
	struct hw_ctx slot[FSVM_MAX_CONTEXTS];
};

static struct hw_ctx *hw_ctx_of(struct fsvm_backend_ctx *bc)
{
	return (struct hw_ctx *)bc;
}

static int xioctl(int fd, unsigned long req, void *arg)
{
	int r;

	do {
		r = ioctl(fd, req, arg);
	} while (r < 0 && errno == EINTR);
	return r < 0 ? -errno : 0;
}

static int refresh_id(struct hw_dev *h, int full)
{
	struct fsvm_info *info = calloc(1, sizeof(*info));
	int r;

	if (!info)
		return -ENOMEM;
	info->size = full ? sizeof(*info) : (uint32_t)offsetof(struct fsvm_info, kernel_table);
	r = xioctl(h->fd, FSVM_IOC_GET_INFO, info);
	if (!r) {
		h->flags = info->flags;
		memcpy(h->id, info->id, sizeof(h->id));
		if (full)
			memcpy(h->ktab, info->kernel_table, sizeof(h->ktab));
		if (info->uapi_version != FSVM_UAPI_VERSION)
			r = -EPROTO;
	}
	free(info);
	return r;
}

/* One word of the identification or kernel-table page, as GET_INFO gave it. */
static uint32_t id_word(struct hw_dev *h, uint32_t off)
{
	uint32_t v;

	if (off & 3u)
		return 0xffffffffu;
	if (off < FSVM_KERNEL_TABLE_OFF) {
		if (off == FSVM_REG_TIME_LO) {
			if (refresh_id(h, 0) == 0)
				h->time_hi = h->id[FSVM_REG_TIME_HI / 4];
			return h->id[FSVM_REG_TIME_LO / 4];
		}
		if (off == FSVM_REG_TIME_HI)
			return h->time_hi;
		return off / 4 < FSVM_UAPI_ID_WORDS ? h->id[off / 4] : 0;
	}
	if (off < FSVM_KERNEL_TABLE_OFF + FSVM_UAPI_KTAB_BYTES) {
		memcpy(&v, h->ktab + (off - FSVM_KERNEL_TABLE_OFF), 4);
		return v;
	}
	return 0xffffffffu;
}

static void hw_dev_read(void *dev, uint32_t off, uint32_t *words, uint32_t n)
{
	for (uint32_t i = 0; i < n; i++)
		words[i] = id_word(dev, off + 4 * i);
}

static uint32_t hw_ctx_read32(struct fsvm_backend_ctx *bc, uint32_t reg)
{
	return hw_ctx_of(bc)->page[(reg & (FSVM_PAGE_SIZE - 1)) / 4];
}

static void hw_ctx_write32(struct fsvm_backend_ctx *bc, uint32_t reg, uint32_t val)
{
	struct hw_ctx *c = hw_ctx_of(bc);

	reg &= FSVM_PAGE_SIZE - 1;
	if (c->reg_ioctl) {
		struct fsvm_reg r = { .offset = reg, .value = val };
		int e = xioctl(c->fd, FSVM_IOC_CTX_WRITE, &r);

		if (e)
			fsvm_log(FSVM_LOG_ERROR, "%s: register 0x%x write failed: %s",
				 c->h->path, reg, strerror(-e));
	} else {
		/* Earlier stores (the packet) before the doorbell. */
		__atomic_thread_fence(__ATOMIC_RELEASE);
		c->page[reg / 4] = val;
	}
}

static void slot_close(struct hw_ctx *c)
{
	if (c->page)
		munmap((void *)c->page, FSVM_PAGE_SIZE);
	if (c->fd >= 0)
		close(c->fd);	/* disables the context and frees the bank */
	c->page = NULL;
	c->fd = -1;
}

static int hw_bind(void *dev, struct fsvm_backend_ctx **bc)
{
	struct hw_dev *h = dev;
	struct hw_ctx nc = { .h = h, .fd = -1, .reg_ioctl = !!(h->flags & FSVM_INFO_F_REG_IOCTL) };
	struct fsvm_bind bind;
	int prot = PROT_READ, e;
	void *page;

	nc.fd = open(h->path, O_RDWR | O_CLOEXEC);
	if (nc.fd < 0)
		return fsvm_err_from_errno(errno);
	memset(&bind, 0, sizeof(bind));
	e = xioctl(nc.fd, FSVM_IOC_BIND, &bind);
	if (e) {
		if (e != -EBUSY)
			fsvm_log(FSVM_LOG_ERROR, "%s: bind failed: %s", h->path, strerror(-e));
		slot_close(&nc);
		return fsvm_err_from_errno(-e);
	}
	if (!nc.reg_ioctl)
		prot |= PROT_WRITE;
	page = mmap(NULL, bind.mmap_size, prot, MAP_SHARED, nc.fd, (off_t)bind.mmap_offset);
	if (page == MAP_FAILED) {
		e = errno;
		fsvm_log(FSVM_LOG_ERROR, "%s: cannot map context page: %s", h->path, strerror(e));
		slot_close(&nc);
		return fsvm_err_from_errno(e);
	}
	nc.page = page;
	nc.base.index = bind.context;
	pthread_mutex_lock(&h->lock);
	for (unsigned int i = 0; i < FSVM_MAX_CONTEXTS; i++) {
		if (h->slot[i].fd < 0) {
			h->slot[i] = nc;
			*bc = &h->slot[i].base;
			pthread_mutex_unlock(&h->lock);
			fsvm_log(FSVM_LOG_DEBUG, "%s: context %u, bank %u, stream 0x%x, %s mode",
				 h->path, bind.context, bind.bank, bind.stream_id,
				 bind.mode == FSVM_MODE_SHARED ? "shared" : "mirror");
			return FSVM_OK;
		}
	}
	pthread_mutex_unlock(&h->lock);
	slot_close(&nc);
	return FSVM_ERR_BUSY;
}

static void hw_unbind(struct fsvm_backend_ctx *bc)
{
	struct hw_ctx *c = hw_ctx_of(bc);
	struct hw_dev *h = c->h;

	pthread_mutex_lock(&h->lock);
	slot_close(c);
	pthread_mutex_unlock(&h->lock);
}

/*
 * FSVM_IOC_WAIT is the whole operation: it returns at once when the
 * module's count differs from w.seen, else sleeps until it moves or the
 * timeout passes, and reports the count either way. A signal ends the
 * sleep early (xioctl restarts it, bounded by the caller's slice).
 */
static int hw_wait(struct fsvm_backend_ctx *bc, uint32_t *seen, uint64_t timeout_ns)
{
	struct fsvm_wait w;
	int e;

	memset(&w, 0, sizeof(w));
	w.seen = *seen;
	w.timeout_ns = timeout_ns > FSVM_WAIT_MAX_NS ? FSVM_WAIT_MAX_NS : timeout_ns;
	e = xioctl(hw_ctx_of(bc)->fd, FSVM_IOC_WAIT, &w);
	if (e && e != -ETIMEDOUT)
		return fsvm_err_from_errno(-e);
	if (w.irq_count != *seen) {
		*seen = w.irq_count;
		return FSVM_OK;
	}
	return FSVM_ERR_TIMEOUT;
}

static void hw_close(void *dev)
{
	struct hw_dev *h = dev;

	for (unsigned int i = 0; i < FSVM_MAX_CONTEXTS; i++)
		if (h->slot[i].fd >= 0)
			slot_close(&h->slot[i]);
	close(h->fd);
	pthread_mutex_destroy(&h->lock);
	free(h);
}

static const struct fsvm_backend_ops hw_ops = {
	.name = "hw",
	.dev_read = hw_dev_read,
	.close = hw_close,
	.bind = hw_bind,
	.unbind = hw_unbind,
	.ctx_read32 = hw_ctx_read32,
	.ctx_write32 = hw_ctx_write32,
	.wait = hw_wait,
};

int fsvm_backend_hw_open(const char *args, const struct fsvm_backend_ops **ops, void **dev)
{
	const char *path = args && *args ? args : "/dev/fsvm0";
	struct hw_dev *h;
	int e;

	if (strlen(path) >= sizeof(h->path)) {
		fsvm_log(FSVM_LOG_ERROR, "device path too long: %.40s...", path);
		return FSVM_ERR_INVAL;
	}
	h = calloc(1, sizeof(*h));
	if (!h)
		return FSVM_ERR_NOMEM;
	strcpy(h->path, path);
	for (unsigned int i = 0; i < FSVM_MAX_CONTEXTS; i++)
		h->slot[i].fd = -1;
	h->fd = open(path, O_RDWR | O_CLOEXEC);
	if (h->fd < 0) {
		e = errno;
		fsvm_log(FSVM_LOG_ERROR, "cannot open %s: %s%s", path, strerror(e),
			 e == ENOENT ? " (is fsvm.ko loaded? \"fsvm doctor\" explains)" : "");
		free(h);
		return fsvm_err_from_errno(e);
	}
	e = refresh_id(h, 1);
	if (e) {
		fsvm_log(FSVM_LOG_ERROR, "%s: %s", path, e == -EPROTO ?
			 "the kernel module speaks another uapi version" :
			 "not an fsvm device (GET_INFO failed)");
		close(h->fd);
		free(h);
		return e == -EPROTO ? FSVM_ERR_UNSUPPORTED : FSVM_ERR_NODEV;
	}
	pthread_mutex_init(&h->lock, NULL);
	*ops = &hw_ops;
	*dev = h;
	return FSVM_OK;
}
