/* SPDX-License-Identifier: MIT */
/*
 * log.h - engine logging: levels switched at run time, rate-limited
 * per-packet messages
 */
#ifndef NSSTACK_LOG_H
#define NSSTACK_LOG_H

#include <stdbool.h>
#include <stdint.h>

enum log_level { LOG_ERR, LOG_WARN, LOG_INFO, LOG_DEBUG, LOG_TRACE };

extern enum log_level log_level;

void log_msg(enum log_level lvl, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
int log_level_parse(const char *name, enum log_level *out);
bool log_ratelimit_ok(uint64_t *last_us, uint64_t now_us, uint64_t gap_us);

#define log_err(...) log_msg(LOG_ERR, __VA_ARGS__)
#define log_warn(...) log_msg(LOG_WARN, __VA_ARGS__)
#define log_info(...) log_msg(LOG_INFO, __VA_ARGS__)
#define log_debug(...)                                                         \
	do {                                                                   \
		if (log_level >= LOG_DEBUG)                                    \
			log_msg(LOG_DEBUG, __VA_ARGS__);                       \
	} while (0)
#define log_trace(...)                                                         \
	do {                                                                   \
		if (log_level >= LOG_TRACE)                                    \
			log_msg(LOG_TRACE, __VA_ARGS__);                       \
	} while (0)

#endif /* NSSTACK_LOG_H */
