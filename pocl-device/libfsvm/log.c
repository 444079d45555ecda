/* SPDX-License-Identifier: MIT */
/*
 * log.c - the fsvm logger: stderr, "fsvm: " prefix, threshold from FSVM_LOG.
 */
#include "fsvm_log.h"

#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* -1 until the first message reads FSVM_LOG. */
static int log_threshold = -1;
static pthread_once_t log_once = PTHREAD_ONCE_INIT;

static const char *const level_names[] = { "debug", "info", "warn", "error" };

static void read_threshold_from_env(void)
{
	const char *env = getenv("FSVM_LOG");
	int level = FSVM_LOG_WARN;

	if (env && *env) {
		int found = 0;

		for (int i = FSVM_LOG_DEBUG; i <= FSVM_LOG_ERROR; i++) {
			if (strcasecmp(env, level_names[i]) == 0) {
				level = i;
				found = 1;
			}
		}
		if (!found)
			fprintf(stderr, "fsvm: warn: FSVM_LOG=%s is not one of "
				"debug|info|warn|error; using warn\n", env);
	}
	/* A level set through fsvm_log_set_level() before the first message wins. */
	if (__atomic_load_n(&log_threshold, __ATOMIC_RELAXED) < 0)
		__atomic_store_n(&log_threshold, level, __ATOMIC_RELAXED);
}

static int current_threshold(void)
{
	pthread_once(&log_once, read_threshold_from_env);
	return __atomic_load_n(&log_threshold, __ATOMIC_RELAXED);
}

int fsvm_log_enabled(int level)
{
	return level >= current_threshold();
}

void fsvm_log_set_level(int level)
{
	if (level < FSVM_LOG_DEBUG)
		level = FSVM_LOG_DEBUG;
	if (level > FSVM_LOG_ERROR)
		level = FSVM_LOG_ERROR;
	pthread_once(&log_once, read_threshold_from_env);
	__atomic_store_n(&log_threshold, level, __ATOMIC_RELAXED);
}

void fsvm_log(int level, const char *fmt, ...)
{
	char line[1024];
	int prefix_len, body_len;
	va_list ap;

	if (!fsvm_log_enabled(level))
		return;
	if (level < FSVM_LOG_DEBUG || level > FSVM_LOG_ERROR)
		level = FSVM_LOG_ERROR;

	/*
	 * Format the whole line first and write it with one call, so that
	 * messages from the device thread and from host threads never
	 * interleave inside a line.
	 */
	prefix_len = snprintf(line, sizeof(line), "fsvm: %s: ", level_names[level]);
	va_start(ap, fmt);
	body_len = vsnprintf(line + prefix_len, sizeof(line) - (size_t)prefix_len - 1, fmt, ap);
	va_end(ap);
	if (body_len < 0)
		body_len = 0;
	if ((size_t)(prefix_len + body_len) > sizeof(line) - 2)
		body_len = (int)sizeof(line) - 2 - prefix_len;	/* truncated */
	line[prefix_len + body_len] = '\n';
	line[prefix_len + body_len + 1] = '\0';
	fputs(line, stderr);
}
