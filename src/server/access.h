/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Who is calling, what the cluster ACL lets them do, and how a requested access
 * mask maps onto that (MS-CMRP 3.1.4: the "Read" and "All" levels).
 */
#ifndef SERVER_ACCESS_H
#define SERVER_ACCESS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include <time.h>

#include "base/werror.h"

/* Internal rights (CLUSAPI_READ_ACCESS / CLUSAPI_CHANGE_ACCESS). */
#define ACCESS_READ 0x1u
#define ACCESS_CHANGE 0x2u
#define ACCESS_ALL (ACCESS_READ | ACCESS_CHANGE)

#define PRINCIPAL_MAX_GROUPS 64

enum principal_kind {
	PRINCIPAL_LOCAL,     /* LPC: identified by the kernel (uid, gid, groups) */
	PRINCIPAL_ANONYMOUS, /* unauthenticated TCP (only with --allow-anonymous) */
	PRINCIPAL_NTLM,      /* TCP, NTLMSSP: name is the account name */
	PRINCIPAL_KERBEROS,  /* TCP, Kerberos: name is user@REALM */
};

struct principal {
	enum principal_kind kind;
	/* LPC: from SO_PEERCRED/SO_PEERGROUPS. */
	uid_t uid;
	gid_t gid;
	size_t ngroups;
	gid_t groups[PRINCIPAL_MAX_GROUPS];
	/* NTLM / Kerberos: who authenticated, and (Kerberos) the local name
	 * krb5_aname_to_localname() maps the principal to, or "". */
	char name[256];
	char local_name[128];
};

/* Describe a principal for logs ("uid 1000", "anonymous"). */
void principal_describe(const struct principal *p, char *buf, size_t len);

enum acl_subject { ACL_UID, ACL_GID, ACL_ANONYMOUS };
enum acl_level { ACL_DENY, ACL_READ, ACL_FULL };

struct acl_entry {
	enum acl_subject subject;
	uint32_t id;
	enum acl_level level;
};

struct acl {
	struct acl_entry *entries;
	size_t n;
	bool allow_anonymous; /* test switch: anonymous gets everything, unless an entry names it */
};

/* Parse ACL text.  On error returns -1 and writes "LINE: message" into err. */
int acl_parse(const char *text, struct acl *out, char *err, size_t errlen);
void acl_free(struct acl *a);
/* Rights the principal has: a deny entry that matches wins over any grant. */
unsigned acl_rights(const struct acl *a, const struct principal *p);

/* The file form: loaded at start and re-read when its mtime changes. */
struct acl_file {
	char *path;
	struct acl acl;
	struct timespec mtime;
	bool allow_anonymous;
};
/* Load (creating a default file when missing: root, this daemon's user and
 * admin_group get full access).  -1 with a message in err on failure. */
int acl_file_load(struct acl_file *f, const char *path, const char *admin_group, bool allow_anonymous,
		  char *err, size_t errlen);
/* Re-read if the file changed; on a broken edit keep the old ACL and log. */
void acl_file_refresh(struct acl_file *f);
void acl_file_free(struct acl_file *f);

/*
 * Map a requested access mask onto rights (MS-CMRP 3.1.4):
 * GENERIC_READ -> Read; GENERIC_WRITE/EXECUTE/ALL -> All; CLUSAPI_READ_ACCESS and
 * CLUSAPI_CHANGE_ACCESS directly; MAXIMUM_ALLOWED -> whatever `allowed` holds.
 * 0, unknown bits, or CHANGE without READ -> ERROR_INVALID_PARAMETER; more than
 * allowed -> ERROR_ACCESS_DENIED.  On success *granted_rights is what the handle
 * carries and *granted_mask is its GENERIC_READ / GENERIC_ALL form.
 */
DWORD access_grant(uint32_t desired, unsigned allowed, unsigned *granted_rights, uint32_t *granted_mask);

#endif
