/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Kerberos as a DCE/RPC security provider (auth.h, auth_gss.h) on MIT GSSAPI.
 *
 * Per-PDU protection, as Windows and Samba do it (MS-RPCE 3.3.1.5.2.2, the
 * GSS_WrapEx/GSS_GetMICEx of MS-KILE 3.4.5.4-5):
 *   privacy    gss_wrap_iov: HEADER = the auth value, DATA = stub + pad
 *              (encrypted in place); with header signing the bytes before
 *              the stub and the sec_trailer after it are SIGN_ONLY buffers.
 *   integrity  gss_get_mic over the stub + pad, or with header signing over
 *              the whole PDU up to the auth value.
 * Every received token is checked for replay and order (GSS_C_REPLAY_FLAG and
 * GSS_C_SEQUENCE_FLAG make MIT report duplicates, gaps and reordering as
 * supplementary status bits, which are not errors to GSS_ERROR()).
 */
#include <ctype.h>
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <gssapi/gssapi.h>
#include <gssapi/gssapi_ext.h>
#include <gssapi/gssapi_krb5.h>
#include <krb5/krb5.h>

#include "auth_gss.h"
#include "auth_gss_int.h"
#include "base/werror.h"

#define KRB5_FLAGS                                                                                               \
	(GSS_C_DCE_STYLE | GSS_C_MUTUAL_FLAG | GSS_C_REPLAY_FLAG | GSS_C_SEQUENCE_FLAG | GSS_C_CONF_FLAG |        \
	 GSS_C_INTEG_FLAG)
/* Supplementary status bits that mean a token is not the next one. */
#define SEQ_ERRORS (GSS_S_DUPLICATE_TOKEN | GSS_S_OLD_TOKEN | GSS_S_UNSEQ_TOKEN | GSS_S_GAP_TOKEN)

struct krb_st {
	bool client;
	bool established;
	int legs;
	gss_ctx_id_t ctx;
	gss_cred_id_t cred;         /* server: the keytab's acceptor credential (shared->cred) */
	struct shared_cred *shared; /* client: the cached initiator credential; server: the acceptor's */
	gss_name_t target;          /* client: service@host (every leg needs it) */
	char *host;                 /* client: the target host; server: the host filter or NULL */
	const char *service;        /* client: the service tried now */
	bool fallback;              /* client: may try host/<host> next */
	size_t sig_max;             /* after establishment: the largest auth value we make */
	char peer[256], local[128]; /* server: the client principal and its local name */
	char err[512];
};

static const struct rpc_auth_ops krb_ops;

/* ---- per-process credential caches ------------------------------------------
 *
 * Client: whether the default ticket cache holds a usable ticket, and the
 * initiator credential for it, are decided once and kept while nothing that
 * decides them changes: the environment (KRB5CCNAME, KRB5_CONFIG,
 * KRB5_CLIENT_KTNAME), the effective uid, and the identity and timestamps of
 * the krb5.conf files, of the ticket cache file and of the client keytab.
 * Each use stats those files (a few system calls) instead of a
 * gss_acquire_cred (a krb5 context: krb5.conf parsed, the ticket cache read);
 * kinit or kdestroy changes the ticket cache file, and the next use probes
 * again.  A positive answer also ends with the credential's lifetime.  Only
 * FILE ticket caches and keytabs are kept (others, KEYRING, KCM, DIR, have no
 * file to watch: those are probed on every use, as before).
 *
 * Server: the acceptor credential of a keytab is acquired once, not per
 * connection (it names the keytab, which MIT reads on every AP-REQ, so a
 * rotated keytab is still seen).
 *
 * A krb5 context is kept open beside each: MIT shares a parsed krb5.conf
 * between the contexts that have it open (checking its mtime at most once a
 * second), so the contexts GSSAPI makes per call stop parsing it again. */

struct shared_cred {
	gss_cred_id_t cred;
	unsigned refs; /* under cache_lock */
	/* Client: the MEMORY ticket cache cred works on, and the context that
	 * made it; they go with the last reference (destroying the cache while
	 * a context still uses cred would leave it without tickets). */
	krb5_context kctx;
	krb5_ccache mem;
};

static void shared_cred_free(struct shared_cred *c)
{
	OM_uint32 min;

	gss_release_cred(&min, &c->cred);
	if (c->mem)
		krb5_cc_destroy(c->kctx, c->mem);
	if (c->kctx)
		krb5_free_context(c->kctx);
	free(c);
}

static pthread_mutex_t cache_lock = PTHREAD_MUTEX_INITIALIZER;

static void shared_cred_put(struct shared_cred *c)
{
	bool last;

	if (!c)
		return;
	pthread_mutex_lock(&cache_lock);
	last = --c->refs == 0;
	pthread_mutex_unlock(&cache_lock);
	if (last)
		shared_cred_free(c);
}

/* Caller holds cache_lock. */
static struct shared_cred *shared_cred_new(gss_cred_id_t cred)
{
	struct shared_cred *c = malloc(sizeof(*c));
	OM_uint32 min;

	if (!c) {
		gss_release_cred(&min, &cred);
		return NULL;
	}
	c->cred = cred;
	c->refs = 1;
	c->kctx = NULL;
	c->mem = NULL;
	return c;
}

struct file_id {
	char *path;
	int err; /* stat's errno, 0 when it exists */
	dev_t dev;
	ino_t ino;
	off_t size;
	mode_t mode;
	struct timespec mtim, ctim;
};

static void file_id_take(struct file_id *f)
{
	struct stat sb;

	memset(&sb, 0, sizeof(sb));
	f->err = stat(f->path, &sb) < 0 ? errno : 0;
	f->dev = sb.st_dev;
	f->ino = sb.st_ino;
	f->size = sb.st_size;
	f->mode = sb.st_mode;
	f->mtim = sb.st_mtim;
	f->ctim = sb.st_ctim;
}

static bool file_id_same(const struct file_id *f)
{
	struct file_id now = { .path = f->path };

	file_id_take(&now);
	return now.err == f->err && now.dev == f->dev && now.ino == f->ino && now.size == f->size &&
	       now.mode == f->mode && now.mtim.tv_sec == f->mtim.tv_sec && now.mtim.tv_nsec == f->mtim.tv_nsec &&
	       now.ctim.tv_sec == f->ctim.tv_sec && now.ctim.tv_nsec == f->ctim.tv_nsec;
}

#define WATCH_MAX 16

struct client_cache {
	bool valid;
	char *env[3]; /* KRB5CCNAME, KRB5_CONFIG, KRB5_CLIENT_KTNAME as seen (NULL: unset) */
	uid_t euid;
	struct file_id files[WATCH_MAX];
	size_t nfiles;
	bool has;               /* a usable ticket */
	time_t expires;         /* has: when its lifetime ends */
	struct shared_cred *cred; /* has: the initiator credential */
	krb5_context kctx;      /* keeps krb5.conf parsed (see above) */
	/* has: the ticket cache file copied into memory (cred->mem, which cred
	 * uses), mem_count its entries; new ones (service tickets) go back to
	 * the file. */
	size_t mem_count;
	char *file;             /* "FILE:path" of the ticket cache */
	size_t cc_index;        /* its files[] entry */
};

static struct client_cache ccache_state;
static const char *const watched_env[3] = { "KRB5CCNAME", "KRB5_CONFIG", "KRB5_CLIENT_KTNAME" };

static bool str_eq_opt(const char *a, const char *b)
{
	return (!a && !b) || (a && b && strcmp(a, b) == 0);
}

/* Caller holds cache_lock. */
static void client_cache_clear(struct client_cache *c, bool keep_kctx)
{
	for (size_t i = 0; i < 3; i++) {
		free(c->env[i]);
		c->env[i] = NULL;
	}
	for (size_t i = 0; i < c->nfiles; i++)
		free(c->files[i].path);
	c->nfiles = 0;
	c->valid = false;
	c->has = false;
	if (c->cred && --c->cred->refs == 0)
		shared_cred_free(c->cred);
	c->cred = NULL;
	c->mem_count = 0;
	free(c->file);
	c->file = NULL;
	if (!keep_kctx && c->kctx) {
		krb5_free_context(c->kctx);
		c->kctx = NULL;
	}
}

/* Caller holds cache_lock: does the kept answer still hold? */
static bool client_cache_fresh(const struct client_cache *c)
{
	if (!c->valid || c->euid != geteuid())
		return false;
	for (size_t i = 0; i < 3; i++)
		if (!str_eq_opt(c->env[i], getenv(watched_env[i])))
			return false;
	if (c->has && time(NULL) >= c->expires)
		return false;
	for (size_t i = 0; i < c->nfiles; i++)
		if (!file_id_same(&c->files[i]))
			return false;
	return true;
}

/* "FILE:/path" or "/path" -> the path to watch; other types: NULL. */
static const char *file_residual(const char *name)
{
	if (!name)
		return NULL;
	if (strncmp(name, "FILE:", 5) == 0)
		return name + 5;
	if (name[0] == '/')
		return name;
	return NULL;
}

static bool watch(struct client_cache *c, const char *path)
{
	if (!path || c->nfiles == WATCH_MAX || !(c->files[c->nfiles].path = strdup(path)))
		return false;
	file_id_take(&c->files[c->nfiles++]);
	return true;
}

/* What decides the answer, stat-ed before the probe (a change during the
 * probe then shows at the next use).  false: not cacheable. */
static bool client_cache_watch(struct client_cache *c)
{
	char *files;
	char name[1024];
	krb5_keytab kt;
	bool ok = true;

	c->euid = geteuid();
	for (size_t i = 0; i < 3; i++) {
		const char *v = getenv(watched_env[i]);
		if (v && !(c->env[i] = strdup(v)))
			return false;
	}
	if (!c->kctx && krb5_init_context(&c->kctx) != 0) {
		c->kctx = NULL;
		return false;
	}
	/* krb5.conf: $KRB5_CONFIG (a list), else MIT's default (/etc/krb5.conf
	 * on Debian).  Files it includes are not watched. */
	const char *cfg = c->env[1] ? c->env[1] : "/etc/krb5.conf";
	if (!(files = strdup(cfg)))
		return false;
	char *save = NULL;
	for (char *f = strtok_r(files, ":", &save); f && ok; f = strtok_r(NULL, ":", &save))
		ok = watch(c, f);
	free(files);
	if (!ok)
		return false;
	/* The ticket cache as krb5 resolves it now (KRB5CCNAME, else krb5.conf's
	 * default_ccache_name, else the built-in default). */
	krb5_cc_set_default_name(c->kctx, NULL);
	c->cc_index = c->nfiles;
	if (!watch(c, file_residual(krb5_cc_default_name(c->kctx))))
		return false;
	/* The client keytab, from which MIT can get a ticket without kinit. */
	if (krb5_kt_client_default(c->kctx, &kt) != 0)
		return false;
	ok = krb5_kt_get_name(c->kctx, kt, name, sizeof(name)) == 0 && watch(c, file_residual(name));
	krb5_kt_close(c->kctx, kt);
	return ok;
}

/* Probe the default ticket cache: a credential and its lifetime. */
static bool client_probe(gss_cred_id_t *cred, OM_uint32 *lifetime)
{
	gss_OID_set_desc mechs = { .count = 1, .elements = gss_mech_krb5 };
	OM_uint32 maj, min;

	*cred = GSS_C_NO_CREDENTIAL;
	*lifetime = 0;
	maj = gss_acquire_cred(&min, GSS_C_NO_NAME, GSS_C_INDEFINITE, &mechs, GSS_C_INITIATE, cred, NULL, NULL);
	if (GSS_ERROR(maj))
		return false;
	maj = gss_inquire_cred(&min, *cred, NULL, lifetime, NULL, NULL);
	if (GSS_ERROR(maj) || *lifetime == 0) {
		gss_release_cred(&min, cred);
		return false;
	}
	return true;
}

static size_t ccache_count(krb5_context k, krb5_ccache cc)
{
	krb5_cc_cursor cur;
	krb5_creds cr;
	size_t n = 0;

	if (krb5_cc_start_seq_get(k, cc, &cur) != 0)
		return 0;
	while (krb5_cc_next_cred(k, cc, &cur, &cr) == 0) {
		n++;
		krb5_free_cred_contents(k, &cr);
	}
	krb5_cc_end_seq_get(k, cc, &cur);
	return n;
}

/* Caller holds cache_lock; c->files[c->cc_index] is the ticket cache file.
 * Copy it into a MEMORY cache and acquire the initiator credential from the
 * copy, so that an open finds its service ticket without reading the file
 * (three opens and a dozen lock calls each, per open).  The answer (a usable
 * ticket, its lifetime) is the copy's: one snapshot, even while kinit
 * rewrites the file.  false: no usable ticket in the copy. */
static bool client_cache_copy(struct client_cache *c, gss_cred_id_t *cred, OM_uint32 *lifetime, krb5_context *kp,
			      krb5_ccache *mem)
{
	krb5_context k = NULL;
	krb5_ccache fcc = NULL;
	krb5_principal princ = NULL;
	char *mname = NULL;
	gss_key_value_element_desc el = { .key = "ccache" };
	gss_key_value_set_desc store = { .count = 1, .elements = &el };
	gss_OID_set_desc mechs = { .count = 1, .elements = gss_mech_krb5 };
	OM_uint32 maj, min;
	bool ok = false;

	*cred = GSS_C_NO_CREDENTIAL;
	*lifetime = 0;
	*kp = NULL;
	*mem = NULL;
	if (asprintf(&c->file, "FILE:%s", c->files[c->cc_index].path) < 0) {
		c->file = NULL;
		return false;
	}
	if (c->files[c->cc_index].err || krb5_init_context(&k)) {
		k = NULL;
		goto out;
	}
	if (krb5_cc_resolve(k, c->file, &fcc) || krb5_cc_get_principal(k, fcc, &princ) ||
	    krb5_cc_new_unique(k, "MEMORY", NULL, mem))
		goto out;
	if (krb5_cc_initialize(k, *mem, princ) || krb5_cc_copy_creds(k, fcc, *mem) ||
	    krb5_cc_get_full_name(k, *mem, &mname))
		goto out;
	c->mem_count = ccache_count(k, *mem);
	el.value = mname;
	maj = gss_acquire_cred_from(&min, GSS_C_NO_NAME, GSS_C_INDEFINITE, &mechs, GSS_C_INITIATE, &store, cred,
				    NULL, NULL);
	if (GSS_ERROR(maj))
		goto out;
	maj = gss_inquire_cred(&min, *cred, NULL, lifetime, NULL, NULL);
	ok = !GSS_ERROR(maj) && *lifetime > 0;
out:
	if (k) {
		krb5_free_string(k, mname);
		if (princ)
			krb5_free_principal(k, princ);
		if (fcc)
			krb5_cc_close(k, fcc);
	}
	if (!ok) {
		gss_release_cred(&min, cred);
		*lifetime = 0;
		if (*mem)
			krb5_cc_destroy(k, *mem);
		*mem = NULL;
		if (k)
			krb5_free_context(k);
	} else {
		*kp = k;
	}
	return ok;
}

/* After an AP-REQ made with the shared credential: what the in-memory copy
 * gained (a service ticket from the KDC) goes to the ticket cache file too,
 * as MIT does when it works on the file, for the next process (and klist).
 * The file then changes, so the next open copies it again. */
static void client_cache_writeback(struct shared_cred *used)
{
	struct client_cache *c = &ccache_state;
	krb5_ccache fcc;
	krb5_cc_cursor cur;
	krb5_creds cr;

	pthread_mutex_lock(&cache_lock);
	krb5_context k = used->kctx;
	if (c->valid && c->cred == used && used->mem && ccache_count(k, used->mem) > c->mem_count &&
	    krb5_cc_resolve(k, c->file, &fcc) == 0) {
		if (krb5_cc_start_seq_get(k, used->mem, &cur) == 0) {
			size_t i = 0;
			while (krb5_cc_next_cred(k, used->mem, &cur, &cr) == 0) {
				if (i++ >= c->mem_count)
					krb5_cc_store_cred(k, fcc, &cr);
				krb5_free_cred_contents(k, &cr);
			}
			krb5_cc_end_seq_get(k, used->mem, &cur);
			c->mem_count = i;
		}
		krb5_cc_close(k, fcc);
	}
	pthread_mutex_unlock(&cache_lock);
}

/* Whether there is a usable ticket, and (want) a reference to the initiator
 * credential for it (NULL when there is none, or when it is not kept). */
static bool client_creds(struct shared_cred **want)
{
	struct client_cache *c = &ccache_state;
	gss_cred_id_t cred;
	OM_uint32 lifetime, min;
	bool has;

	if (want)
		*want = NULL;
	pthread_mutex_lock(&cache_lock);
	if (!client_cache_fresh(c)) {
		client_cache_clear(c, false);
		bool cacheable = client_cache_watch(c);
		time_t now = time(NULL);
		krb5_context mk = NULL;
		krb5_ccache mem = NULL;
		c->has = cacheable && client_cache_copy(c, &cred, &lifetime, &mk, &mem);
		if (!c->has) /* as before: GSSAPI on the cache itself (or a client keytab) */
			c->has = client_probe(&cred, &lifetime);
		/* Changed while we looked (kinit at work): answer, but ask again
		 * next time. */
		if (cacheable && !file_id_same(&c->files[c->cc_index]))
			cacheable = false;
		if (c->has && cacheable) {
			c->cred = shared_cred_new(cred); /* releases cred when it fails */
			cacheable = c->cred != NULL;
			c->has = c->cred != NULL;
			c->expires = now + (time_t)lifetime; /* GSS_C_INDEFINITE: 136 years */
			if (c->cred) {
				c->cred->kctx = mk;
				c->cred->mem = mem;
				mk = NULL;
				mem = NULL;
			}
		} else if (c->has) {
			gss_release_cred(&min, &cred);
		}
		if (mem)
			krb5_cc_destroy(mk, mem);
		if (mk)
			krb5_free_context(mk);
		has = c->has;
		if (cacheable)
			c->valid = true;
		else
			client_cache_clear(c, true);
	} else {
		has = c->has;
	}
	if (has && want && c->valid && c->cred) {
		c->cred->refs++;
		*want = c->cred;
	}
	pthread_mutex_unlock(&cache_lock);
	return has;
}

struct acceptor_cache {
	char keytab[1024];
	struct shared_cred *cred;
	krb5_context kctx;
};

static struct acceptor_cache acc_state;

/* ---- errors ---------------------------------------------------------------- */

static void append_status(char *buf, size_t len, OM_uint32 code, int type, gss_OID mech)
{
	OM_uint32 min, ctx = 0;
	gss_buffer_desc msg;

	do {
		if (GSS_ERROR(gss_display_status(&min, code, type, mech, &ctx, &msg)))
			return;
		size_t used = strlen(buf);
		snprintf(buf + used, len - used, "%s%.*s", used ? ": " : "", (int)msg.length, (char *)msg.value);
		gss_release_buffer(&min, &msg);
	} while (ctx != 0);
}

/* Keep "what: GSS major text: minor text" for rpc_auth_gss_error(). */
static void set_gss_error(struct krb_st *s, const char *what, OM_uint32 maj, OM_uint32 min)
{
	snprintf(s->err, sizeof(s->err), "%s", what);
	if (GSS_ERROR(maj))
		append_status(s->err, sizeof(s->err), maj, GSS_C_GSS_CODE, GSS_C_NO_OID);
	if (min)
		append_status(s->err, sizeof(s->err), min, GSS_C_MECH_CODE, gss_mech_krb5);
}

/* A failed leg: a malformed token is ERROR_INVALID_DATA, anything else a
 * failed logon. */
static uint32_t leg_error(OM_uint32 maj)
{
	if (GSS_ROUTINE_ERROR(maj) == GSS_S_DEFECTIVE_TOKEN)
		return ERROR_INVALID_DATA;
	return ERROR_ACCESS_DENIED;
}

/* ---- names and keytab ------------------------------------------------------ */

uint32_t rpc_auth_krb5_keytab_name(const struct rpc_auth_gss_server_config *cfg, char *buf, size_t buf_len)
{
	const char *env = getenv("KRB5_KTNAME");
	int n;

	if (cfg && cfg->keytab && *cfg->keytab)
		n = strchr(cfg->keytab, ':') ? snprintf(buf, buf_len, "%s", cfg->keytab)
					     : snprintf(buf, buf_len, "FILE:%s", cfg->keytab);
	else if (env && *env)
		n = snprintf(buf, buf_len, "%s", env);
	else if (cfg && cfg->state_dir && *cfg->state_dir)
		n = snprintf(buf, buf_len, "FILE:%s/krb5.keytab", cfg->state_dir);
	else
		return ERROR_INVALID_PARAMETER;
	if (n < 0 || (size_t)n >= buf_len)
		return ERROR_INSUFFICIENT_BUFFER;
	return 0;
}

static uint32_t acquire_acceptor(const char *keytab, gss_cred_id_t *cred, char *err, size_t err_len)
{
	gss_key_value_element_desc el = { .key = "keytab", .value = keytab };
	gss_key_value_set_desc store = { .count = 1, .elements = &el };
	gss_OID_set_desc mechs = { .count = 1, .elements = gss_mech_krb5 };
	OM_uint32 maj, min;

	maj = gss_acquire_cred_from(&min, GSS_C_NO_NAME, GSS_C_INDEFINITE, &mechs, GSS_C_ACCEPT, &store, cred, NULL,
				    NULL);
	if (GSS_ERROR(maj)) {
		snprintf(err, err_len, "Kerberos keytab %s is not usable", keytab);
		append_status(err, err_len, maj, GSS_C_GSS_CODE, GSS_C_NO_OID);
		if (min)
			append_status(err, err_len, min, GSS_C_MECH_CODE, gss_mech_krb5);
		*cred = GSS_C_NO_CREDENTIAL;
		return ERROR_NOT_SUPPORTED;
	}
	return 0;
}

/* The acceptor credential for keytab, shared (see above): a new reference. */
static uint32_t acceptor_get(const char *keytab, struct shared_cred **out, char *err, size_t err_len)
{
	struct acceptor_cache *a = &acc_state;
	gss_cred_id_t cred;
	uint32_t rc = 0;

	*out = NULL;
	pthread_mutex_lock(&cache_lock);
	if (!a->cred || strcmp(a->keytab, keytab) != 0) {
		if (strlen(keytab) >= sizeof(a->keytab)) {
			rc = ERROR_INSUFFICIENT_BUFFER;
			goto out;
		}
		rc = acquire_acceptor(keytab, &cred, err, err_len);
		if (rc)
			goto out;
		struct shared_cred *sc = shared_cred_new(cred);
		if (!sc) {
			rc = ERROR_NOT_ENOUGH_MEMORY;
			goto out;
		}
		if (a->cred && --a->cred->refs == 0) {
			OM_uint32 min;
			gss_release_cred(&min, &a->cred->cred);
			free(a->cred);
		}
		a->cred = sc;
		snprintf(a->keytab, sizeof(a->keytab), "%s", keytab);
		if (!a->kctx && krb5_init_context(&a->kctx) != 0)
			a->kctx = NULL;
	}
	a->cred->refs++;
	*out = a->cred;
out:
	pthread_mutex_unlock(&cache_lock);
	return rc;
}

uint32_t rpc_auth_krb5_server_check(const struct rpc_auth_gss_server_config *cfg, char *err, size_t err_len)
{
	char kt[1024];
	gss_cred_id_t cred;
	OM_uint32 min;
	uint32_t rc;
	struct stat sb;

	if (err_len)
		err[0] = '\0';
	rc = rpc_auth_krb5_keytab_name(cfg, kt, sizeof(kt));
	if (rc) {
		snprintf(err, err_len, "no Kerberos keytab configured: set KRB5_KTNAME or give a state directory");
		return ERROR_NOT_SUPPORTED;
	}
	if (strncmp(kt, "FILE:", 5) == 0 && stat(kt + 5, &sb) < 0) {
		snprintf(err, err_len,
			 "Kerberos keytab %s: %s; export the keys of " RPC_KRB5_SERVICE "/<host> and host/<host> "
			 "into it (kadmin: ktadd -k %s ...) or point KRB5_KTNAME at one",
			 kt + 5, strerror(errno), kt + 5);
		return ERROR_NOT_SUPPORTED;
	}
	rc = acquire_acceptor(kt, &cred, err, err_len);
	if (rc == 0)
		gss_release_cred(&min, &cred);
	return rc;
}

/* "service/host@REALM" -> true when service is ours and host is wanted
 * (want_host NULL: any).  Service and host compare without case, as Windows
 * SPNs do. */
static bool spn_allowed(const char *spn, size_t len, const char *want_host)
{
	const char *slash = memchr(spn, '/', len);
	const char *at;
	size_t svc_len, host_len;

	if (!slash)
		return false;
	svc_len = (size_t)(slash - spn);
	at = memchr(slash + 1, '@', len - svc_len - 1);
	host_len = at ? (size_t)(at - slash - 1) : len - svc_len - 1;
	if (host_len == 0 || memchr(slash + 1, '/', host_len))
		return false;
	if (!((svc_len == strlen(RPC_KRB5_SERVICE) && strncasecmp(spn, RPC_KRB5_SERVICE, svc_len) == 0) ||
	      (svc_len == 4 && strncasecmp(spn, "host", 4) == 0)))
		return false;
	return !want_host || (strlen(want_host) == host_len && strncasecmp(slash + 1, want_host, host_len) == 0);
}

/* Server, context complete: the ticket was for one of our SPNs, and who the
 * client is. */
static uint32_t server_established(struct krb_st *s, gss_name_t src)
{
	OM_uint32 maj, min;
	gss_name_t targ = GSS_C_NO_NAME;
	gss_buffer_desc b;
	uint32_t rc = ERROR_ACCESS_DENIED;

	maj = gss_inquire_context(&min, s->ctx, NULL, &targ, NULL, NULL, NULL, NULL, NULL);
	if (GSS_ERROR(maj)) {
		set_gss_error(s, "Kerberos: gss_inquire_context", maj, min);
		return ERROR_ACCESS_DENIED;
	}
	maj = gss_display_name(&min, targ, &b, NULL);
	gss_release_name(&min, &targ);
	if (GSS_ERROR(maj)) {
		set_gss_error(s, "Kerberos: the service name", maj, min);
		return ERROR_ACCESS_DENIED;
	}
	if (!spn_allowed(b.value, b.length, s->host)) {
		snprintf(s->err, sizeof(s->err), "Kerberos: ticket for %.*s, which is not " RPC_KRB5_SERVICE "/%s or host/%s",
			 (int)b.length, (char *)b.value, s->host ? s->host : "<host>", s->host ? s->host : "<host>");
		gss_release_buffer(&min, &b);
		return ERROR_ACCESS_DENIED;
	}
	gss_release_buffer(&min, &b);

	maj = gss_display_name(&min, src, &b, NULL);
	if (GSS_ERROR(maj)) {
		set_gss_error(s, "Kerberos: the client name", maj, min);
		return ERROR_ACCESS_DENIED;
	}
	if (b.length < sizeof(s->peer) && !memchr(b.value, '\0', b.length)) {
		memcpy(s->peer, b.value, b.length);
		s->peer[b.length] = '\0';
		rc = 0;
	} else {
		snprintf(s->err, sizeof(s->err), "Kerberos: client principal name too long");
	}
	gss_release_buffer(&min, &b);
	if (rc)
		return rc;

	/* The local account (auth_to_local rules); none is not an error. */
	if (!GSS_ERROR(gss_localname(&min, src, GSS_C_NO_OID, &b))) {
		if (b.length < sizeof(s->local) && !memchr(b.value, '\0', b.length)) {
			memcpy(s->local, b.value, b.length);
			s->local[b.length] = '\0';
		}
		gss_release_buffer(&min, &b);
	}
	return 0;
}

/* The auth value sizes: a wrap token (conf or not) or a MIC, whichever is
 * largest, for the sig_size() promise. */
static size_t wrap_header_len(struct krb_st *s, int conf)
{
	gss_iov_buffer_desc iov[2];
	OM_uint32 maj, min;

	memset(iov, 0, sizeof(iov));
	iov[0].type = GSS_IOV_BUFFER_TYPE_HEADER;
	iov[1].type = GSS_IOV_BUFFER_TYPE_DATA;
	iov[1].buffer.length = 16;
	maj = gss_wrap_iov_length(&min, s->ctx, conf, GSS_C_QOP_DEFAULT, NULL, iov, 2);
	return GSS_ERROR(maj) ? 0 : iov[0].buffer.length;
}

static uint32_t established(struct krb_st *s, OM_uint32 ret_flags)
{
	size_t a, b;

	if ((ret_flags & (GSS_C_CONF_FLAG | GSS_C_INTEG_FLAG)) != (GSS_C_CONF_FLAG | GSS_C_INTEG_FLAG)) {
		snprintf(s->err, sizeof(s->err), "Kerberos: the context offers no integrity or confidentiality");
		return ERROR_ACCESS_DENIED;
	}
	a = wrap_header_len(s, 1);
	b = wrap_header_len(s, 0);
	s->sig_max = a > b ? a : b;
	if (s->sig_max == 0 || s->sig_max > RPC_AUTH_MAX_TOKEN) {
		snprintf(s->err, sizeof(s->err), "Kerberos: cannot size the wrap token");
		return ERROR_ACCESS_DENIED;
	}
	s->established = true;
	return 0;
}

/* ---- legs ------------------------------------------------------------------- */

static uint32_t copy_token(gss_buffer_desc *t, uint8_t **out, size_t *out_len)
{
	OM_uint32 min;

	if (t->length == 0) {
		gss_release_buffer(&min, t);
		return 0;
	}
	if (t->length > RPC_AUTH_MAX_TOKEN) {
		gss_release_buffer(&min, t);
		return ERROR_INVALID_DATA;
	}
	*out = malloc(t->length);
	if (!*out) {
		gss_release_buffer(&min, t);
		return ERROR_NOT_ENOUGH_MEMORY;
	}
	memcpy(*out, t->value, t->length);
	*out_len = t->length;
	gss_release_buffer(&min, t);
	return 0;
}

static OM_uint32 client_init(struct krb_st *s, const uint8_t *in, size_t in_len, gss_buffer_desc *tok,
			     OM_uint32 *min, OM_uint32 *ret_flags)
{
	gss_buffer_desc in_tok = { .length = in_len, .value = (void *)in };
	OM_uint32 maj, min2;

	if (s->legs == 0) {
		char name[600];
		gss_buffer_desc nb;
		snprintf(name, sizeof(name), "%s@%s", s->service, s->host);
		nb.value = name;
		nb.length = strlen(name);
		if (s->target != GSS_C_NO_NAME)
			gss_release_name(&min2, &s->target);
		maj = gss_import_name(min, &nb, GSS_C_NT_HOSTBASED_SERVICE, &s->target);
		if (GSS_ERROR(maj))
			return maj;
	}
	if (s->legs == 0 && !s->shared)
		client_creds(&s->shared);
	maj = gss_init_sec_context(min, s->shared ? s->shared->cred : GSS_C_NO_CREDENTIAL, &s->ctx, s->target,
				   gss_mech_krb5, KRB5_FLAGS, 0, GSS_C_NO_CHANNEL_BINDINGS,
				   in_len ? &in_tok : GSS_C_NO_BUFFER, NULL, tok, ret_flags, NULL);
	if (s->legs == 0 && s->shared && !GSS_ERROR(maj))
		client_cache_writeback(s->shared);
	return maj;
}

static uint32_t client_step(struct krb_st *s, const uint8_t *in, size_t in_len, uint8_t **out, size_t *out_len)
{
	gss_buffer_desc tok = GSS_C_EMPTY_BUFFER;
	OM_uint32 maj, min, min2, ret_flags = 0;
	uint32_t rc;

	if (s->legs > 1 || (s->legs == 0) != (in_len == 0))
		return s->legs > 1 ? ERROR_INVALID_FUNCTION : ERROR_INVALID_DATA;
	maj = client_init(s, in, in_len, &tok, &min, &ret_flags);
	if (GSS_ERROR(maj) && s->legs == 0 && s->fallback && (krb5_error_code)min == KRB5KDC_ERR_S_PRINCIPAL_UNKNOWN) {
		/* The KDC knows no MSServerClusterMgmtAPI/<host>: try host/<host>. */
		gss_release_buffer(&min2, &tok);
		gss_delete_sec_context(&min2, &s->ctx, GSS_C_NO_BUFFER);
		s->service = "host";
		s->fallback = false;
		maj = client_init(s, in, in_len, &tok, &min, &ret_flags);
	}
	if (GSS_ERROR(maj)) {
		char what[700];
		snprintf(what, sizeof(what), "Kerberos: no ticket for %s/%s", s->service, s->host);
		set_gss_error(s, s->legs == 0 ? what : "Kerberos: the server's reply", maj, min);
		gss_release_buffer(&min2, &tok);
		s->legs = 2;
		return leg_error(maj);
	}
	s->legs++;
	rc = copy_token(&tok, out, out_len);
	if (rc)
		return rc;
	if (maj == GSS_S_CONTINUE_NEEDED) {
		if (s->legs > 1) {
			snprintf(s->err, sizeof(s->err), "Kerberos: the server wants more than three legs");
			return ERROR_ACCESS_DENIED;
		}
		return RPC_AUTH_CONTINUE;
	}
	if (!(ret_flags & GSS_C_MUTUAL_FLAG)) {
		snprintf(s->err, sizeof(s->err), "Kerberos: the server did not authenticate itself");
		return ERROR_ACCESS_DENIED;
	}
	return established(s, ret_flags);
}

static uint32_t server_step(struct krb_st *s, const uint8_t *in, size_t in_len, uint8_t **out, size_t *out_len)
{
	gss_buffer_desc in_tok = { .length = in_len, .value = (void *)in };
	gss_buffer_desc tok = GSS_C_EMPTY_BUFFER;
	gss_name_t src = GSS_C_NO_NAME;
	OM_uint32 maj, min, min2, ret_flags = 0;
	uint32_t rc;

	if (s->legs > 1 || s->established)
		return ERROR_INVALID_FUNCTION;
	if (in_len == 0)
		return ERROR_INVALID_DATA;
	maj = gss_accept_sec_context(&min, &s->ctx, s->cred, &in_tok, GSS_C_NO_CHANNEL_BINDINGS, &src, NULL, &tok,
				     &ret_flags, NULL, NULL);
	if (GSS_ERROR(maj)) {
		set_gss_error(s, s->legs == 0 ? "Kerberos: the client's AP-REQ" : "Kerberos: the client's AP-REP", maj,
			      min);
		gss_release_buffer(&min2, &tok);
		gss_release_name(&min2, &src);
		s->legs = 2;
		return leg_error(maj);
	}
	s->legs++;
	rc = copy_token(&tok, out, out_len);
	if (rc == 0 && maj == GSS_S_COMPLETE) {
		rc = server_established(s, src);
		if (rc == 0)
			rc = established(s, ret_flags);
	} else if (rc == 0) {
		rc = s->legs > 1 ? ERROR_ACCESS_DENIED : RPC_AUTH_CONTINUE;
	}
	gss_release_name(&min2, &src);
	return rc;
}

static uint32_t krb_step(void *p, const uint8_t *in, size_t in_len, uint8_t **out, size_t *out_len)
{
	struct krb_st *s = p;

	*out = NULL;
	*out_len = 0;
	s->err[0] = '\0';
	if (in_len > RPC_AUTH_MAX_TOKEN)
		return ERROR_INVALID_DATA;
	uint32_t rc = s->client ? client_step(s, in, in_len, out, out_len) : server_step(s, in, in_len, out, out_len);
	if (rc && rc != RPC_AUTH_CONTINUE) {
		/* nothing to send after a failure */
		free(*out);
		*out = NULL;
		*out_len = 0;
		s->legs = 2;
	}
	return rc;
}

/* ---- protection ------------------------------------------------------------- */

static size_t krb_sig_size(void *p, size_t data_len)
{
	struct krb_st *s = p;
	(void)data_len;
	return s->sig_max;
}

/* iov: HEADER (the auth value), [SIGN_ONLY header part], DATA, [SIGN_ONLY
 * sec_trailer].  Returns how many entries are used. */
static int make_iov(gss_iov_buffer_desc iov[4], uint8_t *pdu, size_t pdu_len, size_t data_off, size_t data_len,
		    bool hdr_sign, uint8_t *sig, size_t sig_len)
{
	int n = 0;

	memset(iov, 0, 4 * sizeof(*iov));
	iov[n].type = GSS_IOV_BUFFER_TYPE_HEADER;
	iov[n].buffer.value = sig;
	iov[n++].buffer.length = sig_len;
	if (hdr_sign) {
		iov[n].type = GSS_IOV_BUFFER_TYPE_SIGN_ONLY;
		iov[n].buffer.value = pdu;
		iov[n++].buffer.length = data_off;
	}
	iov[n].type = GSS_IOV_BUFFER_TYPE_DATA;
	iov[n].buffer.value = pdu + data_off;
	iov[n++].buffer.length = data_len;
	if (hdr_sign) {
		iov[n].type = GSS_IOV_BUFFER_TYPE_SIGN_ONLY;
		iov[n].buffer.value = pdu + data_off + data_len;
		iov[n++].buffer.length = pdu_len - data_off - data_len;
	}
	return n;
}

static bool layout_ok(size_t pdu_len, size_t data_off, size_t data_len)
{
	return data_off <= pdu_len && data_len <= pdu_len - data_off;
}

static uint32_t krb_seal(void *p, uint8_t *pdu, size_t pdu_len, size_t data_off, size_t data_len, bool hdr_sign,
			 uint8_t *sig, size_t *sig_len)
{
	struct krb_st *s = p;
	gss_iov_buffer_desc iov[4];
	OM_uint32 maj, min;
	int conf = 0;

	*sig_len = 0;
	if (!s->established)
		return ERROR_INVALID_FUNCTION;
	if (!layout_ok(pdu_len, data_off, data_len))
		return ERROR_INVALID_PARAMETER;
	int n = make_iov(iov, pdu, pdu_len, data_off, data_len, hdr_sign, sig, 0);
	maj = gss_wrap_iov_length(&min, s->ctx, 1, GSS_C_QOP_DEFAULT, NULL, iov, n);
	if (GSS_ERROR(maj) || iov[0].buffer.length > s->sig_max) {
		set_gss_error(s, "Kerberos: gss_wrap_iov_length", maj, min);
		return ERROR_INTERNAL_ERROR;
	}
	iov[0].buffer.value = sig; /* the length call may have cleared it */
	maj = gss_wrap_iov(&min, s->ctx, 1, GSS_C_QOP_DEFAULT, &conf, iov, n);
	if (GSS_ERROR(maj) || !conf) {
		set_gss_error(s, "Kerberos: gss_wrap_iov", maj, min);
		return ERROR_INTERNAL_ERROR;
	}
	*sig_len = iov[0].buffer.length;
	return 0;
}

static uint32_t krb_unseal(void *p, uint8_t *pdu, size_t pdu_len, size_t data_off, size_t data_len, bool hdr_sign,
			   const uint8_t *sig, size_t sig_len)
{
	struct krb_st *s = p;
	gss_iov_buffer_desc iov[4];
	OM_uint32 maj, min;
	int conf = 0;
	gss_qop_t qop;

	if (!s->established)
		return ERROR_INVALID_FUNCTION;
	if (!layout_ok(pdu_len, data_off, data_len) || sig_len == 0 || sig_len > RPC_AUTH_MAX_TOKEN)
		return ERROR_ACCESS_DENIED;
	/* MIT may rotate the header buffer in place: give it a copy. */
	uint8_t *copy = malloc(sig_len);
	if (!copy)
		return ERROR_NOT_ENOUGH_MEMORY;
	memcpy(copy, sig, sig_len);
	int n = make_iov(iov, pdu, pdu_len, data_off, data_len, hdr_sign, copy, sig_len);
	maj = gss_unwrap_iov(&min, s->ctx, &conf, &qop, iov, n);
	free(copy);
	if (GSS_ERROR(maj) || (maj & SEQ_ERRORS) || !conf) {
		set_gss_error(s, (maj & SEQ_ERRORS) ? "Kerberos: replayed or out-of-order PDU" : "Kerberos: gss_unwrap_iov",
			      maj, min);
		return ERROR_ACCESS_DENIED;
	}
	return 0;
}

/* What gss_get_mic covers: the whole PDU with header signing, else the stub. */
static void mic_range(const uint8_t *pdu, size_t pdu_len, size_t data_off, size_t data_len, bool hdr_sign,
		      gss_buffer_desc *msg)
{
	msg->value = (void *)(hdr_sign ? pdu : pdu + data_off);
	msg->length = hdr_sign ? pdu_len : data_len;
}

static uint32_t krb_sign(void *p, const uint8_t *pdu, size_t pdu_len, size_t data_off, size_t data_len,
			 bool hdr_sign, uint8_t *sig, size_t *sig_len)
{
	struct krb_st *s = p;
	gss_buffer_desc msg, mic = GSS_C_EMPTY_BUFFER;
	OM_uint32 maj, min;

	*sig_len = 0;
	if (!s->established)
		return ERROR_INVALID_FUNCTION;
	if (!layout_ok(pdu_len, data_off, data_len))
		return ERROR_INVALID_PARAMETER;
	mic_range(pdu, pdu_len, data_off, data_len, hdr_sign, &msg);
	maj = gss_get_mic(&min, s->ctx, GSS_C_QOP_DEFAULT, &msg, &mic);
	if (GSS_ERROR(maj) || mic.length > s->sig_max) {
		set_gss_error(s, "Kerberos: gss_get_mic", maj, min);
		gss_release_buffer(&min, &mic);
		return ERROR_INTERNAL_ERROR;
	}
	memcpy(sig, mic.value, mic.length);
	*sig_len = mic.length;
	gss_release_buffer(&min, &mic);
	return 0;
}

static uint32_t verify_mic(struct krb_st *s, gss_buffer_desc *msg, const uint8_t *sig, size_t sig_len)
{
	gss_buffer_desc mic = { .length = sig_len, .value = (void *)sig };
	OM_uint32 maj, min;
	gss_qop_t qop;

	if (sig_len == 0 || sig_len > RPC_AUTH_MAX_TOKEN)
		return ERROR_ACCESS_DENIED;
	maj = gss_verify_mic(&min, s->ctx, msg, &mic, &qop);
	if (GSS_ERROR(maj) || (maj & SEQ_ERRORS)) {
		set_gss_error(s, (maj & SEQ_ERRORS) ? "Kerberos: replayed or out-of-order PDU" : "Kerberos: gss_verify_mic",
			      maj, min);
		return ERROR_ACCESS_DENIED;
	}
	return 0;
}

static uint32_t krb_verify(void *p, const uint8_t *pdu, size_t pdu_len, size_t data_off, size_t data_len,
			   bool hdr_sign, const uint8_t *sig, size_t sig_len)
{
	struct krb_st *s = p;
	gss_buffer_desc msg;

	if (!s->established)
		return ERROR_INVALID_FUNCTION;
	if (!layout_ok(pdu_len, data_off, data_len))
		return ERROR_ACCESS_DENIED;
	mic_range(pdu, pdu_len, data_off, data_len, hdr_sign, &msg);
	return verify_mic(s, &msg, sig, sig_len);
}

static uint32_t krb_peer(void *p, struct rpc_auth_peer *out)
{
	struct krb_st *s = p;

	memset(out, 0, sizeof(*out));
	if (s->client || !s->established)
		return ERROR_INVALID_FUNCTION;
	out->auth_type = RPC_AUTHN_GSS_KERBEROS;
	snprintf(out->name, sizeof(out->name), "%s", s->peer);
	snprintf(out->local_name, sizeof(out->local_name), "%s", s->local);
	return 0;
}

static void krb_free(void *p)
{
	struct krb_st *s = p;
	OM_uint32 min;

	if (s->ctx != GSS_C_NO_CONTEXT)
		gss_delete_sec_context(&min, &s->ctx, GSS_C_NO_BUFFER);
	shared_cred_put(s->shared);
	if (s->target != GSS_C_NO_NAME)
		gss_release_name(&min, &s->target);
	free(s->host);
	free(s);
}

static const struct rpc_auth_ops krb_ops = {
	.auth_type = RPC_AUTHN_GSS_KERBEROS,
	.name = "Kerberos",
	.step = krb_step,
	.sig_size = krb_sig_size,
	.sign = krb_sign,
	.seal = krb_seal,
	.verify = krb_verify,
	.unseal = krb_unseal,
	.peer = krb_peer,
	.free = krb_free,
};

/* ---- constructors ----------------------------------------------------------- */

uint32_t rpc_auth_krb5_server(const struct rpc_auth_gss_server_config *cfg, struct rpc_auth *out)
{
	char kt[1024];
	struct krb_st *s;
	uint32_t rc;

	out->ops = NULL;
	out->st = NULL;
	if (rpc_auth_krb5_keytab_name(cfg, kt, sizeof(kt)))
		return ERROR_NOT_SUPPORTED;
	s = calloc(1, sizeof(*s));
	if (!s)
		return ERROR_NOT_ENOUGH_MEMORY;
	s->ctx = GSS_C_NO_CONTEXT;
	s->target = GSS_C_NO_NAME;
	if (cfg && cfg->host && !(s->host = strdup(cfg->host))) {
		free(s);
		return ERROR_NOT_ENOUGH_MEMORY;
	}
	rc = acceptor_get(kt, &s->shared, s->err, sizeof(s->err));
	if (rc) {
		krb_free(s);
		return rc;
	}
	s->cred = s->shared->cred;
	out->ops = &krb_ops;
	out->st = s;
	return 0;
}

static bool host_ok(const char *host)
{
	size_t n = host ? strlen(host) : 0;

	if (n == 0 || n > 255)
		return false;
	for (size_t i = 0; i < n; i++)
		if (!isalnum((unsigned char)host[i]) && host[i] != '.' && host[i] != '-' && host[i] != '_' &&
		    host[i] != ':')
			return false;
	return true;
}

static uint32_t client_new(const char *service, bool fallback, const char *host, struct rpc_auth *out)
{
	struct krb_st *s;

	out->ops = NULL;
	out->st = NULL;
	if (!host_ok(host) || !service || !*service || strlen(service) > 64 || strchr(service, '@'))
		return ERROR_INVALID_PARAMETER;
	s = calloc(1, sizeof(*s));
	if (!s)
		return ERROR_NOT_ENOUGH_MEMORY;
	s->client = true;
	s->ctx = GSS_C_NO_CONTEXT;
	s->cred = GSS_C_NO_CREDENTIAL;
	s->target = GSS_C_NO_NAME;
	s->service = service;
	s->fallback = fallback;
	s->host = strdup(host);
	if (!s->host) {
		free(s);
		return ERROR_NOT_ENOUGH_MEMORY;
	}
	out->ops = &krb_ops;
	out->st = s;
	return 0;
}

uint32_t rpc_auth_krb5_client(const char *host, struct rpc_auth *out)
{
	return client_new(RPC_KRB5_SERVICE, true, host, out);
}

uint32_t rpc_auth_krb5_client_service(const char *service, const char *host, struct rpc_auth *out)
{
	/* s->service must outlive the call: only our two names are kept by
	 * pointer, anything else is refused. */
	if (service && strcmp(service, RPC_KRB5_SERVICE) == 0)
		return client_new(RPC_KRB5_SERVICE, false, host, out);
	if (service && strcmp(service, "host") == 0)
		return client_new("host", false, host, out);
	return ERROR_INVALID_PARAMETER;
}

bool rpc_auth_krb5_client_has_creds(void)
{
	return client_creds(NULL);
}

/* ---- for SPNEGO --------------------------------------------------------------- */

bool krb5_auth_is(const struct rpc_auth *a)
{
	return a && a->ops == &krb_ops;
}

uint32_t krb5_auth_get_mic(const struct rpc_auth *a, const uint8_t *msg, size_t len, uint8_t **mic, size_t *mic_len)
{
	struct krb_st *s = a->st;
	gss_buffer_desc m = { .length = len, .value = (void *)msg }, t = GSS_C_EMPTY_BUFFER;
	OM_uint32 maj, min;

	*mic = NULL;
	*mic_len = 0;
	if (!krb5_auth_is(a) || !s->established)
		return ERROR_INVALID_FUNCTION;
	maj = gss_get_mic(&min, s->ctx, GSS_C_QOP_DEFAULT, &m, &t);
	if (GSS_ERROR(maj)) {
		set_gss_error(s, "Kerberos: gss_get_mic", maj, min);
		return ERROR_INTERNAL_ERROR;
	}
	return copy_token(&t, mic, mic_len);
}

uint32_t krb5_auth_verify_mic(const struct rpc_auth *a, const uint8_t *msg, size_t len, const uint8_t *mic,
			      size_t mic_len)
{
	struct krb_st *s = a->st;
	gss_buffer_desc m = { .length = len, .value = (void *)msg };

	if (!krb5_auth_is(a) || !s->established)
		return ERROR_INVALID_FUNCTION;
	return verify_mic(s, &m, mic, mic_len);
}

const char *krb5_auth_error(const struct rpc_auth *a)
{
	if (!krb5_auth_is(a))
		return "";
	return ((const struct krb_st *)a->st)->err;
}
