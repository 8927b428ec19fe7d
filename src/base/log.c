/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "log.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

static enum log_level log_threshold = LOG_LVL_INFO;

void log_set_level(enum log_level level)
{
	log_threshold = level;
}

/* systemd.exec(5): $JOURNAL_STREAM is "DEV:INODE" (decimal) of the stream
 * connected to stdout/stderr; it only counts when stderr is still that stream
 * (a redirection by hand, or a child's own stderr, leaves the variable behind). */
static bool journal_check(void)
{
	const char *v = getenv("JOURNAL_STREAM");
	struct stat st;
	if (!v || !*v || fstat(STDERR_FILENO, &st) < 0)
		return false;
	char *end;
	unsigned long long dev = strtoull(v, &end, 10);
	if (end == v || *end != ':')
		return false;
	const char *ino_s = end + 1;
	unsigned long long ino = strtoull(ino_s, &end, 10);
	if (end == ino_s || *end)
		return false;
	return dev == (unsigned long long)st.st_dev && ino == (unsigned long long)st.st_ino;
}

bool log_to_journal(void)
{
	static int journal = -1;
	if (journal < 0)
		journal = journal_check();
	return journal == 1;
}

/* The syslog priorities of sd-daemon.h's SD_ERR, SD_WARNING, SD_INFO, SD_DEBUG. */
static const int priorities[] = { 3, 4, 6, 7 };

void log_msg(enum log_level level, const char *fmt, ...)
{
	static const char *const names[] = { "error", "warning", "info", "debug" };
	char stamp[32];
	struct timespec ts;
	struct tm tm;
	va_list ap;

	if (level > log_threshold)
		return;
	/* One fprintf per line so concurrent lines do not interleave. */
	char line[1024];
	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	if (log_to_journal()) {
		fprintf(stderr, "<%d>%s\n", priorities[level], line);
		return;
	}
	clock_gettime(CLOCK_REALTIME, &ts);
	gmtime_r(&ts.tv_sec, &tm);
	strftime(stamp, sizeof(stamp), "%Y-%m-%dT%H:%M:%S", &tm);
	fprintf(stderr, "%s.%03ldZ clusterd %s: %s\n", stamp, ts.tv_nsec / 1000000, names[level], line);
}

void log_plain(enum log_level level, const char *fmt, ...)
{
	char line[1024];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	if (log_to_journal())
		fprintf(stderr, "<%d>%s\n", priorities[level], line);
	else
		fprintf(stderr, "clusterd: %s\n", line);
}
