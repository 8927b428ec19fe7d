/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * A stand-in for systemd's D-Bus API on a private bus (the bus named by
 * DBUS_SYSTEM_BUS_ADDRESS), for gensvc-fake.sh: enough of
 * org.freedesktop.systemd1 for a Generic Service (src/backend/sdunit.c) to be
 * driven end to end on a machine whose PID 1 is not systemd.
 *
 * Manager (/org/freedesktop/systemd1): StartUnit(ss) and StopUnit(ss) queue
 * a job that ends 100 ms later (a unit whose name has "broken" in it fails
 * to start; one with "missing" does not exist: NoSuchUnit), KillUnit(ssi)
 * makes the unit fail at once, Subscribe().  Units
 * (/org/freedesktop/systemd1/unit/ESCAPED, made on first use, inactive):
 * the properties ActiveState and Job, PropertiesChanged on every change.
 * Each call is printed on stdout, one line, with the caller's uid.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <systemd/sd-bus.h>
#include <systemd/sd-event.h>

#define MAX_UNITS 64

struct unit {
	char name[256];
	char state[16];
	uint32_t job;
	char target[16]; /* the state the job ends in */
};

static struct unit units[MAX_UNITS];
static size_t nunits;
static uint32_t next_job = 1;
static sd_bus *bus;
static sd_event *ev;

/* The caller's effective uid, or -1. */
static long sender_uid(sd_bus_message *m)
{
	sd_bus_creds *c = NULL;
	uid_t uid;
	long v = -1;
	if (sd_bus_query_sender_creds(m, SD_BUS_CREDS_EUID, &c) >= 0 && sd_bus_creds_get_euid(c, &uid) >= 0)
		v = (long)uid;
	sd_bus_creds_unref(c);
	return v;
}

static struct unit *unit_get(const char *name)
{
	for (size_t i = 0; i < nunits; i++)
		if (strcmp(units[i].name, name) == 0)
			return &units[i];
	if (nunits == MAX_UNITS || strlen(name) >= sizeof(units[0].name))
		return NULL;
	struct unit *u = &units[nunits++];
	snprintf(u->name, sizeof(u->name), "%s", name);
	snprintf(u->state, sizeof(u->state), "inactive");
	return u;
}

static void changed(struct unit *u)
{
	char *path = NULL;
	if (sd_bus_path_encode("/org/freedesktop/systemd1/unit", u->name, &path) >= 0)
		sd_bus_emit_properties_changed(bus, path, "org.freedesktop.systemd1.Unit", "ActiveState", "Job", NULL);
	free(path);
	printf("unit %s: %s (job %u)\n", u->name, u->state, (unsigned)u->job);
	fflush(stdout);
}

static int job_done(sd_event_source *s, uint64_t usec, void *userdata)
{
	(void)usec;
	struct unit *u = userdata;
	snprintf(u->state, sizeof(u->state), "%s", u->target);
	u->job = 0;
	changed(u);
	sd_event_source_unref(s);
	return 0;
}

static int job(sd_bus_message *m, sd_bus_error *err, bool start)
{
	const char *name, *mode;
	int r = sd_bus_message_read(m, "ss", &name, &mode);
	if (r < 0)
		return r;
	printf("%s %s %s uid=%ld\n", start ? "StartUnit" : "StopUnit", name, mode, sender_uid(m));
	fflush(stdout);
	if (strstr(name, "missing"))
		return sd_bus_error_setf(err, "org.freedesktop.systemd1.NoSuchUnit", "Unit %s not found.", name);
	struct unit *u = unit_get(name);
	if (!u)
		return sd_bus_error_set_errno(err, ENOMEM);
	u->job = next_job++;
	snprintf(u->target, sizeof(u->target), "%s", !start ? "inactive" : strstr(name, "broken") ? "failed" : "active");
	snprintf(u->state, sizeof(u->state), "%s", start ? "activating" : "deactivating");
	changed(u);
	uint64_t now = 0;
	sd_event_now(ev, CLOCK_MONOTONIC, &now);
	sd_event_add_time(ev, NULL, CLOCK_MONOTONIC, now + 100000, 0, job_done, u);
	char path[64];
	snprintf(path, sizeof(path), "/org/freedesktop/systemd1/job/%u", (unsigned)u->job);
	return sd_bus_reply_method_return(m, "o", path);
}

static int start_unit(sd_bus_message *m, void *userdata, sd_bus_error *err)
{
	(void)userdata;
	return job(m, err, true);
}

static int stop_unit(sd_bus_message *m, void *userdata, sd_bus_error *err)
{
	(void)userdata;
	return job(m, err, false);
}

static int kill_unit(sd_bus_message *m, void *userdata, sd_bus_error *err)
{
	(void)userdata;
	const char *name, *whom;
	int32_t sig;
	int r = sd_bus_message_read(m, "ssi", &name, &whom, &sig);
	if (r < 0)
		return r;
	printf("KillUnit %s %s %d uid=%ld\n", name, whom, (int)sig, sender_uid(m));
	struct unit *u = unit_get(name);
	if (!u)
		return sd_bus_error_set_errno(err, ENOMEM);
	if (strcmp(u->state, "active") == 0) {
		snprintf(u->state, sizeof(u->state), "failed");
		changed(u);
	}
	return sd_bus_reply_method_return(m, "");
}

static int subscribe(sd_bus_message *m, void *userdata, sd_bus_error *err)
{
	(void)userdata;
	(void)err;
	printf("Subscribe uid=%ld\n", sender_uid(m));
	fflush(stdout);
	return sd_bus_reply_method_return(m, "");
}

static const sd_bus_vtable manager_vtable[] = {
	SD_BUS_VTABLE_START(0),
	SD_BUS_METHOD("StartUnit", "ss", "o", start_unit, SD_BUS_VTABLE_UNPRIVILEGED),
	SD_BUS_METHOD("StopUnit", "ss", "o", stop_unit, SD_BUS_VTABLE_UNPRIVILEGED),
	SD_BUS_METHOD("KillUnit", "ssi", "", kill_unit, SD_BUS_VTABLE_UNPRIVILEGED),
	SD_BUS_METHOD("Subscribe", "", "", subscribe, SD_BUS_VTABLE_UNPRIVILEGED),
	SD_BUS_VTABLE_END,
};

static struct unit *unit_of_path(const char *path)
{
	char *name = NULL;
	if (sd_bus_path_decode(path, "/org/freedesktop/systemd1/unit", &name) <= 0)
		return NULL;
	struct unit *u = unit_get(name);
	free(name);
	return u;
}

static int get_state(sd_bus *b, const char *path, const char *iface, const char *prop, sd_bus_message *reply,
		     void *userdata, sd_bus_error *err)
{
	(void)b;
	(void)iface;
	(void)prop;
	(void)userdata;
	struct unit *u = unit_of_path(path);
	if (!u)
		return sd_bus_error_set_errno(err, ENOENT);
	return sd_bus_message_append(reply, "s", u->state);
}

static int get_job(sd_bus *b, const char *path, const char *iface, const char *prop, sd_bus_message *reply,
		   void *userdata, sd_bus_error *err)
{
	(void)b;
	(void)iface;
	(void)prop;
	(void)userdata;
	struct unit *u = unit_of_path(path);
	if (!u)
		return sd_bus_error_set_errno(err, ENOENT);
	char jp[64];
	snprintf(jp, sizeof(jp), u->job ? "/org/freedesktop/systemd1/job/%u" : "/", (unsigned)u->job);
	return sd_bus_message_append(reply, "(uo)", u->job, jp);
}

static const sd_bus_vtable unit_vtable[] = {
	SD_BUS_VTABLE_START(0),
	SD_BUS_PROPERTY("ActiveState", "s", get_state, 0, SD_BUS_VTABLE_PROPERTY_EMITS_CHANGE),
	SD_BUS_PROPERTY("Job", "(uo)", get_job, 0, SD_BUS_VTABLE_PROPERTY_EMITS_CHANGE),
	SD_BUS_VTABLE_END,
};

static int find_unit(sd_bus *b, const char *path, const char *iface, void *userdata, void **found,
		     sd_bus_error *err)
{
	(void)b;
	(void)iface;
	(void)userdata;
	(void)err;
	struct unit *u = unit_of_path(path);
	if (!u)
		return 0;
	*found = u;
	return 1;
}

int main(void)
{
	int r = sd_event_default(&ev);
	if (r >= 0)
		r = sd_bus_open_system(&bus);
	if (r >= 0)
		r = sd_bus_add_object_vtable(bus, NULL, "/org/freedesktop/systemd1", "org.freedesktop.systemd1.Manager",
					     manager_vtable, NULL);
	if (r >= 0)
		r = sd_bus_add_fallback_vtable(bus, NULL, "/org/freedesktop/systemd1/unit", "org.freedesktop.systemd1.Unit",
					       unit_vtable, find_unit, NULL);
	if (r >= 0)
		r = sd_bus_request_name(bus, "org.freedesktop.systemd1", 0);
	if (r >= 0)
		r = sd_bus_attach_event(bus, ev, 0);
	if (r < 0) {
		fprintf(stderr, "fake_systemd: %s\n", strerror(-r));
		return 1;
	}
	printf("ready\n");
	fflush(stdout);
	r = sd_event_loop(ev);
	return r < 0 ? 1 : 0;
}
