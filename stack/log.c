// SPDX-License-Identifier: MIT
/*
 * log.c - one line per message on stderr, with a level tag
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "log.h"

enum log_level log_level = LOG_INFO;

static const char *const level_names[] = { "error", "warn", "info", "debug",
					   "trace" };

void log_msg(enum log_level lvl, const char *fmt, ...)
{
	int saved = errno;
	char line[1024];
	va_list ap;

	if (lvl > log_level)
		return;
	/* Format first and write once, so concurrent writers never interleave
	 * within a line. */
	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	fprintf(stderr, "nsstackd: %s: %s\n", level_names[lvl], line);
	errno = saved;
}

/** log_level_parse() - "error".."trace" to a level; -EINVAL otherwise. */
int log_level_parse(const char *name, enum log_level *out)
{
	for (size_t i = 0; i < sizeof(level_names) / sizeof(level_names[0]);
	     i++) {
		if (strcmp(name, level_names[i]) == 0) {
			*out = (enum log_level)i;
			return 0;
		}
	}
	return -EINVAL;
}

/**
 * log_ratelimit_ok() - true at most once per @gap_us for one call site
 * @last_us: the call site's own state, initially 0
 */
bool log_ratelimit_ok(uint64_t *last_us, uint64_t now_us, uint64_t gap_us)
{
	if (*last_us && now_us - *last_us < gap_us)
		return false;
	*last_us = now_us ? now_us : 1;
	return true;
}
