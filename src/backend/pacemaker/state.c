/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The state clusterd keeps in the CIB for the whole cluster (issue 10): the
 * access list and the NTLM accounts the server stores through state_get /
 * state_put, and the registry keys that do not map onto Pacemaker's objects
 * (registry.c decides which; this file stores them).  All of it lives in
 * crm_config, in cluster_property_sets of our own (doc/pacemaker.md says why
 * there):
 *
 *   clusapi-acl       one nvpair an ACL entry: name "clusapi-acl:PRINCIPAL",
 *                     value its level
 *   clusapi-accounts  one nvpair an account: name "clusapi-account:" + a hash
 *                     of the name, value the line "NAME NTHASH", sealed
 *   clusapi-registry  one nvpair a key: name "clusapi-reg:" + the key's path,
 *                     value its values, "NAME:TYPE:DATA" separated by spaces
 *                     (NAME and DATA in base64)
 *
 * Sealing: a secret text is encrypted with ChaCha20-Poly1305 (nettle) under a
 * key derived by HKDF-SHA256 from corosync's authkey (totem.keyfile, else
 * /etc/corosync/authkey: the same on every node and readable by root only),
 * with a random 96-bit nonce and the nvpair's name as associated data, and
 * stored as "clusapi-sealed:1:" + base64(nonce | ciphertext | tag).  A member
 * of haclient can read the CIB, not the authkey, so not the NT hashes.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <unistd.h>

#include <glib.h>
#include <libxml/tree.h>

#include <crm/cib.h>
#include <crm/common/xml.h>
#include <crm/msg_xml.h>

#include <corosync/cmap.h>

#include <nettle/base64.h>
#include <nettle/chacha-poly1305.h>
#include <nettle/hkdf.h>
#include <nettle/hmac.h>
#include <nettle/sha2.h>

#include "backend/backend.h"
#include "base/log.h"
#include "pcmk.h"

#define REG_SET "clusapi-registry"
#define REG_PREFIX "clusapi-reg:"
#define SEAL_PREFIX "clusapi-sealed:1:"
#define AUTHKEY_DEFAULT "/etc/corosync/authkey"
#define AUTHKEY_MAX 4096

struct pcmk_state {
	bool have_key;
	uint8_t key[CHACHA_POLY1305_KEY_SIZE];
	char keyfile[512];
	char *base[2]; /* per state kind: the text state_get gave last */
};

/* ---- the sealing key ------------------------------------------------------------- */

struct pcmk_state *state_open(void)
{
	struct pcmk_state *s = calloc(1, sizeof(*s));
	if (!s)
		return NULL;
	cmap_handle_t h;
	char *path = NULL;
	if (cmap_initialize(&h) == CS_OK) {
		if (cmap_get_string(h, "totem.keyfile", &path) != CS_OK)
			path = NULL;
		cmap_finalize(h);
	}
	snprintf(s->keyfile, sizeof(s->keyfile), "%s", path && *path ? path : AUTHKEY_DEFAULT);
	free(path);

	uint8_t ikm[AUTHKEY_MAX];
	ssize_t n = -1;
	int fd = open(s->keyfile, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	if (fd >= 0) {
		n = read(fd, ikm, sizeof(ikm));
		close(fd);
	}
	if (n < 16) {
		log_warn("pacemaker: cannot read corosync's authkey %s (%s): NTLM accounts cannot be sealed, so they "
			 "cannot be stored in the CIB (create it with corosync-keygen on one node and copy it to "
			 "every node)",
			 s->keyfile, n < 0 ? strerror(errno) : "too short");
		explicit_bzero(ikm, sizeof(ikm));
		return s;
	}
	static const char salt[] = "libclusapi CIB state";
	static const char info[] = "clusapi-sealed:1 chacha20-poly1305";
	struct hmac_sha256_ctx mac;
	uint8_t prk[SHA256_DIGEST_SIZE];
	hmac_sha256_set_key(&mac, sizeof(salt) - 1, (const uint8_t *)salt);
	hkdf_extract(&mac, (nettle_hash_update_func *)hmac_sha256_update,
		     (nettle_hash_digest_func *)hmac_sha256_digest, SHA256_DIGEST_SIZE, (size_t)n, ikm, prk);
	hmac_sha256_set_key(&mac, sizeof(prk), prk);
	hkdf_expand(&mac, (nettle_hash_update_func *)hmac_sha256_update, (nettle_hash_digest_func *)hmac_sha256_digest,
		    SHA256_DIGEST_SIZE, sizeof(info) - 1, (const uint8_t *)info, sizeof(s->key), s->key);
	explicit_bzero(ikm, sizeof(ikm));
	explicit_bzero(prk, sizeof(prk));
	explicit_bzero(&mac, sizeof(mac));
	s->have_key = true;
	log_info("pacemaker: secrets in the CIB are sealed with a key derived from %s", s->keyfile);
	return s;
}

void state_free(struct pcmk_state *s)
{
	if (!s)
		return;
	for (size_t i = 0; i < 2; i++) {
		if (s->base[i])
			explicit_bzero(s->base[i], strlen(s->base[i]));
		free(s->base[i]);
	}
	explicit_bzero(s, sizeof(*s));
	free(s);
}

static char *b64_encode(const uint8_t *data, size_t len)
{
	char *out = malloc(BASE64_ENCODE_RAW_LENGTH(len) + 1);
	if (!out)
		return NULL;
	base64_encode_raw(out, len, data);
	out[BASE64_ENCODE_RAW_LENGTH(len)] = 0;
	return out;
}

/* NULL when not base64 (or out of memory). */
static uint8_t *b64_decode(const char *text, size_t tlen, size_t *len)
{
	struct base64_decode_ctx ctx;
	uint8_t *out = malloc(BASE64_DECODE_LENGTH(tlen) + 1);
	size_t n = BASE64_DECODE_LENGTH(tlen) + 1;
	if (!out)
		return NULL;
	base64_decode_init(&ctx);
	if (!base64_decode_update(&ctx, &n, out, tlen, text) || !base64_decode_final(&ctx)) {
		free(out);
		return NULL;
	}
	*len = n;
	return out;
}

static char *seal(struct pcmk_state *s, const char *aad, const char *text)
{
	size_t tlen = strlen(text);
	size_t blen = CHACHA_POLY1305_NONCE_SIZE + tlen + CHACHA_POLY1305_DIGEST_SIZE;
	uint8_t *buf = malloc(blen);
	if (!buf)
		return NULL;
	if (getrandom(buf, CHACHA_POLY1305_NONCE_SIZE, 0) != CHACHA_POLY1305_NONCE_SIZE) {
		free(buf);
		return NULL;
	}
	struct chacha_poly1305_ctx ctx;
	chacha_poly1305_set_key(&ctx, s->key);
	chacha_poly1305_set_nonce(&ctx, buf);
	chacha_poly1305_update(&ctx, strlen(aad), (const uint8_t *)aad);
	chacha_poly1305_encrypt(&ctx, tlen, buf + CHACHA_POLY1305_NONCE_SIZE, (const uint8_t *)text);
	chacha_poly1305_digest(&ctx, CHACHA_POLY1305_DIGEST_SIZE, buf + CHACHA_POLY1305_NONCE_SIZE + tlen);
	explicit_bzero(&ctx, sizeof(ctx));
	char *b = b64_encode(buf, blen);
	free(buf);
	char *out = b ? malloc(strlen(SEAL_PREFIX) + strlen(b) + 1) : NULL;
	if (out)
		sprintf(out, "%s%s", SEAL_PREFIX, b);
	free(b);
	return out;
}

/* The text, or NULL (forged, damaged, another cluster's key). */
static char *unseal(struct pcmk_state *s, const char *aad, const char *stored)
{
	size_t blen;
	const char *b = stored + strlen(SEAL_PREFIX);
	uint8_t *buf = b64_decode(b, strlen(b), &blen);
	if (!buf)
		return NULL;
	if (blen < CHACHA_POLY1305_NONCE_SIZE + CHACHA_POLY1305_DIGEST_SIZE) {
		free(buf);
		return NULL;
	}
	size_t tlen = blen - CHACHA_POLY1305_NONCE_SIZE - CHACHA_POLY1305_DIGEST_SIZE;
	char *text = malloc(tlen + 1);
	uint8_t tag[CHACHA_POLY1305_DIGEST_SIZE];
	struct chacha_poly1305_ctx ctx;
	if (!text) {
		free(buf);
		return NULL;
	}
	chacha_poly1305_set_key(&ctx, s->key);
	chacha_poly1305_set_nonce(&ctx, buf);
	chacha_poly1305_update(&ctx, strlen(aad), (const uint8_t *)aad);
	chacha_poly1305_decrypt(&ctx, tlen, (uint8_t *)text, buf + CHACHA_POLY1305_NONCE_SIZE);
	chacha_poly1305_digest(&ctx, sizeof(tag), tag);
	explicit_bzero(&ctx, sizeof(ctx));
	bool ok = memcmp(tag, buf + CHACHA_POLY1305_NONCE_SIZE + tlen, sizeof(tag)) == 0 &&
		  !memchr(text, 0, tlen);
	free(buf);
	text[tlen] = 0;
	if (!ok) {
		explicit_bzero(text, tlen);
		free(text);
		return NULL;
	}
	return text;
}

/* ---- our sets in crm_config --------------------------------------------------- */

static xmlNode *crm_config(xmlNode *cib)
{
	return child_named(child_named(cib, XML_CIB_TAG_CONFIGURATION), XML_CIB_TAG_CRMCONFIG);
}

static xmlNode *our_set(xmlNode *cib, const char *id)
{
	for (xmlNode *c = crm_config(cib) ? crm_config(cib)->children : NULL; c; c = c->next)
		if (xml_is(c, XML_CIB_TAG_PROPSET) && strcmp(crm_element_value(c, XML_ATTR_ID) ?: "", id) == 0)
			return c;
	return NULL;
}

/* Write nvpairs (name, value) into our set `set_id` in one CIB modify
 * (created when missing); ids[i] are their ids. */
static int write_nvpairs(struct pcmk *p, const char *set_id, const char *const *ids, const char *const *names,
			 const char *const *values, size_t n)
{
	xmlNode *f = create_xml_node(NULL, XML_CIB_TAG_PROPSET);
	crm_xml_add(f, XML_ATTR_ID, set_id);
	for (size_t i = 0; i < n; i++) {
		xmlNode *nv = create_xml_node(f, XML_CIB_TAG_NVPAIR);
		crm_xml_add(nv, XML_ATTR_ID, ids[i]);
		crm_xml_add(nv, XML_NVPAIR_ATTR_NAME, names[i]);
		crm_xml_add(nv, XML_NVPAIR_ATTR_VALUE, values[i]);
	}
	return after_write(p, cib_modify(p, XML_CIB_TAG_CRMCONFIG, f, cib_can_create));
}

/* The view as fresh as it can be without waiting: a notification already
 * seen is read now when the partition is quorate; else the last one read. */
static void freshen(struct pcmk *p)
{
	if ((p->dirty || !p->view.cib) && corosync_quorate(p->quorum))
		refresh(p);
}

/* ---- the ACL and the accounts (backend ops state_get / state_put) --------------
 *
 * The server hands over whole texts, one entry a line ("PRINCIPAL LEVEL",
 * "NAME NTHASH"); each entry is one nvpair of the kind's own set, so that a
 * change is a change of the entries it touched: state_put applies what the
 * server changed in the text it last got from state_get (entries removed,
 * added, changed), not the whole text, and two changes of different entries
 * made through two nodes at the same moment both stay.
 *
 *   ACL       set clusapi-acl, nvpair name "clusapi-acl:PRINCIPAL", value LEVEL
 *   accounts  set clusapi-accounts, nvpair name "clusapi-account:" + a hash of
 *             the lower-case account name, value the sealed line (the name is
 *             hidden too) */

struct state_kind {
	const char *name, *set, *prefix;
	bool secret; /* sealed, and keys compare ignoring ASCII case */
};

static const struct state_kind state_kinds[] = {
	{ "acl", "clusapi-acl", "clusapi-acl:", false },
	{ "accounts", "clusapi-accounts", "clusapi-account:", true },
};

static const struct state_kind *state_kind(const char *name)
{
	for (size_t i = 0; i < sizeof(state_kinds) / sizeof(state_kinds[0]); i++)
		if (strcmp(state_kinds[i].name, name) == 0)
			return &state_kinds[i];
	return NULL;
}

/* 24 hex digits of SHA-256 of s (lower-cased when fold). */
static void hash_hex(const char *s, bool fold, char *out)
{
	struct sha256_ctx h;
	uint8_t d[SHA256_DIGEST_SIZE];
	sha256_init(&h);
	for (; *s; s++) {
		uint8_t c = (uint8_t)(fold && *s >= 'A' && *s <= 'Z' ? *s - 'A' + 'a' : *s);
		sha256_update(&h, 1, &c);
	}
	sha256_digest(&h, sizeof(d), d);
	for (int i = 0; i < 12; i++)
		sprintf(out + 2 * i, "%02x", d[i]);
}

/* An entry: its key (the first word) and its line ("KEY REST"). */
struct entry {
	char *key, *line;
};

static void entries_free(struct entry *v, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(v[i].key);
		if (v[i].line)
			explicit_bzero(v[i].line, strlen(v[i].line));
		free(v[i].line);
	}
	free(v);
}

/* The entries of a text: comments and blank lines dropped, words joined by
 * one space. */
static int entries_of(const char *text, struct entry **out, size_t *nout)
{
	struct entry *v = NULL;
	size_t n = 0;
	*out = NULL;
	*nout = 0;
	for (const char *p = text ? text : ""; *p;) {
		size_t len = strcspn(p, "\n");
		char *line = strndup(p, len), *save = NULL, *w, *canon = NULL;
		p += len + (p[len] == '\n');
		if (!line)
			goto nomem;
		char *hash = strchr(line, '#');
		if (hash)
			*hash = 0;
		size_t cl = 0;
		canon = malloc(len + 1);
		if (!canon) {
			free(line);
			goto nomem;
		}
		for (w = strtok_r(line, " \t\r", &save); w; w = strtok_r(NULL, " \t\r", &save))
			cl += (size_t)sprintf(canon + cl, "%s%s", cl ? " " : "", w);
		explicit_bzero(line, len);
		free(line);
		if (!cl) {
			free(canon);
			continue;
		}
		struct entry *g = realloc(v, (n + 1) * sizeof(*g));
		if (!g) {
			free(canon);
			goto nomem;
		}
		v = g;
		v[n].line = canon;
		v[n].key = strndup(canon, strcspn(canon, " "));
		if (!v[n++].key)
			goto nomem;
	}
	*out = v;
	*nout = n;
	return BE_OK;
nomem:
	entries_free(v, n);
	return BE_NO_MEMORY;
}

static const struct entry *entry_find(const struct entry *v, size_t n, const char *key, bool fold)
{
	for (size_t i = 0; i < n; i++)
		if (fold ? strcasecmp(v[i].key, key) == 0 : strcmp(v[i].key, key) == 0)
			return &v[i];
	return NULL;
}

/* An entry's nvpair id and name. */
static void entry_ids(const struct state_kind *k, const char *key, char *id, size_t idcap, char **name)
{
	char h[32];
	hash_hex(key, k->secret, h);
	snprintf(id, idcap, "%s-%s", k->set, h);
	if (name) {
		size_t cap = strlen(k->prefix) + strlen(key) + 32;
		*name = malloc(cap);
		if (*name)
			snprintf(*name, cap, "%s%s", k->prefix, k->secret ? h : key);
	}
}

int pm_state_get(struct backend *b, const char *name, char **text)
{
	struct pcmk *p = P(b);
	const struct state_kind *k = state_kind(name);
	*text = NULL;
	if (!k)
		return BE_INVALID;
	freshen(p);
	if (!p->view.cib)
		return BE_IO;
	xmlNode *set = our_set(p->view.cib, k->set);
	if (!set)
		return BE_OK; /* none yet */
	size_t cap = 1, len = 0;
	char *out = malloc(cap);
	if (!out)
		return BE_NO_MEMORY;
	out[0] = 0;
	for (xmlNode *c = set->children; c; c = c->next) {
		const char *nm = crm_element_value(c, XML_NVPAIR_ATTR_NAME);
		const char *v = crm_element_value(c, XML_NVPAIR_ATTR_VALUE);
		if (!xml_is(c, XML_CIB_TAG_NVPAIR) || !nm || !v || strncmp(nm, k->prefix, strlen(k->prefix)) != 0)
			continue;
		char *line = NULL;
		if (k->secret) {
			if (!p->state || !p->state->have_key) {
				log_error("pacemaker: the CIB's %s are sealed and this node has no readable authkey (%s)",
					  name, p->state ? p->state->keyfile : AUTHKEY_DEFAULT);
				free(out);
				return BE_IO;
			}
			line = strncmp(v, SEAL_PREFIX, strlen(SEAL_PREFIX)) == 0 ? unseal(p->state, nm, v) : NULL;
			if (!line) {
				log_error("pacemaker: the CIB's %s (%s) does not unseal with this node's authkey %s "
					  "(another cluster's key, or damaged)",
					  nm, name, p->state->keyfile);
				explicit_bzero(out, len);
				free(out);
				return BE_IO;
			}
		} else if (asprintf(&line, "%s %s", nm + strlen(k->prefix), v) < 0) {
			line = NULL;
		}
		char *g = line ? realloc(out, len + strlen(line) + 2) : NULL;
		if (!g) {
			if (line)
				explicit_bzero(line, strlen(line));
			free(line);
			explicit_bzero(out, len);
			free(out);
			return BE_NO_MEMORY;
		}
		out = g;
		len += (size_t)sprintf(out + len, "%s\n", line);
		explicit_bzero(line, strlen(line));
		free(line);
	}
	/* What the next state_put of this kind is a change of. */
	char **base = &p->state->base[k - state_kinds];
	if (*base)
		explicit_bzero(*base, strlen(*base));
	free(*base);
	*base = strdup(out);
	*text = out;
	return *base ? BE_OK : BE_NO_MEMORY;
}

int pm_state_put(struct backend *b, const char *name, const char *text, bool secret)
{
	struct pcmk *p = P(b);
	const struct state_kind *k = state_kind(name);
	if (!k || secret != k->secret)
		return BE_INVALID;
	if (secret && !p->state->have_key) {
		log_error("pacemaker: %s not stored: they must be sealed, and this node has no readable corosync "
			  "authkey (%s)",
			  name, p->state->keyfile);
		return BE_UNSUPPORTED;
	}
	int rc = ready_write(p);
	if (rc)
		return rc;
	struct entry *was = NULL, *now = NULL;
	size_t nwas = 0, nnow = 0;
	rc = entries_of(p->state->base[k - state_kinds], &was, &nwas);
	if (!rc)
		rc = entries_of(text, &now, &nnow);
	/* Entries added or changed: one CIB change. */
	xmlNode *f = rc ? NULL : create_xml_node(NULL, XML_CIB_TAG_PROPSET);
	size_t changed = 0;
	if (f)
		crm_xml_add(f, XML_ATTR_ID, k->set);
	for (size_t i = 0; f && !rc && i < nnow; i++) {
		const struct entry *e = entry_find(was, nwas, now[i].key, k->secret);
		if (e && strcmp(e->line, now[i].line) == 0)
			continue;
		char id[128], *nm = NULL, *value = NULL;
		entry_ids(k, now[i].key, id, sizeof(id), &nm);
		if (nm)
			value = k->secret ? seal(p->state, nm, now[i].line) : strdup(now[i].line + strlen(now[i].key) + 1);
		if (!nm || !value) {
			rc = BE_NO_MEMORY;
		} else {
			xmlNode *nv = create_xml_node(f, XML_CIB_TAG_NVPAIR);
			crm_xml_add(nv, XML_ATTR_ID, id);
			crm_xml_add(nv, XML_NVPAIR_ATTR_NAME, nm);
			crm_xml_add(nv, XML_NVPAIR_ATTR_VALUE, value);
			changed++;
		}
		free(nm);
		free(value);
	}
	if (f && !rc && changed)
		rc = cib_modify(p, XML_CIB_TAG_CRMCONFIG, f, cib_can_create);
	else if (f)
		free_xml(f);
	/* Entries removed (the same key in another case is the new entry's). */
	for (size_t i = 0; !rc && i < nwas; i++) {
		if (entry_find(now, nnow, was[i].key, k->secret))
			continue;
		char id[128];
		entry_ids(k, was[i].key, id, sizeof(id), NULL);
		int r = cib_remove_id(p, XML_CIB_TAG_CRMCONFIG, XML_CIB_TAG_NVPAIR, id);
		if (r && r != BE_NOT_FOUND)
			rc = r; /* gone already: someone else removed it */
		changed++;
	}
	entries_free(was, nwas);
	entries_free(now, nnow);
	return changed ? after_write(p, rc) : rc;
}

/* ---- registry keys stored in the CIB ------------------------------------------ */

bool reg_path_ok(const char *path)
{
	size_t n = strlen(path), depth = 0, comp = 0;
	if (n == 0)
		return true;
	if (n >= BE_REG_PATH_MAX || path[0] == '\\' || path[n - 1] == '\\')
		return false;
	for (size_t i = 0; i <= n; i++) {
		if (i == n || path[i] == '\\') {
			if (comp == 0 || comp >= BE_NAME_MAX || ++depth > BE_REG_DEPTH_MAX)
				return false;
			comp = 0;
		} else if ((unsigned char)path[i] < 0x20) {
			return false;
		} else {
			comp++;
		}
	}
	return true;
}

/* The nvpair of a stored key, or NULL. */
static xmlNode *sreg_find(struct pcmk *p, const char *key)
{
	xmlNode *set = our_set(p->view.cib, REG_SET);
	size_t pl = strlen(REG_PREFIX);
	for (xmlNode *c = set ? set->children : NULL; c; c = c->next) {
		const char *name = crm_element_value(c, XML_NVPAIR_ATTR_NAME);
		if (xml_is(c, XML_CIB_TAG_NVPAIR) && name && strncmp(name, REG_PREFIX, pl) == 0 &&
		    strcasecmp(name + pl, key) == 0)
			return c;
	}
	return NULL;
}

bool sreg_exists(struct pcmk *p, const char *key)
{
	return sreg_find(p, key) != NULL;
}

/* The nvpair id of a key: its lower-case path hashed (ids must be XML ids). */
static void sreg_id(const char *key, char *out, size_t cap)
{
	struct sha256_ctx h;
	uint8_t d[SHA256_DIGEST_SIZE];
	sha256_init(&h);
	for (const char *s = key; *s; s++) {
		uint8_t c = (uint8_t)(*s >= 'A' && *s <= 'Z' ? *s - 'A' + 'a' : *s);
		sha256_update(&h, 1, &c);
	}
	sha256_digest(&h, sizeof(d), d);
	size_t o = (size_t)snprintf(out, cap, "clusapi-reg-");
	for (int i = 0; i < 12 && o + 3 <= cap; i++)
		o += (size_t)snprintf(out + o, cap - o, "%02x", d[i]);
}

int sreg_children(struct pcmk *p, const char *key, be_name_fn fn, void *arg)
{
	xmlNode *set = our_set(p->view.cib, REG_SET);
	size_t pl = strlen(REG_PREFIX), kl = strlen(key);
	char **seen = NULL;
	size_t nseen = 0;
	int stop = 0;
	for (xmlNode *c = set ? set->children : NULL; c && !stop; c = c->next) {
		const char *name = crm_element_value(c, XML_NVPAIR_ATTR_NAME);
		if (!xml_is(c, XML_CIB_TAG_NVPAIR) || !name || strncmp(name, REG_PREFIX, pl) != 0)
			continue;
		const char *path = name + pl, *child;
		if (kl == 0)
			child = path;
		else if (strncasecmp(path, key, kl) == 0 && path[kl] == '\\')
			child = path + kl + 1;
		else
			continue;
		if (!*child)
			continue;
		size_t cl = strcspn(child, "\\");
		bool dup = false;
		for (size_t i = 0; i < nseen && !dup; i++)
			dup = strlen(seen[i]) == cl && strncasecmp(seen[i], child, cl) == 0;
		if (dup)
			continue;
		char **ns = realloc(seen, (nseen + 1) * sizeof(*ns));
		if (!ns || !(ns[nseen] = strndup(child, cl))) {
			seen = ns ? ns : seen;
			stop = BE_NO_MEMORY;
			break;
		}
		seen = ns;
		stop = fn(seen[nseen++], arg);
	}
	for (size_t i = 0; i < nseen; i++)
		free(seen[i]);
	free(seen);
	return stop;
}

void sreg_values_free(struct be_value *v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(v[i].data);
	free(v);
}

/* A key's values from its nvpair's text. */
static int sreg_decode(const char *text, struct be_value **out, size_t *nout)
{
	struct be_value *v = NULL;
	size_t n = 0;
	*out = NULL;
	*nout = 0;
	for (const char *p = text; *p;) {
		while (*p == ' ')
			p++;
		if (!*p)
			break;
		size_t tl = strcspn(p, " ");
		const char *c1 = memchr(p, ':', tl), *c2 = c1 ? memchr(c1 + 1, ':', tl - (size_t)(c1 + 1 - p)) : NULL;
		if (!c2)
			goto bad;
		struct be_value *nv = realloc(v, (n + 1) * sizeof(*nv));
		if (!nv)
			goto bad;
		v = nv;
		memset(&v[n], 0, sizeof(v[n]));
		size_t nl;
		uint8_t *name = b64_decode(p, (size_t)(c1 - p), &nl);
		if (!name || nl >= BE_NAME_MAX || memchr(name, 0, nl)) {
			free(name);
			goto bad;
		}
		memcpy(v[n].name, name, nl);
		v[n].name[nl] = 0;
		free(name);
		v[n].type = (uint32_t)strtoul(c1 + 1, NULL, 10);
		v[n].data = b64_decode(c2 + 1, tl - (size_t)(c2 + 1 - p), &v[n].len);
		if (!v[n].data)
			goto bad;
		n++;
		p += tl;
	}
	*out = v;
	*nout = n;
	return BE_OK;
bad:
	sreg_values_free(v, n);
	return BE_IO;
}

int sreg_values(struct pcmk *p, const char *key, struct be_value **out, size_t *n)
{
	xmlNode *nv = sreg_find(p, key);
	*out = NULL;
	*n = 0;
	if (!nv)
		return BE_NOT_FOUND;
	int rc = sreg_decode(crm_element_value(nv, XML_NVPAIR_ATTR_VALUE) ?: "", out, n);
	if (rc)
		log_error("pacemaker: registry key \"%s\" in the CIB is damaged (not ours?)", key);
	return rc;
}

static char *sreg_encode(const struct be_value *v, size_t n)
{
	size_t cap = 1;
	for (size_t i = 0; i < n; i++)
		cap += BASE64_ENCODE_RAW_LENGTH(strlen(v[i].name)) + BASE64_ENCODE_RAW_LENGTH(v[i].len) + 16;
	char *out = malloc(cap);
	if (!out)
		return NULL;
	size_t o = 0;
	out[0] = 0;
	for (size_t i = 0; i < n; i++) {
		char *nm = b64_encode((const uint8_t *)v[i].name, strlen(v[i].name));
		char *d = b64_encode(v[i].data, v[i].len);
		if (!nm || !d) {
			free(nm);
			free(d);
			free(out);
			return NULL;
		}
		o += (size_t)snprintf(out + o, cap - o, "%s%s:%u:%s", i ? " " : "", nm, (unsigned)v[i].type, d);
		free(nm);
		free(d);
	}
	return out;
}

/* Bytes our registry set holds, but for the keys in skip. */
static size_t sreg_size(struct pcmk *p, const char *const *skip, size_t nskip)
{
	xmlNode *set = our_set(p->view.cib, REG_SET);
	size_t total = 0, pl = strlen(REG_PREFIX);
	for (xmlNode *c = set ? set->children : NULL; c; c = c->next) {
		const char *name = crm_element_value(c, XML_NVPAIR_ATTR_NAME);
		if (!xml_is(c, XML_CIB_TAG_NVPAIR) || !name)
			continue;
		bool skipped = false;
		for (size_t i = 0; i < nskip && !skipped; i++)
			skipped = strncmp(name, REG_PREFIX, pl) == 0 && strcasecmp(name + pl, skip[i]) == 0;
		if (!skipped)
			total += strlen(name) + strlen(crm_element_value(c, XML_NVPAIR_ATTR_VALUE) ?: "") + 64;
	}
	return total;
}

/* Store keys[i] with the encoded values texts[i], all in one CIB modify,
 * within the budget. */
static int sreg_store(struct pcmk *p, const char *const *keys, const char *const *texts, size_t n)
{
	size_t total = sreg_size(p, keys, n);
	char **ids = calloc(n, sizeof(*ids)), **names = calloc(n, sizeof(*names));
	int rc = BE_NO_MEMORY;
	if (!ids || !names)
		goto out;
	for (size_t i = 0; i < n; i++) {
		total += strlen(REG_PREFIX) + strlen(keys[i]) + strlen(texts[i]) + 64;
		ids[i] = malloc(64);
		names[i] = malloc(strlen(REG_PREFIX) + strlen(keys[i]) + 1);
		if (!ids[i] || !names[i])
			goto out;
		sreg_id(keys[i], ids[i], 64);
		sprintf(names[i], "%s%s", REG_PREFIX, keys[i]);
	}
	if (total > PCMK_REG_BUDGET) {
		log_warn("pacemaker: registry change refused: the cluster registry in the CIB would hold %zu bytes, "
			 "over its budget of %u (doc/pacemaker.md)",
			 total, (unsigned)PCMK_REG_BUDGET);
		rc = BE_NO_SPACE;
		goto out;
	}
	rc = write_nvpairs(p, REG_SET, (const char *const *)ids, (const char *const *)names, texts, n);
out:
	for (size_t i = 0; ids && names && i < n; i++) {
		free(ids[i]);
		free(names[i]);
	}
	free(ids);
	free(names);
	return rc;
}

int sreg_create(struct pcmk *p, const char *const *keys, size_t n)
{
	const char **texts = calloc(n ? n : 1, sizeof(*texts));
	if (!texts)
		return BE_NO_MEMORY;
	for (size_t i = 0; i < n; i++)
		texts[i] = "";
	int rc = sreg_store(p, keys, texts, n);
	free(texts);
	return rc;
}

int sreg_write(struct pcmk *p, const char *key, const struct be_value *v, size_t n)
{
	char *text = sreg_encode(v, n);
	if (!text)
		return BE_NO_MEMORY;
	const char *keys[] = { key }, *texts[] = { text };
	int rc = sreg_store(p, keys, texts, 1);
	free(text);
	return rc;
}

int sreg_remove(struct pcmk *p, const char *key)
{
	char id[64];
	xmlNode *nv = sreg_find(p, key);
	if (!nv)
		return BE_NOT_FOUND;
	snprintf(id, sizeof(id), "%s", crm_element_value(nv, XML_ATTR_ID) ?: "");
	return after_write(p, cib_remove_id(p, XML_CIB_TAG_CRMCONFIG, XML_CIB_TAG_NVPAIR, id));
}

/* ---- change events ------------------------------------------------------------- */

/* A key of the registry changed: made or deleted (key) or its values.  The
 * root key always exists: its nvpair coming or going is a change of its
 * values. */
static void emit_key(struct pcmk *p, const char *name, bool key)
{
	if (!p->watch_fn || !name || strncmp(name, REG_PREFIX, strlen(REG_PREFIX)) != 0)
		return;
	if (!name[strlen(REG_PREFIX)])
		key = false;
	struct be_event ev = { .what = BE_EV_REGISTRY, .reg_key = key };
	snprintf(ev.name, sizeof(ev.name), "%s", name + strlen(REG_PREFIX));
	p->watch_fn(&ev, p->watch_arg);
}

static xmlNode *nvpair_by_id(xmlNode *set, const char *id)
{
	for (xmlNode *c = set ? set->children : NULL; c; c = c->next)
		if (xml_is(c, XML_CIB_TAG_NVPAIR) && strcmp(crm_element_value(c, XML_ATTR_ID) ?: "", id) == 0)
			return c;
	return NULL;
}

void state_emit_changes(struct pcmk *p, xmlNode *old_cib, xmlNode *new_cib)
{
	xmlNode *os = our_set(old_cib, REG_SET), *ns = our_set(new_cib, REG_SET);
	for (xmlNode *c = ns ? ns->children : NULL; c; c = c->next) {
		if (!xml_is(c, XML_CIB_TAG_NVPAIR))
			continue;
		xmlNode *was = nvpair_by_id(os, crm_element_value(c, XML_ATTR_ID) ?: "");
		const char *name = crm_element_value(c, XML_NVPAIR_ATTR_NAME);
		const char *text = crm_element_value(c, XML_NVPAIR_ATTR_VALUE) ?: "";
		if (!was) {
			/* A key made, with its values if it came with some. */
			emit_key(p, name, true);
			if (*text && name && name[strlen(REG_PREFIX)])
				emit_key(p, name, false);
		} else if (strcmp(crm_element_value(was, XML_NVPAIR_ATTR_VALUE) ?: "", text) != 0) {
			emit_key(p, name, false);
		}
	}
	for (xmlNode *c = os ? os->children : NULL; c; c = c->next)
		if (xml_is(c, XML_CIB_TAG_NVPAIR) && !nvpair_by_id(ns, crm_element_value(c, XML_ATTR_ID) ?: ""))
			emit_key(p, crm_element_value(c, XML_NVPAIR_ATTR_NAME), true);
}
