/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "epm.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/socket.h>
#include <netinet/in.h>

const struct rpc_syntax epm_syntax = {
	.uuid = { 0xe1af8308, 0x5d1f, 0x11c9, { 0x91, 0xa4, 0x08, 0x00, 0x2b, 0x14, 0xa0, 0xfa } },
	.major = 3,
	.minor = 0,
};

/* Tower floors are little-endian except the port and address (big-endian). */
static void put_le16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
}

static uint16_t get_le16(const uint8_t *p)
{
	return (uint16_t)(p[0] | p[1] << 8);
}

static void put_uuid_le(uint8_t *p, const struct rpc_uuid *u)
{
	for (int i = 0; i < 4; i++)
		p[i] = (uint8_t)(u->time_low >> (8 * i));
	put_le16(p + 4, u->time_mid);
	put_le16(p + 6, u->time_hi);
	memcpy(p + 8, u->rest, 8);
}

static void get_uuid_le(const uint8_t *p, struct rpc_uuid *u)
{
	u->time_low = (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
	u->time_mid = get_le16(p + 4);
	u->time_hi = get_le16(p + 6);
	memcpy(u->rest, p + 8, 8);
}

static bool epm_floor_push(struct ndr_push *p, const uint8_t *lhs, uint16_t lhs_len, const uint8_t *rhs,
			   uint16_t rhs_len)
{
	uint8_t l[2];
	put_le16(l, lhs_len);
	ndr_push_bytes(p, l, 2);
	ndr_push_bytes(p, lhs, lhs_len);
	put_le16(l, rhs_len);
	ndr_push_bytes(p, l, 2);
	return ndr_push_bytes(p, rhs, rhs_len);
}

static bool epm_syntax_floor(struct ndr_push *p, const struct rpc_syntax *s)
{
	uint8_t lhs[19], rhs[2];
	lhs[0] = EPM_PROT_UUID;
	put_uuid_le(lhs + 1, &s->uuid);
	put_le16(lhs + 17, s->major);
	put_le16(rhs, s->minor);
	return epm_floor_push(p, lhs, sizeof(lhs), rhs, sizeof(rhs));
}

bool epm_tower_encode(struct ndr_push *p, const struct epm_tower *t)
{
	uint8_t l[2], b[4];
	uint8_t id;

	put_le16(l, 5);
	ndr_push_bytes(p, l, 2);
	epm_syntax_floor(p, &t->iface);
	epm_syntax_floor(p, &t->transfer);
	id = t->rpc_protocol;
	put_le16(b, 0);
	epm_floor_push(p, &id, 1, b, 2);
	id = t->transport;
	b[0] = (uint8_t)(t->port >> 8);
	b[1] = (uint8_t)t->port;
	epm_floor_push(p, &id, 1, b, 2);
	id = EPM_PROT_IP;
	b[0] = (uint8_t)(t->ipv4 >> 24);
	b[1] = (uint8_t)(t->ipv4 >> 16);
	b[2] = (uint8_t)(t->ipv4 >> 8);
	b[3] = (uint8_t)t->ipv4;
	return epm_floor_push(p, &id, 1, b, 4);
}

int epm_tower_decode(const uint8_t *buf, size_t len, struct epm_tower *t)
{
	size_t off = 2;
	uint16_t floors;

	memset(t, 0, sizeof(*t));
	if (len < 2)
		return -1;
	floors = get_le16(buf);
	if (floors < 3 || floors > 8)
		return -1;
	for (uint16_t f = 0; f < floors; f++) {
		if (len - off < 2)
			return -1;
		uint16_t lhs_len = get_le16(buf + off);
		off += 2;
		if (lhs_len < 1 || len - off < lhs_len)
			return -1;
		const uint8_t *lhs = buf + off;
		off += lhs_len;
		if (len - off < 2)
			return -1;
		uint16_t rhs_len = get_le16(buf + off);
		off += 2;
		if (len - off < rhs_len)
			return -1;
		const uint8_t *rhs = buf + off;
		off += rhs_len;

		if (f < 2) {
			struct rpc_syntax *s = f == 0 ? &t->iface : &t->transfer;
			if (lhs[0] != EPM_PROT_UUID || lhs_len != 19 || rhs_len != 2)
				return -1;
			get_uuid_le(lhs + 1, &s->uuid);
			s->major = get_le16(lhs + 17);
			s->minor = get_le16(rhs);
		} else if (f == 2) {
			t->rpc_protocol = lhs[0];
		} else if (f == 3) {
			t->transport = lhs[0];
			if (lhs[0] == EPM_PROT_TCP && rhs_len == 2)
				t->port = (uint16_t)(rhs[0] << 8 | rhs[1]);
		} else if (f == 4 && lhs[0] == EPM_PROT_IP && rhs_len == 4) {
			t->ipv4 = (uint32_t)rhs[0] << 24 | (uint32_t)rhs[1] << 16 | (uint32_t)rhs[2] << 8 | rhs[3];
		}
	}
	return 0;
}

/* A twr_t pointee: conformance, tower_length, the octets. */
static bool epm_twr_push(struct ndr_push *p, const struct epm_tower *t)
{
	struct ndr_push tw;
	ndr_push_init(&tw);
	bool ok = epm_tower_encode(&tw, t) && !tw.error;
	if (ok) {
		ndr_push_u32(p, (uint32_t)tw.len);
		ndr_push_u32(p, (uint32_t)tw.len);
		ndr_push_bytes(p, tw.data, tw.len);
	}
	ndr_push_free(&tw);
	return ok && !p->error;
}

static bool epm_twr_pull(struct ndr_pull *in, struct epm_tower *t)
{
	uint32_t max_count, tower_len;
	if (!ndr_pull_u32(in, &max_count) || !ndr_pull_u32(in, &tower_len))
		return false;
	if (max_count != tower_len || tower_len > EPM_MAX_TOWER || tower_len > ndr_pull_remaining(in)) {
		in->error = true;
		return false;
	}
	int rc = epm_tower_decode(in->data + in->off, tower_len, t);
	in->off += tower_len;
	return rc == 0;
}

bool epm_registry_add(struct epm_registry *reg, const struct rpc_syntax *iface, uint16_t tcp_port, uint32_t ipv4,
		      const char *annotation)
{
	if (reg->n >= EPM_MAX_ENTRIES)
		return false;
	struct epm_entry *e = &reg->entries[reg->n++];
	memset(e, 0, sizeof(*e));
	e->iface = *iface;
	e->tcp_port = tcp_port;
	e->ipv4 = ipv4;
	snprintf(e->annotation, sizeof(e->annotation), "%s", annotation ? annotation : "");
	return true;
}

void epm_conn_init(struct epm_conn *c, uint32_t local_ipv4)
{
	memset(c, 0, sizeof(*c));
	c->local_ipv4 = local_ipv4;
}

void epm_conn_free(struct epm_conn *c)
{
	memset(c->searches, 0, sizeof(c->searches));
}

size_t epm_conn_searches(const struct epm_conn *c)
{
	size_t n = 0;
	for (size_t i = 0; i < EPM_MAX_HANDLES; i++)
		n += c->searches[i].used;
	return n;
}

static struct epm_search *search_find(struct epm_conn *c, const struct rpc_ctx_handle *h)
{
	if (h->attributes != 0)
		return NULL;
	for (size_t i = 0; i < EPM_MAX_HANDLES; i++)
		if (c->searches[i].used && rpc_uuid_equal(&c->searches[i].id, &h->uuid))
			return &c->searches[i];
	return NULL;
}

/* A new search with a random handle; NULL when the connection has its
 * share open already (or no randomness). */
static struct epm_search *search_new(struct epm_conn *c, uint16_t opnum)
{
	for (size_t i = 0; i < EPM_MAX_HANDLES; i++) {
		struct epm_search *s = &c->searches[i];
		if (s->used)
			continue;
		uint8_t b[16];
		if (getrandom(b, sizeof(b), 0) != (ssize_t)sizeof(b))
			return NULL;
		memset(s, 0, sizeof(*s));
		s->id.time_low = (uint32_t)b[0] | (uint32_t)b[1] << 8 | (uint32_t)b[2] << 16 | (uint32_t)b[3] << 24;
		s->id.time_mid = (uint16_t)(b[4] | b[5] << 8);
		s->id.time_hi = (uint16_t)((b[6] | b[7] << 8) & 0x0fff) | 0x4000;
		memcpy(s->id.rest, b + 8, 8);
		s->id.rest[0] = (uint8_t)((s->id.rest[0] & 0x3f) | 0x80);
		s->used = true;
		s->opnum = opnum;
		return s;
	}
	return NULL;
}

static void epm_tower_for(const struct epm_entry *e, const struct epm_conn *c, struct epm_tower *t)
{
	memset(t, 0, sizeof(*t));
	t->iface = e->iface;
	t->transfer = rpc_syntax_ndr;
	t->rpc_protocol = EPM_PROT_NCACN;
	t->transport = EPM_PROT_TCP;
	t->port = e->tcp_port;
	/* An address the client can reach: the listener's own, or (a wildcard
	 * listener) the one this connection came in on. */
	t->ipv4 = e->ipv4 ? e->ipv4 : c->local_ipv4;
}

/* The query of one ept_lookup or ept_map call. */
struct epm_query {
	uint16_t opnum;
	uint32_t inquiry; /* ept_lookup */
	uint32_t vers_option;
	bool have_ifid;
	struct rpc_syntax ifid;
	struct rpc_uuid object; /* nil when the pointer is NULL */
	struct epm_tower tower; /* ept_map */
};

static bool vers_match(uint32_t option, const struct rpc_syntax *have, const struct rpc_syntax *want)
{
	switch (option) {
	case EPM_VERS_ALL:
		return true;
	case EPM_VERS_COMPATIBLE:
		return have->major == want->major && have->minor >= want->minor;
	case EPM_VERS_EXACT:
		return have->major == want->major && have->minor == want->minor;
	case EPM_VERS_MAJOR_ONLY:
		return have->major == want->major;
	case EPM_VERS_UPTO:
		return have->major < want->major || (have->major == want->major && have->minor <= want->minor);
	default:
		return false;
	}
}

static bool entry_matches(const struct epm_entry *e, const struct epm_query *q)
{
	if (q->opnum == EPM_OP_MAP) {
		/* C706 ept_map: the interface with a compatible version, for
		 * the object asked (an entry without one serves any object),
		 * over the protocols of the tower asked. */
		const struct epm_tower *t = &q->tower;
		return rpc_uuid_equal(&e->iface.uuid, &t->iface.uuid) && e->iface.major == t->iface.major &&
		       e->iface.minor >= t->iface.minor &&
		       (rpc_uuid_is_nil(&e->object) || rpc_uuid_equal(&e->object, &q->object));
	}
	bool by_if = q->inquiry == EPM_INQ_BY_IF || q->inquiry == EPM_INQ_BY_BOTH;
	bool by_obj = q->inquiry == EPM_INQ_BY_OBJ || q->inquiry == EPM_INQ_BY_BOTH;
	if (by_if && !(rpc_uuid_equal(&e->iface.uuid, &q->ifid.uuid) && vers_match(q->vers_option, &e->iface, &q->ifid)))
		return false;
	if (by_obj && !rpc_uuid_equal(&e->object, &q->object))
		return false;
	return true;
}

/* The twr_t of an entry as a deferred pointee. */
static void push_entry_tower(struct ndr_push *out, const struct epm_entry *e, const struct epm_conn *c)
{
	struct epm_tower t;
	epm_tower_for(e, c, &t);
	ndr_push_align(out, 4);
	epm_twr_push(out, &t);
}

/*
 * The search both calls share: where it starts (a nil handle) or goes on (a
 * handle of this connection and this call), up to `max` matches, and what
 * comes back: the handle (nil once the search is over, which also frees it),
 * the count, and the status.
 *
 * The end: ept_map says EPT_S_NOT_REGISTERED only when it found nothing.
 * ept_lookup also says it with the last entries when they fill less than
 * max_ents (so a client looping "while status is 0 and the batch is full"
 * ends, as Samba's mapper does); a full batch gets status 0 and a handle, and
 * the call after the last entry gets none and EPT_S_NOT_REGISTERED.
 */
static uint32_t epm_search(const struct epm_registry *reg, struct epm_conn *c, const struct epm_query *q,
			   const struct rpc_ctx_handle *in_handle, uint32_t max, uint32_t *idx, uint32_t *n,
			   struct rpc_ctx_handle *out_handle, uint32_t *status)
{
	struct epm_search *s = NULL;
	uint32_t pos = 0;

	*n = 0;
	memset(out_handle, 0, sizeof(*out_handle));
	if (max > EPM_MAX_RESULTS)
		return EPM_FAULT_INVALID_BOUND;
	if (!(in_handle->attributes == 0 && rpc_uuid_is_nil(&in_handle->uuid))) {
		s = search_find(c, in_handle);
		if (!s || s->opnum != q->opnum)
			return NCA_S_FAULT_CONTEXT_MISMATCH;
		pos = s->next;
	}
	for (uint32_t i = pos; i < reg->n && *n < max; i++)
		if (entry_matches(&reg->entries[i], q)) {
			idx[(*n)++] = i;
			pos = i + 1;
		}
	bool more = false;
	if (*n == max)
		for (uint32_t i = pos; i < reg->n && !more; i++)
			more = entry_matches(&reg->entries[i], q);
	bool real_more = more;
	if (q->opnum == EPM_OP_LOOKUP && *n > 0 && *n == max && !more && max > 0)
		more = true; /* status 0 and a handle; the next call ends it */

	if (*n == 0 || !more) {
		if (s)
			s->used = false;
		*status = (*n == 0 || (q->opnum == EPM_OP_LOOKUP && *n < max)) ? EPM_STATUS_NO_MORE : EPM_STATUS_OK;
		return 0;
	}
	if (!s && !(s = search_new(c, q->opnum))) {
		if (!real_more) {
			/* The search is over anyway: the entries, and the end. */
			*status = EPM_STATUS_NO_MORE;
			return 0;
		}
		*n = 0;
		*status = EPM_STATUS_CANT_PERFORM;
		return 0;
	}
	s->next = pos;
	out_handle->uuid = s->id;
	*status = EPM_STATUS_OK;
	return 0;
}

static struct epm_conn *conn_state(const struct epm_registry *reg, void *conn_user)
{
	struct epm_conn *c = reg->conn_of ? reg->conn_of(conn_user) : NULL;
	return c ? c : (struct epm_conn *)&reg->shared;
}

/* ept_map: [in] object, [in] map_tower, [in,out] entry_handle, [in] max_towers,
 * [out] num_towers, [out] towers[], [out] status. */
static uint32_t epm_map(const struct epm_registry *reg, struct epm_conn *c, struct ndr_pull *in, struct ndr_push *out)
{
	struct epm_query q = { .opnum = EPM_OP_MAP };
	struct rpc_ctx_handle handle, next;
	uint32_t ref, max_towers;
	bool have_tower = false, tower_ok = false;

	if (ndr_pull_ptr(in, &ref) && ref)
		ndr_pull_uuid(in, &q.object);
	if (ndr_pull_ptr(in, &ref) && ref) {
		have_tower = true;
		/* A tower we cannot read is a tower nothing matches, not a
		 * malformed request: its octets were well framed. */
		uint32_t max_count, tower_len;
		if (ndr_pull_u32(in, &max_count) && ndr_pull_u32(in, &tower_len)) {
			if (max_count != tower_len || tower_len > EPM_MAX_TOWER || tower_len > ndr_pull_remaining(in))
				in->error = true;
			else {
				tower_ok = epm_tower_decode(in->data + in->off, tower_len, &q.tower) == 0;
				in->off += tower_len;
			}
		}
	}
	ndr_pull_align(in, 4);
	ndr_pull_ctx_handle(in, &handle);
	ndr_pull_u32(in, &max_towers);
	if (in->error)
		return NCA_S_FAULT_NDR;

	uint32_t idx[EPM_MAX_ENTRIES], n = 0, status;
	bool usable = have_tower && tower_ok && q.tower.rpc_protocol == EPM_PROT_NCACN &&
		      q.tower.transport == EPM_PROT_TCP && rpc_syntax_equal(&q.tower.transfer, &rpc_syntax_ndr);
	if (!usable) {
		/* Nothing we serve speaks that: the search is over. */
		if (max_towers > EPM_MAX_RESULTS)
			return EPM_FAULT_INVALID_BOUND;
		struct epm_search *s = NULL;
		if (!(handle.attributes == 0 && rpc_uuid_is_nil(&handle.uuid))) {
			s = search_find(c, &handle);
			if (!s || s->opnum != EPM_OP_MAP)
				return NCA_S_FAULT_CONTEXT_MISMATCH;
			s->used = false;
		}
		memset(&next, 0, sizeof(next));
		status = EPM_STATUS_NO_MORE;
	} else {
		uint32_t fault = epm_search(reg, c, &q, &handle, max_towers, idx, &n, &next, &status);
		if (fault)
			return fault;
	}

	ndr_push_ctx_handle(out, &next);
	ndr_push_u32(out, n);
	/* towers: a conformant varying array of unique pointers */
	ndr_push_u32(out, max_towers);
	ndr_push_u32(out, 0);
	ndr_push_u32(out, n);
	for (uint32_t i = 0; i < n; i++)
		ndr_push_ptr(out, true);
	for (uint32_t i = 0; i < n; i++)
		push_entry_tower(out, &reg->entries[idx[i]], c);
	ndr_push_align(out, 4);
	ndr_push_u32(out, status);
	return 0;
}

/* ept_lookup: [in] inquiry_type, object, interface_id, vers_option,
 * [in,out] entry_handle, [in] max_ents; [out] num_ents, entries[], status. */
static uint32_t epm_lookup(const struct epm_registry *reg, struct epm_conn *c, struct ndr_pull *in,
			   struct ndr_push *out)
{
	struct epm_query q = { .opnum = EPM_OP_LOOKUP };
	uint32_t ref, max_ents;
	struct rpc_ctx_handle handle, next;

	ndr_pull_u32(in, &q.inquiry);
	if (ndr_pull_ptr(in, &ref) && ref)
		ndr_pull_uuid(in, &q.object);
	if (ndr_pull_ptr(in, &ref) && ref) {
		q.have_ifid = true;
		ndr_pull_uuid(in, &q.ifid.uuid);
		ndr_pull_u16(in, &q.ifid.major);
		ndr_pull_u16(in, &q.ifid.minor);
	}
	ndr_pull_u32(in, &q.vers_option);
	ndr_pull_ctx_handle(in, &handle);
	ndr_pull_u32(in, &max_ents);
	if (in->error)
		return NCA_S_FAULT_NDR;

	uint32_t idx[EPM_MAX_ENTRIES], n = 0, status;
	bool by_if = q.inquiry == EPM_INQ_BY_IF || q.inquiry == EPM_INQ_BY_BOTH;
	if (q.inquiry > EPM_INQ_BY_BOTH || (by_if && (!q.have_ifid || q.vers_option < EPM_VERS_ALL ||
						       q.vers_option > EPM_VERS_UPTO))) {
		if (max_ents > EPM_MAX_RESULTS)
			return EPM_FAULT_INVALID_BOUND;
		/* The handle, if any, stays as it was. */
		next = handle;
		if (!(handle.attributes == 0 && rpc_uuid_is_nil(&handle.uuid)) && !search_find(c, &handle))
			return NCA_S_FAULT_CONTEXT_MISMATCH;
		status = EPM_STATUS_CANT_PERFORM;
	} else {
		uint32_t fault = epm_search(reg, c, &q, &handle, max_ents, idx, &n, &next, &status);
		if (fault)
			return fault;
	}

	ndr_push_ctx_handle(out, &next);
	ndr_push_u32(out, n);
	ndr_push_u32(out, max_ents);
	ndr_push_u32(out, 0);
	ndr_push_u32(out, n);
	for (uint32_t i = 0; i < n; i++) {
		const struct epm_entry *e = &reg->entries[idx[i]];
		size_t alen = strnlen(e->annotation, sizeof(e->annotation) - 1) + 1;
		ndr_push_align(out, 4);
		ndr_push_uuid(out, &e->object);
		ndr_push_ptr(out, true);
		ndr_push_u32(out, 0);
		ndr_push_u32(out, (uint32_t)alen);
		ndr_push_bytes(out, e->annotation, alen - 1);
		ndr_push_u8(out, 0);
	}
	for (uint32_t i = 0; i < n; i++)
		push_entry_tower(out, &reg->entries[idx[i]], c);
	ndr_push_align(out, 4);
	ndr_push_u32(out, status);
	return 0;
}

/* ept_lookup_handle_free: [in,out] entry_handle, [out] status. */
static uint32_t epm_handle_free(struct epm_conn *c, struct ndr_pull *in, struct ndr_push *out)
{
	struct rpc_ctx_handle handle;
	ndr_pull_ctx_handle(in, &handle);
	if (in->error)
		return NCA_S_FAULT_NDR;
	if (!(handle.attributes == 0 && rpc_uuid_is_nil(&handle.uuid))) {
		struct epm_search *s = search_find(c, &handle);
		if (!s)
			return NCA_S_FAULT_CONTEXT_MISMATCH;
		s->used = false;
	}
	static const struct rpc_ctx_handle zero;
	ndr_push_ctx_handle(out, &zero);
	ndr_push_u32(out, EPM_STATUS_OK);
	return 0;
}

static uint32_t epm_dispatch(const struct rpc_server_iface *iface, void *conn_user, uint16_t opnum,
			     struct ndr_pull *in, struct ndr_push *out)
{
	const struct epm_registry *reg = iface->ctx;
	struct epm_conn *c = conn_state(reg, conn_user);
	switch (opnum) {
	case EPM_OP_INSERT:
	case EPM_OP_DELETE:
		/* Registering is for the servers of this host, and every
		 * caller of this mapper comes over TCP: refused before the
		 * arguments are looked at, as a Windows security callback
		 * refuses a remote caller. */
		return NCA_S_FAULT_ACCESS_DENIED;
	case EPM_OP_LOOKUP:
		return epm_lookup(reg, c, in, out);
	case EPM_OP_MAP:
		return epm_map(reg, c, in, out);
	case EPM_OP_LOOKUP_HANDLE_FREE:
		return epm_handle_free(c, in, out);
	default:
		/* ept_inq_object, ept_mgmt_delete, ept_map_auth: MS-RPCE has
		 * clients not call them; Windows and Samba fault. */
		return NCA_S_OP_RNG_ERROR;
	}
}

void epm_server_iface(struct rpc_server_iface *iface, struct epm_registry *reg)
{
	memset(iface, 0, sizeof(*iface));
	iface->syntax = epm_syntax;
	iface->name = "epmapper";
	iface->dispatch = epm_dispatch;
	iface->ctx = reg;
}

/* The IPv4 address (host order) of the server a client socket is connected
 * to, 0 if none. */
static uint32_t peer_ipv4(int fd)
{
	struct sockaddr_storage ss;
	socklen_t len = sizeof(ss);
	if (fd < 0 || getpeername(fd, (struct sockaddr *)&ss, &len) < 0)
		return 0;
	if (ss.ss_family == AF_INET)
		return ntohl(((struct sockaddr_in *)&ss)->sin_addr.s_addr);
	if (ss.ss_family == AF_INET6) {
		const uint8_t *a = ((struct sockaddr_in6 *)&ss)->sin6_addr.s6_addr;
		static const uint8_t mapped[12] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff };
		if (memcmp(a, mapped, 12) == 0)
			return (uint32_t)a[12] << 24 | (uint32_t)a[13] << 16 | (uint32_t)a[14] << 8 | a[15];
	}
	return 0;
}

DWORD epm_client_map_tcp(struct rpc_client *c, const struct rpc_syntax *iface, uint16_t *port)
{
	struct ndr_push req;
	struct epm_tower t = { 0 };
	uint8_t *resp = NULL;
	size_t resp_len;
	bool be;
	DWORD err;

	t.iface = *iface;
	t.transfer = rpc_syntax_ndr;
	t.rpc_protocol = EPM_PROT_NCACN;
	t.transport = EPM_PROT_TCP;

	ndr_push_init(&req);
	ndr_push_ptr(&req, false); /* object */
	ndr_push_ptr(&req, true);  /* map_tower */
	epm_twr_push(&req, &t);
	ndr_push_align(&req, 4);
	static const struct rpc_ctx_handle zero;
	ndr_push_ctx_handle(&req, &zero);
	ndr_push_u32(&req, EPM_MAX_ENTRIES);
	if (req.error) {
		ndr_push_free(&req);
		return ERROR_NOT_ENOUGH_MEMORY;
	}
	err = rpc_client_call(c, EPM_OP_MAP, req.data, req.len, &resp, &resp_len, &be);
	ndr_push_free(&req);
	if (err)
		return err;

	struct ndr_pull in;
	struct rpc_ctx_handle h;
	uint32_t num, max_count, offset, actual, status = 0;
	bool found = false, exact = false;
	uint32_t peer = peer_ipv4(c->fd);
	ndr_pull_init(&in, resp, resp_len, be);
	ndr_pull_ctx_handle(&in, &h);
	ndr_pull_u32(&in, &num);
	ndr_pull_u32(&in, &max_count);
	ndr_pull_u32(&in, &offset);
	ndr_pull_u32(&in, &actual);
	if (!in.error && (actual > max_count || actual != num || actual > 64 || offset != 0))
		in.error = true;
	uint32_t refs[64];
	for (uint32_t i = 0; i < actual && !in.error; i++)
		ndr_pull_ptr(&in, &refs[i]);
	for (uint32_t i = 0; i < actual && !in.error; i++) {
		if (!refs[i])
			continue;
		struct epm_tower got;
		/* The tower for the address we reached the mapper on, if there
		 * is one (listeners may have ports of their own), else the
		 * first. */
		if (epm_twr_pull(&in, &got) && !exact && got.transport == EPM_PROT_TCP && got.port &&
		    rpc_uuid_equal(&got.iface.uuid, &iface->uuid) && (!found || (peer && got.ipv4 == peer))) {
			*port = got.port;
			found = true;
			exact = peer && got.ipv4 == peer;
		}
		ndr_pull_align(&in, 4);
	}
	ndr_pull_align(&in, 4);
	ndr_pull_u32(&in, &status);
	free(resp);
	if (in.error)
		return RPC_X_BAD_STUB_DATA;
	if (found)
		return ERROR_SUCCESS;
	return EPT_S_NOT_REGISTERED;
}
