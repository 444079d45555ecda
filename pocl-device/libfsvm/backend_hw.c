/* SPDX-License-Identifier: MIT */
/*
 * backend_hw.c - the `hw` backend: a board (or the kernel module's
 * emulation mode) through /dev/fsvmN of kmod/ (uapi: kmod/include/uapi/
 * fsvm_uapi.h).
 *
 *  - identification and kernel table: read once through FSVM_IOC_GET_INFO
 *    (the module does not map those pages); TIME_LO re-reads the clock.
 *  - each bind opens the device again (one context per open file), binds
 *    it to this address space and maps that context's 4 KiB page: register
 *    reads are volatile loads from it; writes are volatile stores, or
 *    FSVM_IOC_CTX_WRITE when the module says so (emulation mode).
 *  - waiting: the library spins on memory first; then this backend sleeps
 *    on an eventfd the module signals on every context interrupt (the
 *    FSVM_IOC_WAIT ioctl if no eventfd could be made).
 *  - note_mapping/invalidate: nothing to do, the SMMU walks the real page
 *    tables and the module's mmu_notifier drops translations on unmap.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include "fsvm_uapi.h"
#include "internal.h"

struct hw_binding {
	int fd;				/* -1: slot free */
	unsigned int index;		/* hardware context */
	volatile uint32_t *page;	/* the context page */
	int efd;			/* eventfd, or -1 */
};

struct hw_dev {
	char path[64];
	int fd;				/* for GET_INFO */
	uint32_t flags;			/* FSVM_INFO_F_* */
	uint32_t id[FSVM_UAPI_ID_WORDS];
	uint8_t ktab[FSVM_UAPI_KTAB_BYTES];
	uint32_t time_hi;
	pthread_mutex_t lock;		/* bindings */
	struct hw_binding b[FSVM_MAX_CONTEXTS];
};

static int xioctl(int fd, unsigned long req, void *arg)
{
	int r;

	do {
		r = ioctl(fd, req, arg);
	} while (r < 0 && errno == EINTR);
	return r < 0 ? -errno : 0;
}

static struct hw_binding *find_binding(struct hw_dev *h, unsigned int index)
{
	for (unsigned int i = 0; i < FSVM_MAX_CONTEXTS; i++)
		if (h->b[i].fd >= 0 && h->b[i].index == index)
			return &h->b[i];
	return NULL;
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

static uint32_t hw_mmio_read32(void *priv, uint32_t off)
{
	struct hw_dev *h = priv;
	struct hw_binding *b;
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
	if (off < FSVM_CTX_BASE_OFF || off >= FSVM_WINDOW_SIZE)
		return 0xffffffffu;
	pthread_mutex_lock(&h->lock);
	b = find_binding(h, (off - FSVM_CTX_BASE_OFF) / FSVM_PAGE_SIZE);
	v = b ? b->page[(off & (FSVM_PAGE_SIZE - 1)) / 4] : 0xffffffffu;
	pthread_mutex_unlock(&h->lock);
	return v;
}

static void hw_mmio_write32(void *priv, uint32_t off, uint32_t val)
{
	struct hw_dev *h = priv;
	struct hw_binding *b;

	if ((off & 3u) || off < FSVM_CTX_BASE_OFF || off >= FSVM_WINDOW_SIZE)
		return;		/* identification and kernel table are read-only */
	pthread_mutex_lock(&h->lock);
	b = find_binding(h, (off - FSVM_CTX_BASE_OFF) / FSVM_PAGE_SIZE);
	if (b) {
		uint32_t reg = off & (FSVM_PAGE_SIZE - 1);

		if (h->flags & FSVM_INFO_F_REG_IOCTL) {
			struct fsvm_reg r = { .offset = reg, .value = val };
			int e = xioctl(b->fd, FSVM_IOC_CTX_WRITE, &r);

			if (e)
				fsvm_log(FSVM_LOG_ERROR, "%s: register 0x%x write failed: %s",
					 h->path, reg, strerror(-e));
		} else {
			/* Earlier stores (the packet) before the doorbell. */
			__atomic_thread_fence(__ATOMIC_RELEASE);
			b->page[reg / 4] = val;
		}
	}
	pthread_mutex_unlock(&h->lock);
}

static void binding_close(struct hw_binding *b)
{
	if (b->page)
		munmap((void *)b->page, FSVM_PAGE_SIZE);
	if (b->efd >= 0)
		close(b->efd);
	if (b->fd >= 0)
		close(b->fd);
	b->page = NULL;
	b->efd = -1;
	b->fd = -1;
}

static int hw_bind(void *priv, unsigned int *ctx)
{
	struct hw_dev *h = priv;
	struct hw_binding nb = { .fd = -1, .efd = -1 };
	struct fsvm_bind bind;
	struct fsvm_eventfd ev;
	int prot = PROT_READ, e;
	void *page;

	nb.fd = open(h->path, O_RDWR | O_CLOEXEC);
	if (nb.fd < 0)
		return fsvm_err_from_errno(errno);
	memset(&bind, 0, sizeof(bind));
	e = xioctl(nb.fd, FSVM_IOC_BIND, &bind);
	if (e) {
		if (e != -EBUSY)
			fsvm_log(FSVM_LOG_ERROR, "%s: bind failed: %s", h->path, strerror(-e));
		binding_close(&nb);
		return fsvm_err_from_errno(-e);
	}
	if (!(h->flags & FSVM_INFO_F_REG_IOCTL))
		prot |= PROT_WRITE;
	page = mmap(NULL, bind.mmap_size, prot, MAP_SHARED, nb.fd, (off_t)bind.mmap_offset);
	if (page == MAP_FAILED) {
		e = errno;
		fsvm_log(FSVM_LOG_ERROR, "%s: cannot map context page: %s", h->path, strerror(e));
		binding_close(&nb);
		return fsvm_err_from_errno(e);
	}
	nb.page = page;
	nb.index = bind.context;
	nb.efd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	if (nb.efd >= 0) {
		memset(&ev, 0, sizeof(ev));
		ev.fd = nb.efd;
		if (xioctl(nb.fd, FSVM_IOC_SET_EVENTFD, &ev)) {
			close(nb.efd);
			nb.efd = -1;
		}
	}
	pthread_mutex_lock(&h->lock);
	for (unsigned int i = 0; i < FSVM_MAX_CONTEXTS; i++) {
		if (h->b[i].fd < 0) {
			h->b[i] = nb;
			pthread_mutex_unlock(&h->lock);
			*ctx = nb.index;
			fsvm_log(FSVM_LOG_DEBUG, "%s: context %u, bank %u, stream 0x%x, %s mode",
				 h->path, bind.context, bind.bank, bind.stream_id,
				 bind.mode == FSVM_MODE_SHARED ? "shared" : "mirror");
			return FSVM_OK;
		}
	}
	pthread_mutex_unlock(&h->lock);
	binding_close(&nb);
	return FSVM_ERR_BUSY;
}

static int hw_unbind(void *priv, unsigned int ctx)
{
	struct hw_dev *h = priv;
	struct hw_binding *b;

	pthread_mutex_lock(&h->lock);
	b = find_binding(h, ctx);
	if (b)
		binding_close(b);	/* close() disables the context and frees the bank */
	pthread_mutex_unlock(&h->lock);
	return b ? FSVM_OK : FSVM_ERR_INVAL;
}

/* The fd of context ctx (the binding stays until unbind). */
static int ctx_fds(struct hw_dev *h, unsigned int ctx, int *efd)
{
	struct hw_binding *b;
	int fd = -1;

	pthread_mutex_lock(&h->lock);
	b = find_binding(h, ctx);
	if (b) {
		fd = b->fd;
		*efd = b->efd;
	}
	pthread_mutex_unlock(&h->lock);
	return fd;
}

static uint32_t hw_irq_count(void *priv, unsigned int ctx)
{
	struct fsvm_wait w;
	int efd, fd = ctx_fds(priv, ctx, &efd);

	if (fd < 0)
		return 0;
	memset(&w, 0, sizeof(w));
	w.seen = 0xffffffffu;
	w.timeout_ns = 0;
	if (xioctl(fd, FSVM_IOC_WAIT, &w))
		return 0;
	return w.irq_count;
}

static int hw_wait_irq(void *priv, unsigned int ctx, uint32_t seen, uint64_t timeout_ns)
{
	struct fsvm_wait w;
	int efd, fd = ctx_fds(priv, ctx, &efd), e;

	if (fd < 0)
		return FSVM_ERR_INVAL;
	if (timeout_ns > FSVM_WAIT_MAX_NS)
		timeout_ns = FSVM_WAIT_MAX_NS;
	if (efd >= 0) {
		struct pollfd p = { .fd = efd, .events = POLLIN };
		uint64_t cnt;
		int ms = (int)((timeout_ns + 999999) / 1000000);

		if (hw_irq_count(priv, ctx) != seen)
			return FSVM_OK;
		e = poll(&p, 1, ms);
		if (e < 0 && errno != EINTR)
			return FSVM_ERR_IO;
		if (e > 0 && read(efd, &cnt, sizeof(cnt)) < 0 && errno != EAGAIN)
			return FSVM_ERR_IO;
		return hw_irq_count(priv, ctx) != seen ? FSVM_OK : FSVM_ERR_TIMEOUT;
	}
	memset(&w, 0, sizeof(w));
	w.seen = seen;
	w.timeout_ns = timeout_ns;
	e = xioctl(fd, FSVM_IOC_WAIT, &w);
	if (e == -EINTR)
		return FSVM_ERR_TIMEOUT;	/* the library loops */
	return fsvm_err_from_errno(-e);
}

static int hw_note_mapping(void *priv, uint64_t va, uint64_t len, unsigned int page_shift)
{
	(void)priv;
	(void)va;
	(void)len;
	(void)page_shift;
	return FSVM_OK;
}

static void hw_invalidate(void *priv, uint64_t va, uint64_t len)
{
	(void)priv;
	(void)va;
	(void)len;
}

static void hw_close(void *priv)
{
	struct hw_dev *h = priv;

	for (unsigned int i = 0; i < FSVM_MAX_CONTEXTS; i++)
		if (h->b[i].fd >= 0)
			binding_close(&h->b[i]);
	close(h->fd);
	pthread_mutex_destroy(&h->lock);
	free(h);
}

static const struct fsvm_backend_ops hw_ops = {
	.name = "hw",
	.mmio_read32 = hw_mmio_read32,
	.mmio_write32 = hw_mmio_write32,
	.bind = hw_bind,
	.unbind = hw_unbind,
	.irq_count = hw_irq_count,
	.wait_irq = hw_wait_irq,
	.note_mapping = hw_note_mapping,
	.invalidate = hw_invalidate,
	.close = hw_close,
};

int fsvm_backend_hw_open(const char *args, const struct fsvm_backend_ops **ops,
			 void **priv)
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
	for (unsigned int i = 0; i < FSVM_MAX_CONTEXTS; i++) {
		h->b[i].fd = -1;
		h->b[i].efd = -1;
	}
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
	*priv = h;
	return FSVM_OK;
}
