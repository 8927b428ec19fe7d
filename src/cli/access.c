/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * clusctl account add NAME | remove NAME | list
 * clusctl access grant NAME --full|--read | block NAME | remove NAME | show
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include "cli.h"


/* The accounts are root's alone, whatever the cluster ACL says: say so. */
static void account_fail(DWORD err, const char *what)
{
	if (err == ERROR_ACCESS_DENIED)
		fprintf(stderr,
			"clusctl: %s: only root on the cluster's own host (over LPC) may manage NTLM accounts "
			"(error 5 ERROR_ACCESS_DENIED)\n",
			what);
	else
		fail(what, err);
}

/* The new password: asked twice on a terminal, one line from a pipe.  0, or an
 * exit status after saying why. */
static int get_password(const char *name, char *pw, size_t cap)
{
	if (isatty(STDIN_FILENO)) {
		char again[CLI_PASSWORD_MAX + 2], prompt[128];
		snprintf(prompt, sizeof(prompt), "New password for %s: ", name);
		if (cli_read_secret(prompt, pw, cap) < 0 || cli_read_secret("Retype the password: ", again, sizeof(again)) < 0) {
			fprintf(stderr, "clusctl: no password read\n");
			return EXIT_FAILED;
		}
		bool same = strcmp(pw, again) == 0;
		explicit_bzero(again, sizeof(again));
		if (!same) {
			fprintf(stderr, "clusctl: the passwords do not match; nothing changed\n");
			return EXIT_FAILED;
		}
	} else if (cli_read_line(stdin, pw, cap) < 0) {
		fprintf(stderr, "clusctl: no password on standard input (one line, at most %d bytes)\n", CLI_PASSWORD_MAX);
		return EXIT_FAILED;
	}
	if (!*pw) {
		fprintf(stderr, "clusctl: the password is empty; nothing changed\n");
		return EXIT_FAILED;
	}
	return 0;
}

static int account_add(HCLUSTER hc, const char *name)
{
	char pw[CLI_PASSWORD_MAX + 2];
	LPWSTR wname = cli_wide(name, "account name");
	if (!wname)
		return EXIT_USAGE;
	/* Ask for no password that would be refused anyway. */
	DWORD cch = 0, probe = ClusapiEnumAccounts(hc, NULL, &cch);
	if (probe && probe != ERROR_MORE_DATA) {
		char what[200];
		snprintf(what, sizeof(what), "cannot add account \"%s\"", name);
		account_fail(probe, what);
		free(wname);
		return EXIT_FAILED;
	}
	int rc = get_password(name, pw, sizeof(pw));
	LPWSTR wpw = NULL;
	if (!rc && !(wpw = cli_wide(pw, "password")))
		rc = EXIT_USAGE;
	explicit_bzero(pw, sizeof(pw));
	if (!rc) {
		DWORD err = ClusapiAddAccount(hc, wname, wpw);
		if (err) {
			char what[200];
			snprintf(what, sizeof(what), "cannot add account \"%s\"", name);
			account_fail(err, what);
			rc = EXIT_FAILED;
		} else {
			printf("account %s: password set\n", name);
		}
	}
	if (wpw) {
		for (volatile WCHAR *p = wpw; *p; p++)
			*p = 0;
		free(wpw);
	}
	free(wname);
	return rc;
}

static int account_remove(HCLUSTER hc, const char *name)
{
	LPWSTR w = cli_wide(name, "account name");
	if (!w)
		return EXIT_USAGE;
	DWORD err = ClusapiRemoveAccount(hc, w);
	free(w);
	if (err) {
		char what[200];
		snprintf(what, sizeof(what), "cannot remove account \"%s\"", name);
		account_fail(err, what);
		return EXIT_FAILED;
	}
	printf("account %s: removed\n", name);
	return 0;
}

static int account_list(const struct cli *cli, HCLUSTER hc)
{
	DWORD cch = 0, err;
	LPWSTR names = NULL;
	for (int tries = 0; tries < 4; tries++) {
		err = ClusapiEnumAccounts(hc, names, &cch);
		if (err != ERROR_MORE_DATA)
			break;
		free(names);
		names = malloc(cch * sizeof(WCHAR));
		if (!names) {
			err = ERROR_NOT_ENOUGH_MEMORY;
			break;
		}
	}
	if (err) {
		account_fail(err, "cannot list the accounts");
		free(names);
		return EXIT_FAILED;
	}
	static const char *const headers[] = { "NAME" };
	struct listing l;
	listing_begin(&l, cli->json, 1, headers);
	for (LPWSTR p = names; p && *p;) {
		char *name = ClusapiWideToUtf8(p);
		while (*p)
			p++;
		p++;
		if (!name)
			continue;
		if (cli->json) {
			bool first = true;
			listing_object(&l);
			json_str(&first, "name", name);
			listing_object_end(&l);
		} else {
			const char *row[] = { name };
			listing_row(&l, row);
		}
		free(name);
	}
	listing_end(&l);
	free(names);
	return 0;
}

int cmd_account(const struct cli *cli, const struct args *a)
{
	HCLUSTER hc = cli_open_cluster(cli);
	if (!hc)
		return EXIT_FAILED;
	int rc;
	if (strcmp(a->verb, "add") == 0)
		rc = account_add(hc, a->pos[0]);
	else if (strcmp(a->verb, "remove") == 0)
		rc = account_remove(hc, a->pos[0]);
	else
		rc = account_list(cli, hc);
	return cli_close_cluster(hc, rc);
}

/* ---- access ----------------------------------------------------------------------- */

static const char *access_level_word(const CLUSAPI_ACCESS_ENTRY *e)
{
	if (e->dwControlType == CLUSTER_SET_ACCESS_TYPE_DENIED || e->dwAccess == CLUSAPI_NO_ACCESS)
		return "deny";
	return e->dwAccess == CLUSAPI_READ_ACCESS ? "read" : "full";
}

static int access_show(const struct cli *cli, HCLUSTER hc)
{
	DWORD cb = 0, count = 0, err;
	void *buf = NULL;
	for (int tries = 0; tries < 4; tries++) {
		err = ClusapiGetClusterAccess(hc, buf, &cb, &count);
		if (err != ERROR_MORE_DATA)
			break;
		free(buf);
		buf = malloc(cb);
		if (!buf) {
			err = ERROR_NOT_ENOUGH_MEMORY;
			break;
		}
	}
	if (err) {
		fail("cannot read the cluster access list", err);
		free(buf);
		return EXIT_FAILED;
	}
	const CLUSAPI_ACCESS_ENTRY *e = buf;
	static const char *const headers[] = { "PRINCIPAL", "ACCESS" };
	struct listing l;
	listing_begin(&l, cli->json, 2, headers);
	for (DWORD i = 0; i < count; i++) {
		char *who = ClusapiWideToUtf8(e[i].lpszPrincipal);
		if (!who)
			continue;
		if (cli->json) {
			bool first = true;
			listing_object(&l);
			json_str(&first, "principal", who);
			json_str(&first, "access", access_level_word(&e[i]));
			listing_object_end(&l);
		} else {
			const char *row[] = { who, access_level_word(&e[i]) };
			listing_row(&l, row);
		}
		free(who);
	}
	listing_end(&l);
	free(buf);
	return 0;
}

static int access_change(HCLUSTER hc, const struct args *a)
{
	const char *name = a->pos[0];
	DWORD access = CLUSAPI_NO_ACCESS, type = CLUSTER_SET_ACCESS_TYPE_DENIED;
	const char *done = "blocked";
	if (strcmp(a->verb, "grant") == 0) {
		type = CLUSTER_SET_ACCESS_TYPE_ALLOWED;
		access = a->level == 'F' ? CLUSAPI_ALL_ACCESS : CLUSAPI_READ_ACCESS;
		done = a->level == 'F' ? "full access" : "read access";
	} else if (strcmp(a->verb, "remove") == 0) {
		type = CLUSTER_DELETE_ACCESS_CONTROL_ENTRY;
		done = "removed from the access list";
	}
	LPWSTR w = cli_wide(name, "principal");
	if (!w)
		return EXIT_USAGE;
	DWORD err = ClusterSetAccountAccess(hc, w, access, type);
	free(w);
	if (err) {
		if (err == ERROR_INVALID_PARAMETER)
			fprintf(stderr,
				"clusctl: \"%s\" is not a principal: use NAME, user:NAME, group:NAME, uid:N, gid:N, "
				"ntlm:NAME, kerberos:USER@REALM or anonymous (error 87 ERROR_INVALID_PARAMETER)\n",
				name);
		else
			failf(err, "cannot %s \"%s\"", strcmp(a->verb, "remove") == 0 ? "remove the access of" : a->verb,
			      name);
		return EXIT_FAILED;
	}
	printf("access %s: %s\n", name, done);
	return 0;
}

int cmd_access(const struct cli *cli, const struct args *a)
{
	HCLUSTER hc = cli_open_cluster(cli);
	if (!hc)
		return EXIT_FAILED;
	int rc = strcmp(a->verb, "show") == 0 ? access_show(cli, hc) : access_change(hc, a);
	return cli_close_cluster(hc, rc);
}
