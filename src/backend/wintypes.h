/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The Windows built-in resource types and what each is on Linux, per backend
 * (doc/restypes.md has the same table for people).  Both backends list every
 * type of this table under its Windows name; a type with nothing behind it on
 * a backend is listed as not available (state BE_STATE_DOWN), and creating a
 * resource of it fails with BE_UNSUPPORTED (ERROR_CLUSTER_RESTYPE_NOT_SUPPORTED
 * for the caller); its `type` says "not available".  Native types (OCF
 * agents, systemd units) stay available under their own names besides these.
 */
#ifndef BACKEND_WINTYPES_H
#define BACKEND_WINTYPES_H

#include <stddef.h>

struct wintype {
	const char *name;     /* the Windows name, "Generic Application" */
	const char *embedded; /* what it is on the embedded backend; NULL: not available there */
	/* On Pacemaker: an agent "ocf:heartbeat:IPaddr2", or a class "systemd:"
	 * / "lsb:" whose agent is named by the private property `unit`; NULL:
	 * not available.  An OCF agent that is not installed makes the type not
	 * available too. */
	const char *pacemaker;
	const char *unit; /* for a class: the private property naming the unit or script */
};

extern const struct wintype wintypes[];
extern const size_t n_wintypes;

/* The entry of a Windows type name (case-insensitive), or NULL. */
const struct wintype *wintype_find(const char *name);

#endif
