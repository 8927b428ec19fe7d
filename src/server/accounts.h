/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * clusterd's own account database for NTLM callers: STATE_DIR/accounts, one
 * account a line, "NAME NTHASH" (the NT hash, MD4 of the UTF-16LE password, as
 * 32 hex digits; never a password).  The hash is password-equivalent for NTLM,
 * so the file is created 0600 and a group- or world-accessible file is made
 * 0600 again (with a warning) before it is used.  Every change is written to a
 * temporary file, synced, renamed over the old one and the directory synced;
 * the file is re-read whenever it changed on disk (an edit by hand is seen on
 * the next call).  Lines starting with '#' are comments; changes made through
 * clusterd rewrite the file with its own header comment.
 *
 * Names: 1 to 64 characters of UTF-8, none of them white space, a control
 * character, ':', '\\', '@' or '#'.  Lookups ignore the case of ASCII letters,
 * as Windows does for account names (other letters are compared exactly).
 *
 * Not thread-safe: clusterd uses it from its one event-loop thread.
 */
#ifndef SERVER_ACCOUNTS_H
#define SERVER_ACCOUNTS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include <time.h>

#include "base/werror.h"

#define ACCOUNT_NAME_MAX_CHARS 64
/* 64 characters of at most 4 UTF-8 bytes, and the NUL. */
#define ACCOUNT_NAME_BYTES (ACCOUNT_NAME_MAX_CHARS * 4 + 1)

struct account {
	char name[ACCOUNT_NAME_BYTES];
	uint8_t nt_hash[16];
};

struct backend;

struct accounts {
	char *path;
	/* With a backend that keeps the accounts for the cluster (store.h):
	 * the store, sealed there (secret), and the text v was parsed from. */
	struct backend *be;
	char *text;
	struct account *v;
	size_t n;
	/* What the loaded copy was read from: a change of any is a reload. */
	struct timespec mtime;
	ino_t ino;
	off_t size;
};

/* Whether name is a valid account name (see above). */
bool accounts_name_valid(const char *name);

/* Open STATE_DIR/accounts (creating an empty one when missing), fixing a
 * too-open mode.  -1 with "PATH:LINE: message" or another sentence in err. */
int accounts_open(struct accounts *a, const char *state_dir, char *err, size_t errlen);
/* The same with the backend's cluster-wide store: STATE_DIR/accounts is
 * adopted once (store_adopt), and every change is stored there, sealed.  A
 * store that cannot give them (or take the old file) is logged, and the
 * accounts stay empty until a refresh reads them. */
int accounts_open_store(struct accounts *a, struct backend *be, const char *state_dir, char *err, size_t errlen);
void accounts_close(struct accounts *a);
/* Re-read the file if it changed; a broken edit keeps the loaded copy (logged). */
void accounts_refresh(struct accounts *a);
/* Re-read now, changed or not (SIGHUP): -1 with a message in err, and the
 * loaded copy stays. */
int accounts_reload(struct accounts *a, char *err, size_t errlen);

/* Add an account or, if it exists (any case), set its hash.  Durable on
 * ERROR_SUCCESS; ERROR_INVALID_PARAMETER for a bad name; on any failure
 * nothing changes. */
DWORD accounts_set(struct accounts *a, const char *name, const uint8_t nt_hash[16]);
/* Remove an account: ERROR_NO_SUCH_USER if there is none of that name. */
DWORD accounts_remove(struct accounts *a, const char *name);
/* The account of that name (any case), or NULL; after a refresh. */
const struct account *accounts_find(struct accounts *a, const char *name);

/*
 * The NTLMSSP server's lookup (ntlmssp_lookup_fn; arg is a struct accounts):
 * 0 and the account's NT hash, or ERROR_NO_SUCH_USER.  The domain the client
 * names is ignored: the accounts belong to this cluster whatever workgroup or
 * domain a client says it is in (clients such as smbtorture send their own by
 * default); NTLMv2 still binds the proof to the domain the client sent.
 */
uint32_t accounts_ntlm_lookup(void *arg, const char *user, const char *domain, uint8_t nt_hash[16]);

#endif
