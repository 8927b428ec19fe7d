/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Logging for the daemon: one line per event on stderr, with a level.
 *
 * Two formats.  Normally "2026-11-25T16:13:55.652Z clusterd info: TEXT".  When
 * stderr is the journal (systemd says so in $JOURNAL_STREAM, "DEV:INODE" of the
 * stream it connected to stderr, and fstat(2) agrees), each line is the
 * sd-daemon priority prefix and the text, "<6>TEXT": journald reads the
 * priority from the prefix and stamps the time itself. */
#ifndef BASE_LOG_H
#define BASE_LOG_H

#include <stdbool.h>

enum log_level { LOG_LVL_ERROR, LOG_LVL_WARN, LOG_LVL_INFO, LOG_LVL_DEBUG };

void log_set_level(enum log_level level);
void log_msg(enum log_level level, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* A message of the command line or of the start-up, before the service runs:
 * "clusterd: TEXT" (no time, no level), or "<N>TEXT" on the journal. */
void log_plain(enum log_level level, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Whether stderr is the journal (checked once, at the first call). */
bool log_to_journal(void);

#define log_error(...) log_msg(LOG_LVL_ERROR, __VA_ARGS__)
#define log_warn(...) log_msg(LOG_LVL_WARN, __VA_ARGS__)
#define log_info(...) log_msg(LOG_LVL_INFO, __VA_ARGS__)
#define log_debug(...) log_msg(LOG_LVL_DEBUG, __VA_ARGS__)

#endif
