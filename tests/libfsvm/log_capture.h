/* SPDX-License-Identifier: MIT */
/*
 * log_capture.h - what fsvm_log printed during a call, for tests that an
 * event is logged exactly once (one logger per layer: the simulator's
 * messages reach fsvm_log too, so a duplicate shows up here).
 *
 *	struct log_capture c;
 *	log_capture_begin(&c);
 *	... the call ...
 *	log_capture_end(&c, text, sizeof(text));
 *	CHECK_EQ(log_lines(text, "no device"), 1);
 *
 * fsvm_log writes each line with one fputs to stderr; between begin and
 * end stderr (fd 2) goes to a temporary file. Set the level first
 * (fsvm_log_set_level(FSVM_LOG_DEBUG): a duplicate at any level counts).
 */
#ifndef FSVM_TEST_LOG_CAPTURE_H
#define FSVM_TEST_LOG_CAPTURE_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

struct log_capture {
	FILE *file;
	int saved_fd;
};

static inline void log_capture_begin(struct log_capture *c)
{
	fflush(stderr);
	c->file = tmpfile();
	c->saved_fd = dup(STDERR_FILENO);
	if (!c->file || c->saved_fd < 0 || dup2(fileno(c->file), STDERR_FILENO) < 0) {
		perror("log_capture_begin");
		exit(1);
	}
}

/* Restore stderr; buf receives what was written (NUL-terminated, cut to size). */
static inline void log_capture_end(struct log_capture *c, char *buf, size_t size)
{
	size_t n;

	fflush(stderr);
	dup2(c->saved_fd, STDERR_FILENO);
	close(c->saved_fd);
	rewind(c->file);
	n = fread(buf, 1, size - 1, c->file);
	buf[n] = '\0';
	fclose(c->file);
}

/* Lines of fsvm_log ("fsvm: <level>: ...") in text that contain needle. */
static inline unsigned int log_lines(const char *text, const char *needle)
{
	unsigned int n = 0;

	while (*text) {
		const char *end = strchr(text, '\n');
		size_t len = end ? (size_t)(end - text) : strlen(text);
		char line[1100];

		if (len >= sizeof(line))
			len = sizeof(line) - 1;
		memcpy(line, text, len);
		line[len] = '\0';
		if (strncmp(line, "fsvm: ", 6) == 0 && strstr(line, needle))
			n++;
		text += end ? (size_t)(end - text) + 1 : strlen(text);
	}
	return n;
}

#endif /* FSVM_TEST_LOG_CAPTURE_H */
