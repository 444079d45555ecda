/* SPDX-License-Identifier: MIT */
/*
 * fsvm_log.h - the one logger of fsvm.
 *
 * Everything fsvm prints about itself (libfsvm, the simulated device, the
 * tools) goes through fsvm_log(): one line per message on stderr, prefixed
 * "fsvm: ". The threshold comes from the environment variable FSVM_LOG
 * (debug | info | warn | error; default warn), read once on first use.
 */
#ifndef FSVM_LOG_H
#define FSVM_LOG_H

#ifdef __cplusplus
extern "C" {
#endif

enum fsvm_log_level {
	FSVM_LOG_DEBUG = 0,
	FSVM_LOG_INFO = 1,
	FSVM_LOG_WARN = 2,
	FSVM_LOG_ERROR = 3,
};

/* Print one message if level passes the threshold. Cannot fail (a failed
 * write to stderr is ignored: there is nowhere else to report it). */
void fsvm_log(int level, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* Whether a message of this level would be printed (to skip costly
 * formatting). Cannot fail. */
int fsvm_log_enabled(int level);

/* Override the FSVM_LOG threshold (tools use it for --verbose). Cannot fail. */
void fsvm_log_set_level(int level);

#ifdef __cplusplus
}
#endif

#endif /* FSVM_LOG_H */
