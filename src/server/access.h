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

/* Describe a principal for logs ("uid 1000 gid 100", "anonymous", "ntlm alice",
 * "kerberos alice@EXAMPLE.ORG"). */
void principal_describe(const struct principal *p, char *buf, size_t len);

/*
 * The cluster ACL: "PRINCIPAL full|read|deny" lines.  Who each principal
 * matches (deny wins over any grant):
 *   uid:N           an LPC caller with uid N
 *   gid:N           an LPC caller with N as primary or supplementary group; an
 *                   NTLM or Kerberos caller whose local user (below) is in group N
 *   user:NAME       an LPC caller with NAME's uid; an NTLM caller of account NAME
 *                   (ASCII case ignored); a Kerberos caller whose local name is NAME
 *   group:NAME      as gid: with NAME's gid
 *   ntlm:NAME       an NTLM caller of account NAME only (ASCII case ignored)
 *   kerberos:P@R    a Kerberos caller authenticated as exactly P@R
 *   anonymous       an unauthenticated TCP caller
 * The local user of an NTLM caller is the Unix user of the account's name (as
 * given, else in lower case); of a Kerberos caller, its local_name.  user: and
 * group: names this host does not know are kept (an NTLM-only user:alice needs
 * no /etc/passwd entry); they match no LPC caller until they exist here (names
 * are resolved when the file is read).
 */
enum acl_subject { ACL_UID, ACL_GID, ACL_ANONYMOUS, ACL_USER, ACL_GROUP, ACL_NTLM, ACL_KERBEROS };
enum acl_level { ACL_DENY, ACL_READ, ACL_FULL };

struct acl_entry {
	enum acl_subject subject;
	uint32_t id;   /* ACL_UID, ACL_GID; ACL_USER and ACL_GROUP when resolved */
	bool resolved; /* ACL_USER, ACL_GROUP: the name exists on this host */
	enum acl_level level;
	char *name; /* ACL_USER, ACL_GROUP, ACL_NTLM, ACL_KERBEROS (malloc'd) */
};

struct acl {
	struct acl_entry *entries;
	size_t n;
	bool allow_anonymous; /* test switch: anonymous gets everything, unless an entry names it */
};

/* Longest principal text ("kerberos:" and a 255-byte principal). */
#define ACL_PRINCIPAL_MAX 300

/* Parse one principal.  bare_ok: also accept a bare NAME (user:NAME) and a
 * bare P@R (kerberos:P@R), as the API does.  -1 with a sentence in err; on
 * success e->name may be allocated (acl_entry_clear frees it). */
int acl_principal_parse(const char *text, bool bare_ok, struct acl_entry *e, char *err, size_t errlen);
void acl_entry_clear(struct acl_entry *e);
/* The canonical text of an entry's principal ("user:alice", "uid:0"). */
void acl_principal_format(const struct acl_entry *e, char *buf, size_t len);
/* Whether two entries name the same principal. */
bool acl_principal_same(const struct acl_entry *a, const struct acl_entry *b);
const char *acl_level_word(enum acl_level level);

/* Parse ACL text.  On error returns -1 and writes "LINE: message" into err. */
int acl_parse(const char *text, struct acl *out, char *err, size_t errlen);
void acl_free(struct acl *a);
/* Rights the principal has: a deny entry that matches wins over any grant. */
unsigned acl_rights(const struct acl *a, const struct principal *p);

struct backend;

/* The file form: loaded at start and re-read when it changes on disk.  Or,
 * when the backend keeps it for the cluster (store.h), the text stored there,
 * re-read whenever it changed (path is then the node's old file, adopted once). */
struct acl_file {
	char *path;
	struct acl acl;
	struct timespec mtime;
	ino_t ino;
	off_t size;
	bool allow_anonymous;
	struct backend *be; /* the cluster store, or NULL: the file */
	char *text;         /* with be: the text acl was parsed from */
};
/* Load (creating a default file when missing: root, this daemon's user and
 * admin_group get full access).  -1 with a message in err on failure. */
int acl_file_load(struct acl_file *f, const char *path, const char *admin_group, bool allow_anonymous,
		  char *err, size_t errlen);
/* The same with the backend's cluster-wide store (store_available(be)): the
 * file at path is adopted once (store_adopt), the default text is stored when
 * the cluster has none. */
int acl_file_load_store(struct acl_file *f, struct backend *be, const char *path, const char *admin_group,
			bool allow_anonymous, char *err, size_t errlen);
/* Re-read if the file changed; on a broken edit keep the old ACL and log. */
void acl_file_refresh(struct acl_file *f);
/* Re-read now, changed or not (SIGHUP): -1 with a message in err when the file
 * cannot be read or parsed, and the old ACL stays in force. */
int acl_file_reload(struct acl_file *f, char *err, size_t errlen);
void acl_file_free(struct acl_file *f);

/*
 * Changes, written durably (temporary file, fsync, rename, fsync of the
 * directory) and in effect at once.  The file is edited line by line: the
 * principal's old lines go, comments and other lines stay as they were, the
 * new line is appended.  ERROR_INVALID_PARAMETER for a bad principal (nothing
 * changes), ERROR_INTERNAL_ERROR when the file cannot be read, parsed or
 * written (nothing changes; see the log).
 */
DWORD acl_file_set(struct acl_file *f, const char *principal, enum acl_level level);
/* Remove every entry of the principal: ERROR_NOT_FOUND if it has none. */
DWORD acl_file_remove(struct acl_file *f, const char *principal);

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
