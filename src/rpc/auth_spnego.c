/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * SPNEGO (RFC 4178, MS-SPNG) as a DCE/RPC security provider: negotiates
 * Kerberos (auth_gssapi.c) or NTLMSSP (ntlmssp.c) and then lets the chosen
 * mechanism protect the PDUs.
 *
 * Legs as Windows and Samba run them over DCE/RPC:
 *   bind            NegTokenInit { mechTypes, optimistic mechToken }
 *   bind_ack        NegTokenResp { accept-incomplete, supportedMech, token }
 *   alter_context   NegTokenResp { token, mechListMIC }     (client expects an answer)
 *     or auth3      NegTokenResp { token }                  (client is done)
 *   alter_ctx_resp  NegTokenResp { accept-completed, mechListMIC }
 *
 * mechListMIC (RFC 4178 5, MS-SPNG 3.1.5.1): exchanged when the server did
 * not take the client's first mechanism, when the NTLM AUTHENTICATE carries a
 * MIC (MsvAvFlags bit 2: our client always sends one, as do Windows and
 * Samba), and whenever the client sends one.  A MIC that is due must come and
 * must verify.  With NTLM, each side resets its RC4 handle after the MIC
 * (MS-SPNG 3.3.5.1) while the sequence number goes on; ntlmssp.h offers no
 * such reset, so after the handshake this file keeps the NTLM sign/seal keys
 * itself (the same MS-NLMP 3.4 functions ntlmssp.c implements).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <nettle/arcfour.h>
#include <nettle/hmac.h>
#include <nettle/md5.h>
#include <nettle/memops.h>

#include "auth_gss.h"
#include "auth_gss_int.h"
#include "base/werror.h"
#include "ntlmssp.h"
#include "spnego.h"

enum mech { MECH_NONE, MECH_KRB5, MECH_NTLM };

/* ---- NTLM protection after SPNEGO -------------------------------------------- */

struct ntlm_dir {
	uint8_t sign_key[16], seal_key[16];
	struct arcfour_ctx rc4;
	uint32_t seq;
};

struct ntlm_prot {
	uint32_t flags;
	struct ntlm_dir send, recv;
};

static void put32le(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
	p[2] = (uint8_t)(v >> 16);
	p[3] = (uint8_t)(v >> 24);
}

static uint32_t get32le(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static void prot_init(struct ntlm_prot *np, const struct ntlmssp_ctx *ctx, bool client)
{
	uint8_t key[16];

	ntlmssp_session_key(ctx, key);
	np->flags = ntlmssp_flags(ctx);
	ntlmssp_sign_key(key, client, np->send.sign_key);
	ntlmssp_seal_key(key, client, np->send.seal_key);
	ntlmssp_sign_key(key, !client, np->recv.sign_key);
	ntlmssp_seal_key(key, !client, np->recv.seal_key);
	arcfour_set_key(&np->send.rc4, 16, np->send.seal_key);
	arcfour_set_key(&np->recv.rc4, 16, np->recv.seal_key);
	np->send.seq = np->recv.seq = 0;
	memset(key, 0, sizeof(key));
}

static void reset_rc4(struct ntlm_dir *d)
{
	arcfour_set_key(&d->rc4, 16, d->seal_key);
}

/* HMAC_MD5(SignKey, SeqNum || msg)[0..7] */
static void ntlm_mac(const struct ntlm_dir *d, const uint8_t *msg, size_t len, uint8_t mac[16])
{
	struct hmac_md5_ctx h;
	uint8_t seq[4];

	put32le(seq, d->seq);
	hmac_md5_set_key(&h, 16, d->sign_key);
	hmac_md5_update(&h, 4, seq);
	if (len)
		hmac_md5_update(&h, len, msg);
	hmac_md5_digest(&h, MD5_DIGEST_SIZE, mac);
}

/* Version || checksum (RC4'd with key exchange) || SeqNum; the data (if any)
 * is encrypted first, the checksum after it on the same RC4 stream. */
static void ntlm_make_sig(const struct ntlm_prot *np, struct ntlm_dir *d, const uint8_t *whole, size_t whole_len,
			  uint8_t *data, size_t data_len, uint8_t sig[16])
{
	uint8_t mac[16];

	ntlm_mac(d, whole, whole_len, mac);
	if (data_len)
		arcfour_crypt(&d->rc4, data_len, data, data);
	put32le(sig, 1);
	if (np->flags & NTLMSSP_NEGOTIATE_KEY_EXCH)
		arcfour_crypt(&d->rc4, 8, sig + 4, mac);
	else
		memcpy(sig + 4, mac, 8);
	put32le(sig + 12, d->seq);
	d->seq++;
}

/* The receiving side of ntlm_make_sig; on a mismatch the state and the data
 * are as they were. */
static uint32_t ntlm_check_sig(const struct ntlm_prot *np, struct ntlm_dir *d, const uint8_t *whole,
			       size_t whole_len, uint8_t *data, size_t data_len, const uint8_t *sig, size_t sig_len)
{
	struct ntlm_dir saved = *d;
	uint8_t mac[16], got[8];

	if (sig_len != NTLMSSP_SIGNATURE_LEN || get32le(sig) != 1 || get32le(sig + 12) != d->seq)
		return ERROR_ACCESS_DENIED;
	if (data_len)
		arcfour_crypt(&d->rc4, data_len, data, data);
	if (np->flags & NTLMSSP_NEGOTIATE_KEY_EXCH)
		arcfour_crypt(&d->rc4, 8, got, sig + 4);
	else
		memcpy(got, sig + 4, 8);
	ntlm_mac(d, whole, whole_len, mac);
	if (!memeql_sec(mac, got, 8)) {
		if (data_len) { /* back to the ciphertext */
			struct ntlm_dir again = saved;
			arcfour_crypt(&again.rc4, data_len, data, data);
		}
		*d = saved;
		return ERROR_ACCESS_DENIED;
	}
	d->seq++;
	return 0;
}

/* ---- state -------------------------------------------------------------------- */

struct spnego_st {
	bool client;
	bool established;
	int legs;
	enum mech mech;
	struct spnego_blob chosen_oid; /* points at a static OID */
	bool mic_due;                  /* a mechListMIC must be exchanged */
	bool sent_first_reply;         /* server: supportedMech went out */
	bool mic_sent;                 /* client: sent ours, waiting for the server's */
	bool sub_done;
	bool got_first_reply;          /* client: the server named its mechanism */
	int legs_ntlm;                 /* NTLM messages handled */
	uint8_t *mech_list;            /* the client's MechTypeList as sent */
	size_t mech_list_len;

	struct rpc_auth krb;           /* MECH_KRB5 */
	struct ntlmssp_ctx *ntlm;      /* MECH_NTLM */
	struct ntlm_prot np;

	/* server */
	struct rpc_auth_gss_server_config krb_cfg_copy;
	bool have_krb_cfg;

	/* client */
	char *host;
	char *user, *domain, *password;

	char err[512];
};

static const struct rpc_auth_ops spnego_ops;

static void set_err(struct spnego_st *s, const char *msg)
{
	snprintf(s->err, sizeof(s->err), "SPNEGO: %s", msg);
}

static uint32_t fail(struct spnego_st *s, uint32_t rc, const char *msg)
{
	set_err(s, msg);
	return rc;
}

static const struct spnego_blob oid_krb5 = { spnego_oid_krb5, sizeof(spnego_oid_krb5) };
static const struct spnego_blob oid_ms_krb5 = { spnego_oid_ms_krb5, sizeof(spnego_oid_ms_krb5) };
static const struct spnego_blob oid_ntlm = { spnego_oid_ntlm, sizeof(spnego_oid_ntlm) };

static enum mech mech_of(const struct spnego_blob *oid)
{
	if (spnego_oid_is(oid, spnego_oid_krb5, sizeof(spnego_oid_krb5)) ||
	    spnego_oid_is(oid, spnego_oid_ms_krb5, sizeof(spnego_oid_ms_krb5)))
		return MECH_KRB5;
	if (spnego_oid_is(oid, spnego_oid_ntlm, sizeof(spnego_oid_ntlm)))
		return MECH_NTLM;
	return MECH_NONE;
}

static const struct spnego_blob *static_oid(const struct spnego_blob *oid)
{
	if (spnego_oid_is(oid, spnego_oid_ms_krb5, sizeof(spnego_oid_ms_krb5)))
		return &oid_ms_krb5;
	if (spnego_oid_is(oid, spnego_oid_krb5, sizeof(spnego_oid_krb5)))
		return &oid_krb5;
	return &oid_ntlm;
}

static int keep_mech_list(struct spnego_st *s, const struct spnego_blob *ml)
{
	s->mech_list = malloc(ml->len);
	if (!s->mech_list)
		return -1;
	memcpy(s->mech_list, ml->data, ml->len);
	s->mech_list_len = ml->len;
	return 0;
}

/* Whether the NTLM AUTHENTICATE message carries a MIC (MsvAvFlags bit 2 in
 * its NTLMv2 response), which obliges SPNEGO to exchange mechListMICs. */
static bool ntlm_auth_has_mic(const uint8_t *msg, size_t len)
{
	struct ntlmssp_authenticate a;
	struct ntlmssp_blob v;
	/* NTProofStr (16) + RespType, HiRespType, 6 reserved, TimeStamp (8),
	 * ChallengeFromClient (8), 4 reserved: the AV pairs follow */
	const size_t av_off = 16 + 28;

	if (ntlmssp_authenticate_decode(msg, len, &a) < 0 || !a.has_mic || a.nt_response.len <= av_off)
		return false;
	if (ntlmssp_av_find(a.nt_response.data + av_off, a.nt_response.len - av_off, MSV_AV_FLAGS, &v) != 1 ||
	    v.len != 4)
		return false;
	return (get32le(v.data) & MSV_AV_FLAG_MIC_PRESENT) != 0;
}

/* ---- mechListMIC ------------------------------------------------------------------ */

static uint32_t make_mic(struct spnego_st *s, uint8_t **mic, size_t *mic_len)
{
	if (s->mech == MECH_KRB5)
		return krb5_auth_get_mic(&s->krb, s->mech_list, s->mech_list_len, mic, mic_len);
	*mic = malloc(NTLMSSP_SIGNATURE_LEN);
	if (!*mic)
		return ERROR_NOT_ENOUGH_MEMORY;
	ntlm_make_sig(&s->np, &s->np.send, s->mech_list, s->mech_list_len, NULL, 0, *mic);
	*mic_len = NTLMSSP_SIGNATURE_LEN;
	reset_rc4(&s->np.send); /* MS-SPNG 3.3.5.1 */
	return 0;
}

static uint32_t check_mic(struct spnego_st *s, const struct spnego_blob *mic)
{
	uint32_t rc;

	if (s->mech == MECH_KRB5) {
		rc = krb5_auth_verify_mic(&s->krb, s->mech_list, s->mech_list_len, mic->data, mic->len);
	} else {
		rc = ntlm_check_sig(&s->np, &s->np.recv, s->mech_list, s->mech_list_len, NULL, 0, mic->data, mic->len);
		if (rc == 0)
			reset_rc4(&s->np.recv);
	}
	if (rc)
		set_err(s, "the peer's mechListMIC does not verify (mechanism list tampered with?)");
	return rc ? ERROR_ACCESS_DENIED : 0;
}

/* ---- sub-mechanism legs --------------------------------------------------------------- */

/* Server: feed one token to the chosen mechanism.  0 (done), CONTINUE, or an error. */
static uint32_t server_sub_step(struct spnego_st *s, const struct spnego_blob *tok, uint8_t **out, size_t *out_len)
{
	uint32_t rc;

	*out = NULL;
	*out_len = 0;
	if (s->mech == MECH_KRB5) {
		rc = s->krb.ops->step(s->krb.st, tok->data, tok->len, out, out_len);
		if (rc && rc != RPC_AUTH_CONTINUE)
			snprintf(s->err, sizeof(s->err), "%s", rpc_auth_gss_error(&s->krb));
		return rc;
	}
	if (s->legs_ntlm == 0) {
		s->legs_ntlm++;
		rc = ntlmssp_server_negotiate(s->ntlm, tok->data, tok->len, out, out_len);
		if (rc)
			set_err(s, "NTLMSSP NEGOTIATE refused");
		return rc ? rc : RPC_AUTH_CONTINUE;
	}
	s->legs_ntlm++;
	rc = ntlmssp_server_authenticate(s->ntlm, tok->data, tok->len);
	if (rc) {
		set_err(s, "NTLMSSP logon failed");
		return rc;
	}
	if (ntlm_auth_has_mic(tok->data, tok->len))
		s->mic_due = true;
	prot_init(&s->np, s->ntlm, false);
	return 0;
}

/* ---- server --------------------------------------------------------------------------- */

/* Kerberos when offered and our keytab works, else NTLMSSP when offered. */
static uint32_t server_pick(struct spnego_st *s, const struct spnego_token *t, bool *use_token)
{
	int krb_idx = -1, ntlm_idx = -1, idx = -1;

	for (size_t i = 0; i < t->n_mechs; i++) {
		enum mech m = mech_of(&t->mechs[i]);
		if (m == MECH_KRB5 && krb_idx < 0)
			krb_idx = (int)i;
		if (m == MECH_NTLM && ntlm_idx < 0)
			ntlm_idx = (int)i;
	}
	if (krb_idx >= 0 && s->have_krb_cfg && rpc_auth_krb5_server(&s->krb_cfg_copy, &s->krb) == 0) {
		s->mech = MECH_KRB5;
		idx = krb_idx;
	} else if (ntlm_idx >= 0 && s->ntlm) {
		s->mech = MECH_NTLM;
		idx = ntlm_idx;
	} else {
		return fail(s, ERROR_ACCESS_DENIED, "no mechanism in common with the client (Kerberos needs a keytab)");
	}
	s->chosen_oid = *static_oid(&t->mechs[idx]);
	/* the optimistic token is for the client's first mechanism only */
	*use_token = idx == 0 && t->mech_token.data;
	if (idx != 0)
		s->mic_due = true; /* RFC 4178 5: not the client's preferred one */
	return 0;
}

static uint32_t reply(struct spnego_st *s, int state, const uint8_t *tok, size_t tok_len, const uint8_t *mic,
		      size_t mic_len, uint8_t **out, size_t *out_len)
{
	struct spnego_blob t = { tok, tok_len }, m = { mic, mic_len };
	const struct spnego_blob *sm = NULL;

	if (!s->client && !s->sent_first_reply)
		sm = &s->chosen_oid;
	if (spnego_encode_resp(state, sm, tok ? &t : NULL, mic ? &m : NULL, out, out_len) < 0)
		return fail(s, ERROR_NOT_ENOUGH_MEMORY, "cannot encode a NegTokenResp");
	if (!s->client)
		s->sent_first_reply = true;
	return 0;
}

static uint32_t server_step(struct spnego_st *s, const uint8_t *in, size_t in_len, uint8_t **out, size_t *out_len)
{
	struct spnego_token t;
	struct spnego_blob sub_in = { 0 };
	uint8_t *sub_out = NULL, *mic = NULL;
	size_t sub_out_len = 0, mic_len = 0;
	int state = SPNEGO_ACCEPT_INCOMPLETE;
	uint32_t rc;

	if (s->established || s->legs > 8)
		return ERROR_INVALID_FUNCTION;
	if (spnego_decode(in, in_len, &t) < 0)
		return fail(s, ERROR_INVALID_DATA, "malformed token");
	if (s->legs == 0) {
		bool use_token = false;
		if (t.kind != SPNEGO_INIT)
			return fail(s, ERROR_INVALID_DATA, "the first token is not a NegTokenInit");
		if (keep_mech_list(s, &t.mech_list) < 0)
			return ERROR_NOT_ENOUGH_MEMORY;
		rc = server_pick(s, &t, &use_token);
		if (rc)
			return rc;
		if (use_token)
			sub_in = t.mech_token;
	} else {
		if (t.kind != SPNEGO_RESP)
			return fail(s, ERROR_INVALID_DATA, "expected a NegTokenResp");
		if (t.neg_state == SPNEGO_REJECT)
			return fail(s, ERROR_ACCESS_DENIED, "the client gave up");
		if (t.supported_mech.data)
			return fail(s, ERROR_INVALID_DATA, "a client named a mechanism in a NegTokenResp");
		sub_in = t.response_token;
		if (!s->sub_done && !sub_in.data)
			return fail(s, ERROR_INVALID_DATA, "a NegTokenResp without the mechanism's token");
		if (s->sub_done && sub_in.data)
			return fail(s, ERROR_INVALID_DATA, "a token after the mechanism finished");
	}
	s->legs++;

	if (sub_in.data) {
		rc = server_sub_step(s, &sub_in, &sub_out, &sub_out_len);
		if (rc == 0)
			s->sub_done = true;
		else if (rc != RPC_AUTH_CONTINUE)
			return rc;
	}
	if (t.mic.data && !s->sub_done) {
		rc = fail(s, ERROR_INVALID_DATA, "a mechListMIC before the mechanism finished");
		goto out;
	}
	if (s->sub_done) {
		if (t.mic.data) {
			rc = check_mic(s, &t.mic);
			if (rc == 0)
				rc = make_mic(s, &mic, &mic_len);
			if (rc)
				goto out;
			state = SPNEGO_ACCEPT_COMPLETED;
		} else if (s->mic_due && !sub_out) {
			rc = fail(s, ERROR_ACCESS_DENIED, "the client sent no mechListMIC where MS-SPNG requires one");
			goto out;
		} else if (!s->mic_due) {
			state = SPNEGO_ACCEPT_COMPLETED;
		} /* else: our last token goes out first, the client's MIC comes next */
	}
	rc = reply(s, state, sub_out, sub_out_len, mic, mic_len, out, out_len);
	if (rc == 0 && state == SPNEGO_ACCEPT_COMPLETED)
		s->established = true;
	else if (rc == 0)
		rc = RPC_AUTH_CONTINUE;
out:
	free(sub_out);
	free(mic);
	return rc;
}

/* ---- client --------------------------------------------------------------------------- */

static uint32_t client_start_ntlm(struct spnego_st *s, uint8_t **tok, size_t *tok_len)
{
	struct ntlmssp_client_config cfg = {
		.user = s->user,
		.domain = s->domain ? s->domain : "",
		.password = s->password,
		.mic = true,
	};
	uint32_t rc;

	s->ntlm = ntlmssp_client_start(&cfg);
	if (!s->ntlm)
		return ERROR_NOT_ENOUGH_MEMORY;
	rc = ntlmssp_client_negotiate(s->ntlm, tok, tok_len);
	s->legs_ntlm = 1;
	s->mech = MECH_NTLM;
	return rc;
}

static uint32_t client_first(struct spnego_st *s, uint8_t **out, size_t *out_len)
{
	struct spnego_blob mechs[2], tok;
	size_t n = 0;
	uint8_t *sub = NULL;
	size_t sub_len = 0;
	bool ntlm = s->user && s->password;
	uint32_t rc;

	if (s->host && rpc_auth_krb5_client_has_creds() && rpc_auth_krb5_client(s->host, &s->krb) == 0) {
		rc = s->krb.ops->step(s->krb.st, NULL, 0, &sub, &sub_len);
		if (rc == RPC_AUTH_CONTINUE) {
			s->mech = MECH_KRB5;
			mechs[n++] = oid_krb5;
		} else {
			/* e.g. no ticket for the SPN: NTLM if we can */
			snprintf(s->err, sizeof(s->err), "%s", rpc_auth_gss_error(&s->krb));
			rpc_auth_free(&s->krb);
			free(sub);
			sub = NULL;
			if (!ntlm)
				return rc ? rc : ERROR_ACCESS_DENIED;
		}
	}
	if (ntlm) {
		if (n == 0) {
			rc = client_start_ntlm(s, &sub, &sub_len);
			if (rc)
				return fail(s, rc, "NTLMSSP NEGOTIATE failed");
		}
		mechs[n++] = oid_ntlm;
	}
	if (n == 0)
		return fail(s, ERROR_ACCESS_DENIED,
			    "no Kerberos ticket (run kinit) and no NTLM user and password to authenticate with");
	if (spnego_encode_mech_list(mechs, n, &s->mech_list, &s->mech_list_len) < 0) {
		free(sub);
		return ERROR_NOT_ENOUGH_MEMORY;
	}
	tok.data = sub;
	tok.len = sub_len;
	rc = spnego_encode_init(mechs, n, &tok, NULL, out, out_len) < 0 ? ERROR_NOT_ENOUGH_MEMORY : 0;
	free(sub);
	return rc ? rc : RPC_AUTH_CONTINUE;
}

static uint32_t client_sub_step(struct spnego_st *s, const struct spnego_blob *tok, uint8_t **out, size_t *out_len)
{
	uint32_t rc;

	if (s->mech == MECH_KRB5) {
		rc = s->krb.ops->step(s->krb.st, tok->data, tok->len, out, out_len);
		if (rc && rc != RPC_AUTH_CONTINUE)
			snprintf(s->err, sizeof(s->err), "%s", rpc_auth_gss_error(&s->krb));
		return rc;
	}
	if (s->legs_ntlm != 1)
		return fail(s, ERROR_INVALID_DATA, "an NTLM token after the AUTHENTICATE");
	s->legs_ntlm++;
	rc = ntlmssp_client_authenticate(s->ntlm, tok->data, tok->len, out, out_len);
	if (rc)
		return fail(s, rc, "the server's NTLM CHALLENGE was refused");
	if (ntlm_auth_has_mic(*out, *out_len))
		s->mic_due = true;
	prot_init(&s->np, s->ntlm, true);
	return 0;
}

static uint32_t client_step(struct spnego_st *s, const uint8_t *in, size_t in_len, uint8_t **out, size_t *out_len)
{
	struct spnego_token t;
	uint8_t *sub_out = NULL, *mic = NULL;
	size_t sub_out_len = 0, mic_len = 0;
	uint32_t rc = 0;

	if (s->established || s->legs > 8)
		return ERROR_INVALID_FUNCTION;
	if (s->legs++ == 0) {
		if (in_len)
			return ERROR_INVALID_DATA;
		return client_first(s, out, out_len);
	}
	if (spnego_decode(in, in_len, &t) < 0 || t.kind != SPNEGO_RESP)
		return fail(s, ERROR_INVALID_DATA, "malformed reply from the server");
	if (t.neg_state == SPNEGO_REJECT)
		return fail(s, ERROR_ACCESS_DENIED, "the server rejected every mechanism offered");
	if (!s->got_first_reply) {
		enum mech m = mech_of(&t.supported_mech);
		if (m == MECH_NONE || (m == MECH_NTLM && !(s->user && s->password)))
			return fail(s, ERROR_ACCESS_DENIED, "the server chose a mechanism we did not offer");
		s->got_first_reply = true;
		if (m != s->mech) {
			/* it declined our optimistic Kerberos token: NTLM from the start */
			if (t.response_token.data)
				return fail(s, ERROR_INVALID_DATA, "a token for a mechanism we did not start");
			rpc_auth_free(&s->krb);
			s->mic_due = true;
			rc = client_start_ntlm(s, &sub_out, &sub_out_len);
			if (rc == 0)
				rc = reply(s, SPNEGO_ABSENT, sub_out, sub_out_len, NULL, 0, out, out_len);
			free(sub_out);
			return rc ? rc : RPC_AUTH_CONTINUE;
		}
	} else if (t.supported_mech.data && mech_of(&t.supported_mech) != s->mech) {
		return fail(s, ERROR_INVALID_DATA, "the server changed its mechanism");
	}

	if (s->mic_sent) {
		/* the last leg: the server's verdict and its MIC */
		if (t.neg_state != SPNEGO_ACCEPT_COMPLETED || !t.mic.data || t.response_token.data)
			return fail(s, ERROR_ACCESS_DENIED, "the server did not confirm the mechanism list");
		rc = check_mic(s, &t.mic);
		if (rc == 0)
			s->established = true;
		return rc;
	}
	if (t.response_token.data && !s->sub_done) {
		rc = client_sub_step(s, &t.response_token, &sub_out, &sub_out_len);
		if (rc == 0)
			s->sub_done = true;
		else if (rc != RPC_AUTH_CONTINUE)
			return rc;
		rc = 0;
	} else if (!s->sub_done) {
		return fail(s, ERROR_INVALID_DATA, "a NegTokenResp without the mechanism's token");
	}
	if (s->sub_done && t.neg_state == SPNEGO_ACCEPT_COMPLETED && !sub_out) {
		/* the server finished first */
		if (t.mic.data)
			rc = check_mic(s, &t.mic);
		else if (s->mic_due)
			rc = fail(s, ERROR_ACCESS_DENIED, "the server sent no mechListMIC");
		if (rc == 0)
			s->established = true;
		return rc;
	}
	if (s->sub_done && s->mic_due) {
		rc = make_mic(s, &mic, &mic_len);
		if (rc == 0)
			rc = reply(s, SPNEGO_ABSENT, sub_out, sub_out_len, mic, mic_len, out, out_len);
		if (rc == 0) {
			s->mic_sent = true;
			rc = RPC_AUTH_CONTINUE; /* alter_context: the server's MIC must come back */
		}
	} else {
		rc = reply(s, SPNEGO_ABSENT, sub_out, sub_out_len, NULL, 0, out, out_len);
		if (rc == 0 && s->sub_done)
			s->established = true; /* auth3: nothing comes back */
		else if (rc == 0)
			rc = RPC_AUTH_CONTINUE;
	}
	free(sub_out);
	free(mic);
	return rc;
}

/* ---- the provider ----------------------------------------------------------------------- */

static uint32_t spnego_step(void *p, const uint8_t *in, size_t in_len, uint8_t **out, size_t *out_len)
{
	struct spnego_st *s = p;

	*out = NULL;
	*out_len = 0;
	if (in_len > RPC_AUTH_MAX_TOKEN)
		return ERROR_INVALID_DATA;
	uint32_t rc = s->client ? client_step(s, in, in_len, out, out_len) : server_step(s, in, in_len, out, out_len);
	if (rc && rc != RPC_AUTH_CONTINUE) {
		free(*out);
		*out = NULL;
		*out_len = 0;
		s->legs = 99; /* no more legs after a failure */
	}
	return rc;
}

static size_t spnego_sig_size(void *p, size_t data_len)
{
	struct spnego_st *s = p;

	if (!s->established)
		return 0;
	if (s->mech == MECH_KRB5)
		return s->krb.ops->sig_size(s->krb.st, data_len);
	return NTLMSSP_SIGNATURE_LEN;
}

static bool layout_ok(size_t pdu_len, size_t data_off, size_t data_len)
{
	return data_off <= pdu_len && data_len <= pdu_len - data_off;
}

static uint32_t spnego_sign(void *p, const uint8_t *pdu, size_t pdu_len, size_t data_off, size_t data_len,
			    bool hdr_sign, uint8_t *sig, size_t *sig_len)
{
	struct spnego_st *s = p;

	*sig_len = 0;
	if (!s->established)
		return ERROR_INVALID_FUNCTION;
	if (s->mech == MECH_KRB5)
		return s->krb.ops->sign(s->krb.st, pdu, pdu_len, data_off, data_len, hdr_sign, sig, sig_len);
	/* NTLMSSP signs the whole PDU, header signing or not */
	ntlm_make_sig(&s->np, &s->np.send, pdu, pdu_len, NULL, 0, sig);
	*sig_len = NTLMSSP_SIGNATURE_LEN;
	return 0;
}

static uint32_t spnego_seal(void *p, uint8_t *pdu, size_t pdu_len, size_t data_off, size_t data_len, bool hdr_sign,
			    uint8_t *sig, size_t *sig_len)
{
	struct spnego_st *s = p;

	*sig_len = 0;
	if (!s->established)
		return ERROR_INVALID_FUNCTION;
	if (s->mech == MECH_KRB5)
		return s->krb.ops->seal(s->krb.st, pdu, pdu_len, data_off, data_len, hdr_sign, sig, sig_len);
	if (!layout_ok(pdu_len, data_off, data_len))
		return ERROR_INVALID_PARAMETER;
	ntlm_make_sig(&s->np, &s->np.send, pdu, pdu_len, pdu + data_off, data_len, sig);
	*sig_len = NTLMSSP_SIGNATURE_LEN;
	return 0;
}

static uint32_t spnego_verify(void *p, const uint8_t *pdu, size_t pdu_len, size_t data_off, size_t data_len,
			      bool hdr_sign, const uint8_t *sig, size_t sig_len)
{
	struct spnego_st *s = p;

	if (!s->established)
		return ERROR_INVALID_FUNCTION;
	if (s->mech == MECH_KRB5)
		return s->krb.ops->verify(s->krb.st, pdu, pdu_len, data_off, data_len, hdr_sign, sig, sig_len);
	return ntlm_check_sig(&s->np, &s->np.recv, pdu, pdu_len, NULL, 0, sig, sig_len);
}

static uint32_t spnego_unseal(void *p, uint8_t *pdu, size_t pdu_len, size_t data_off, size_t data_len, bool hdr_sign,
			      const uint8_t *sig, size_t sig_len)
{
	struct spnego_st *s = p;

	if (!s->established)
		return ERROR_INVALID_FUNCTION;
	if (s->mech == MECH_KRB5)
		return s->krb.ops->unseal(s->krb.st, pdu, pdu_len, data_off, data_len, hdr_sign, sig, sig_len);
	if (!layout_ok(pdu_len, data_off, data_len))
		return ERROR_ACCESS_DENIED;
	return ntlm_check_sig(&s->np, &s->np.recv, pdu, pdu_len, pdu + data_off, data_len, sig, sig_len);
}

static uint32_t spnego_peer(void *p, struct rpc_auth_peer *out)
{
	struct spnego_st *s = p;
	const char *user, *domain;

	memset(out, 0, sizeof(*out));
	if (s->client || !s->established)
		return ERROR_INVALID_FUNCTION;
	if (s->mech == MECH_KRB5)
		return s->krb.ops->peer(s->krb.st, out);
	user = ntlmssp_user(s->ntlm);
	domain = ntlmssp_domain(s->ntlm);
	if (!user || strlen(user) >= sizeof(out->name) || (domain && strlen(domain) >= sizeof(out->domain)))
		return ERROR_INVALID_DATA;
	out->auth_type = RPC_AUTHN_WINNT;
	snprintf(out->name, sizeof(out->name), "%s", user);
	if (domain)
		snprintf(out->domain, sizeof(out->domain), "%s", domain);
	return 0;
}

static void free_secret(char *p)
{
	if (p) {
		memset(p, 0, strlen(p));
		free(p);
	}
}

static void spnego_free(void *p)
{
	struct spnego_st *s = p;

	rpc_auth_free(&s->krb);
	if (s->ntlm)
		ntlmssp_free(s->ntlm);
	free(s->mech_list);
	free((char *)s->krb_cfg_copy.keytab);
	free((char *)s->krb_cfg_copy.state_dir);
	free((char *)s->krb_cfg_copy.host);
	free(s->host);
	free(s->user);
	free(s->domain);
	free_secret(s->password);
	memset(&s->np, 0, sizeof(s->np));
	free(s);
}

static const struct rpc_auth_ops spnego_ops = {
	.auth_type = RPC_AUTHN_GSS_NEGOTIATE,
	.name = "SPNEGO",
	.step = spnego_step,
	.sig_size = spnego_sig_size,
	.sign = spnego_sign,
	.seal = spnego_seal,
	.verify = spnego_verify,
	.unseal = spnego_unseal,
	.peer = spnego_peer,
	.free = spnego_free,
};

static char *dup_opt(const char *v, bool *failed)
{
	char *d;

	if (!v)
		return NULL;
	d = strdup(v);
	if (!d)
		*failed = true;
	return d;
}

uint32_t rpc_auth_spnego_server(const struct rpc_auth_spnego_server_config *cfg, struct rpc_auth *out)
{
	struct spnego_st *s;
	bool failed = false;

	out->ops = NULL;
	out->st = NULL;
	if (!cfg || (!cfg->krb5 && !cfg->ntlmssp))
		return ERROR_INVALID_PARAMETER;
	s = calloc(1, sizeof(*s));
	if (!s)
		return ERROR_NOT_ENOUGH_MEMORY;
	if (cfg->krb5) {
		s->have_krb_cfg = true;
		s->krb_cfg_copy.keytab = dup_opt(cfg->krb5->keytab, &failed);
		s->krb_cfg_copy.state_dir = dup_opt(cfg->krb5->state_dir, &failed);
		s->krb_cfg_copy.host = dup_opt(cfg->krb5->host, &failed);
	}
	/* ntlmssp.c copies what it keeps of the configuration */
	if (cfg->ntlmssp && !(s->ntlm = ntlmssp_server_start(cfg->ntlmssp)))
		failed = true;
	if (failed) {
		spnego_free(s);
		return ERROR_NOT_ENOUGH_MEMORY;
	}
	out->ops = &spnego_ops;
	out->st = s;
	return 0;
}

uint32_t rpc_auth_spnego_client(const char *host, const struct rpc_auth_client_creds *creds, struct rpc_auth *out)
{
	struct spnego_st *s;
	bool failed = false;

	out->ops = NULL;
	out->st = NULL;
	if (!host && !(creds && creds->user))
		return ERROR_INVALID_PARAMETER;
	s = calloc(1, sizeof(*s));
	if (!s)
		return ERROR_NOT_ENOUGH_MEMORY;
	s->client = true;
	s->host = dup_opt(host, &failed);
	if (creds && creds->user && creds->password) {
		s->user = dup_opt(creds->user, &failed);
		s->domain = dup_opt(creds->domain, &failed);
		s->password = dup_opt(creds->password, &failed);
	}
	if (failed) {
		spnego_free(s);
		return ERROR_NOT_ENOUGH_MEMORY;
	}
	out->ops = &spnego_ops;
	out->st = s;
	return 0;
}

uint8_t rpc_auth_spnego_mech(const struct rpc_auth *a)
{
	const struct spnego_st *s;

	if (!a || !a->ops)
		return RPC_AUTHN_NONE;
	if (a->ops != &spnego_ops)
		return a->ops->auth_type;
	s = a->st;
	if (!s->established)
		return RPC_AUTHN_NONE;
	return s->mech == MECH_KRB5 ? RPC_AUTHN_GSS_KERBEROS : RPC_AUTHN_WINNT;
}

const char *rpc_auth_gss_error(const struct rpc_auth *a)
{
	if (a && a->ops == &spnego_ops)
		return ((const struct spnego_st *)a->st)->err;
	return krb5_auth_error(a);
}

uint32_t rpc_auth_gss_server_start(void *arg, uint8_t auth_type, struct rpc_auth *out)
{
	const struct rpc_auth_spnego_server_config *cfg = arg;
	uint32_t rc;

	out->ops = NULL;
	out->st = NULL;
	if (!cfg)
		return ERROR_NOT_SUPPORTED;
	switch (auth_type) {
	case RPC_AUTHN_GSS_NEGOTIATE:
		rc = rpc_auth_spnego_server(cfg, out);
		return rc == ERROR_INVALID_PARAMETER ? ERROR_NOT_SUPPORTED : rc; /* nothing configured */
	case RPC_AUTHN_WINNT:
		return cfg->ntlmssp ? rpc_auth_ntlmssp_server(cfg->ntlmssp, out) : ERROR_NOT_SUPPORTED;
	case RPC_AUTHN_GSS_KERBEROS:
		return cfg->krb5 ? rpc_auth_krb5_server(cfg->krb5, out) : ERROR_NOT_SUPPORTED;
	default:
		return ERROR_NOT_SUPPORTED;
	}
}
