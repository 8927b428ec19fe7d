/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * clusctl's own declarations, shared by its files.  clusctl uses only the
 * public API (clusapi.h), as any program would.
 */
#ifndef CLUSCTL_CLI_H
#define CLUSCTL_CLI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "clusapi.h"

#define EXIT_FAILED 1
#define EXIT_USAGE 2

struct cli {
	const char *cluster; /* NULL: local over LPC */
	const char *user;    /* --user: NTLM account for TCP (password asked) */
	bool json;
	DWORD access;
};

/* What follows the command words: the operands and the command's options. */
struct args {
	const char *noun, *verb;
	const char *pos[18];
	int npos;
	const char *group; /* --group */
	const char *type;  /* --type */
	int level;         /* access grant: 'F' (--full) or 'R' (--read), else 0 */
};

/* ---- util.c ----------------------------------------------------------- */

/* "clusctl: WHAT: <sentence> (error N NAME)" on stderr. */
void fail(const char *what, DWORD err);
/* fail() with a printf-style WHAT. */
void failf(DWORD err, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* "bring online" for "online", "take offline" for "offline", else verb:
 * for "cannot VERB group ...". */
const char *verb_phrase(const char *verb);

/* Open the cluster --cluster names (or the local one), as --user when given;
 * NULL after saying why.  granted may be NULL. */
HCLUSTER cli_open_cluster(const struct cli *cli);
HCLUSTER cli_open_cluster_granted(const struct cli *cli, DWORD *granted);

/* Longest password clusctl reads, in bytes. */
#define CLI_PASSWORD_MAX 1024
/* One line from f without its end of line into buf; -1 at end of input or
 * when longer than cap - 1. */
int cli_read_line(FILE *f, char *buf, size_t cap);
/* The same from standard input, a terminal, with echo off after prompt. */
int cli_read_secret(const char *prompt, char *buf, size_t cap);
/* Close it; 0, or EXIT_FAILED after saying why (only if rc was 0). */
int cli_close_cluster(HCLUSTER h, int rc);

/* A UTF-16 copy of a command-line string, or NULL after a usage message. */
LPWSTR cli_wide(const char *utf8, const char *what);
/* Open a node, group or resource by name; NULL after printing why (the name
 * could not be converted, or the cluster's error). */
HNODE cli_open_node(HCLUSTER hc, const char *name);
HGROUP cli_open_group(HCLUSTER hc, const char *name);
HRESOURCE cli_open_resource(HCLUSTER hc, const char *name);

/* Strings fetched through a Windows (buffer, count) call, grown on
 * ERROR_MORE_DATA.  The getter returns the error code. */
typedef DWORD (*string_getter)(void *ctx, LPWSTR buf, LPDWORD cch);
char *get_string(string_getter fn, void *ctx, DWORD *err);

/* A growable list of UTF-8 strings. */
struct strlist {
	char **v;
	size_t n;
};
bool strlist_add(struct strlist *l, const char *s); /* copies s */
void strlist_free(struct strlist *l);
/* Joined with ", ", or "-" when empty; static buffer grown as needed. */
const char *strlist_join(const struct strlist *l);

/* The names in the enumerations (each returns the error code). */
DWORD enum_cluster(HCLUSTER h, DWORD type, struct strlist *names, struct strlist *ids);
DWORD enum_node(HNODE h, DWORD type, struct strlist *names);
DWORD enum_group(HGROUP h, DWORD type, struct strlist *names);
DWORD enum_resource(HRESOURCE h, DWORD type, struct strlist *names);

/* The object's name as the cluster spells it (matched without regard to
 * case) and its id, from the cluster enumeration; NULLs if not listed. */
void lookup_name_id(HCLUSTER h, DWORD type, const char *name, char **canonical, char **id);

/* State words. */
const char *node_state_word(int state);
const char *group_state_word(int state);
const char *resource_state_word(int state);
const char *network_state_word(int state);
const char *netinterface_state_word(int state);

/* JSON: a string with RFC 8259 escapes; members of an object. */
void json_string(const char *s);
void json_str(bool *first, const char *key, const char *val); /* NULL: null */
void json_int(bool *first, const char *key, long val);
void json_list(bool *first, const char *key, const struct strlist *l);

/* Aligned tables: add rows of ncols strings, then print. */
struct table {
	size_t ncols, nrows;
	char **cells; /* nrows * ncols copies */
};
void table_init(struct table *t, size_t ncols, const char *const *headers);
bool table_row(struct table *t, const char *const *cells);
void table_print(struct table *t);
void table_free(struct table *t);

/* A list: an aligned table for humans, a JSON array for scripts.  Each item
 * is either a table row (listing_row) or a JSON object whose fields the
 * caller prints between listing_object() and listing_object_end(). */
struct listing {
	bool json;
	size_t shown;
	struct table t;
};
void listing_begin(struct listing *l, bool json, size_t ncols, const char *const *headers);
void listing_row(struct listing *l, const char *const *cells);
void listing_object(struct listing *l);
void listing_object_end(struct listing *l);
void listing_end(struct listing *l); /* prints and frees */

/* "Key:   value" lines, the keys padded to one width. */
void kv(const char *key, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Wait (up to a minute) while is_pending(state()) holds; the last state. */
int wait_settled(int (*state)(void *ctx), bool (*is_pending)(int state), void *ctx);

/* ---- the commands (nodes.c, groups.c, resources.c, networks.c, access.c) */
int cmd_node(const struct cli *cli, const struct args *a);
int cmd_group(const struct cli *cli, const struct args *a);
int cmd_resource(const struct cli *cli, const struct args *a);
int cmd_network(const struct cli *cli, const struct args *a);
int cmd_netinterface(const struct cli *cli, const struct args *a);
/* access.c */
int cmd_account(const struct cli *cli, const struct args *a);
int cmd_access(const struct cli *cli, const struct args *a);
/* deps.c (issue 11): resource depend / undepend / owners, group owners */
int cmd_deps(const struct cli *cli, const struct args *a);
/* restypes.c: resource type list | show NAME */
int cmd_resource_type(const struct cli *cli, const struct args *a);
/* policy.c: resource|group get NAME, resource|group set NAME PROPERTY VALUE */
int cmd_properties(const struct cli *cli, const struct args *a);
/* watch.c */
int cmd_watch(const struct cli *cli, const struct args *a);

#endif /* CLUSCTL_CLI_H */
