/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * systemd units over D-Bus (see sdunit.h).
 */
#include "sdunit.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "base/clock.h"
#include "base/log.h"

#ifdef CLUSTERD_HAVE_SDBUS
#include <systemd/sd-bus.h>
#endif

#define SD_DEST "org.freedesktop.systemd1"
#define SD_PATH "/org/freedesktop/systemd1"
#define SD_MANAGER "org.freedesktop.systemd1.Manager"
#define SD_UNIT "org.freedesktop.systemd1.Unit"

bool sdunit_booted(void)
{
	/* What sd_booted() checks, without needing libsystemd for it. */
	return access("/run/systemd/system", F_OK) == 0;
}

bool sdunit_name_ok(const char *name)
{
	static const char suffix[] = ".service";
	size_t n = name ? strnlen(name, SDUNIT_NAME_MAX) : 0;
	if (n == 0 || n >= SDUNIT_NAME_MAX || n <= sizeof(suffix) - 1)
		return false;
	if (strcmp(name + n - (sizeof(suffix) - 1), suffix) != 0 || name[0] == '-' || name[0] == '.')
		return false;
	for (size_t i = 0; i < n; i++) {
		char c = name[i];
		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == ':' ||
		      c == '_' || c == '.' || c == '@' || c == '-' || c == '\\'))
			return false;
	}
	return true;
}

#ifdef CLUSTERD_HAVE_SDBUS

int sdunit_job(const char *name, bool start)
{
	if (!sdunit_name_ok(name))
		return EINVAL;
	sd_bus *bus = NULL;
	int r = sd_bus_open_system(&bus);
	if (r < 0) {
		log_warn("systemd unit %s: cannot connect to the system bus: %s", name, strerror(-r));
		return -r;
	}
	sd_bus_error err = SD_BUS_ERROR_NULL;
	sd_bus_message *reply = NULL;
	r = sd_bus_call_method(bus, SD_DEST, SD_PATH, SD_MANAGER, start ? "StartUnit" : "StopUnit", &err, &reply, "ss",
			       name, "replace");
	int rc = 0;
	if (r < 0) {
		rc = sd_bus_error_get_errno(&err);
		if (!rc)
			rc = -r;
		log_warn("systemd unit %s: %s refused: %s", name, start ? "StartUnit" : "StopUnit",
			 err.message ? err.message : strerror(rc));
	}
	sd_bus_error_free(&err);
	sd_bus_message_unref(reply);
	sd_bus_flush_close_unref(bus);
	return rc;
}

struct sdunit_bus {
	sd_bus *bus;
	bool changed;
};

static int on_changed(sd_bus_message *m, void *userdata, sd_bus_error *ret)
{
	(void)m;
	(void)ret;
	((struct sdunit_bus *)userdata)->changed = true;
	return 0;
}

int sdunit_bus_open(struct sdunit_bus **out)
{
	struct sdunit_bus *b = calloc(1, sizeof(*b));
	if (!b)
		return ENOMEM;
	int r = sd_bus_open_system(&b->bus);
	if (r >= 0)
		r = sd_bus_match_signal(b->bus, NULL, SD_DEST, NULL, "org.freedesktop.DBus.Properties",
					"PropertiesChanged", on_changed, b);
	if (r < 0) {
		sdunit_bus_close(b);
		return -r;
	}
	/* systemd sends its signals to subscribed clients. */
	sd_bus_error err = SD_BUS_ERROR_NULL;
	if (sd_bus_call_method(b->bus, SD_DEST, SD_PATH, SD_MANAGER, "Subscribe", &err, NULL, "") < 0)
		log_warn("systemd: Subscribe refused (%s): unit failures are seen late",
			 err.message ? err.message : "no reason");
	sd_bus_error_free(&err);
	*out = b;
	return 0;
}

void sdunit_bus_close(struct sdunit_bus *b)
{
	if (!b)
		return;
	sd_bus_flush_close_unref(b->bus);
	free(b);
}

int sdunit_bus_fd(const struct sdunit_bus *b)
{
	return sd_bus_get_fd(b->bus);
}

int sdunit_bus_process(struct sdunit_bus *b)
{
	int r;
	while ((r = sd_bus_process(b->bus, NULL)) > 0)
		;
	bool changed = b->changed;
	b->changed = false;
	if (r < 0)
		return r;
	return changed ? 1 : 0;
}

int sdunit_state(struct sdunit_bus *b, const char *name, char *active, size_t cap, uint32_t *job)
{
	char *path = NULL;
	int r = sd_bus_path_encode(SD_PATH "/unit", name, &path);
	if (r < 0)
		return -r;
	sd_bus_error err = SD_BUS_ERROR_NULL;
	char *state = NULL;
	sd_bus_message *reply = NULL;
	r = sd_bus_get_property_string(b->bus, SD_DEST, path, SD_UNIT, "ActiveState", &err, &state);
	if (r >= 0)
		r = sd_bus_get_property(b->bus, SD_DEST, path, SD_UNIT, "Job", &err, &reply, "(uo)");
	uint32_t id = 0;
	const char *jobpath = NULL;
	if (r >= 0)
		r = sd_bus_message_read(reply, "(uo)", &id, &jobpath);
	int rc = 0;
	if (r < 0) {
		rc = sd_bus_error_get_errno(&err);
		if (!rc)
			rc = -r;
	} else {
		snprintf(active, cap, "%s", state);
		*job = id;
	}
	sd_bus_error_free(&err);
	sd_bus_message_unref(reply);
	free(state);
	free(path);
	return rc;
}

int sdunit_wait(struct sdunit_bus *b, const char *name, bool up, uint32_t timeout_ms, char *settled, size_t cap)
{
	uint64_t deadline = mono_ms() + timeout_ms;
	for (;;) {
		char active[32];
		uint32_t job = 0;
		int rc = sdunit_state(b, name, active, sizeof(active), &job);
		if (rc)
			return rc;
		snprintf(settled, cap, "%s", active);
		if (job == 0) {
			bool is_up = !strcmp(active, "active") || !strcmp(active, "reloading");
			bool is_down = !strcmp(active, "inactive") || !strcmp(active, "failed");
			if (up ? is_up : is_down)
				return 0;
			if (up ? is_down : is_up)
				return EIO;
		}
		if (mono_ms() >= deadline)
			return ETIMEDOUT;
		struct timespec ts = { 0, 50 * 1000 * 1000 };
		nanosleep(&ts, NULL);
	}
}

#else /* no sd-bus in this build */

int sdunit_job(const char *name, bool start)
{
	(void)name;
	(void)start;
	return ENOTSUP;
}

int sdunit_bus_open(struct sdunit_bus **out)
{
	*out = NULL;
	return ENOTSUP;
}

void sdunit_bus_close(struct sdunit_bus *b)
{
	(void)b;
}

int sdunit_bus_fd(const struct sdunit_bus *b)
{
	(void)b;
	return -1;
}

int sdunit_bus_process(struct sdunit_bus *b)
{
	(void)b;
	return -ENOTSUP;
}

int sdunit_state(struct sdunit_bus *b, const char *name, char *active, size_t cap, uint32_t *job)
{
	(void)b;
	(void)name;
	(void)active;
	(void)cap;
	(void)job;
	return ENOTSUP;
}

int sdunit_wait(struct sdunit_bus *b, const char *name, bool up, uint32_t timeout_ms, char *settled, size_t cap)
{
	(void)b;
	(void)name;
	(void)up;
	(void)timeout_ms;
	(void)settled;
	(void)cap;
	return ENOTSUP;
}

#endif
