/* SIG-02 (catalogue F): RSA-PSS parameters. SIG-02 runs the grid of hash,
 * MGF1 hash and salt length through the token and OpenSSL; SIG-02b checks
 * that inconsistent parameters are refused with
 * CKR_MECHANISM_PARAM_INVALID (Curr. Mech. v2.40 §2.1.10-2.1.11,
 * unconfirmed). */
#include <stdio.h>
#include <string.h>

#include <openssl/crypto.h>

#include "sigaudit/guard.h"

#include "sig_sign_int.h"

#define PSS_BITS 2048UL
/* RFC 8017 §9.1.1: emLen = ceil((modBits - 1) / 8); sLen <= emLen - hLen
 * - 2. */
#define PSS_EMLEN ((PSS_BITS - 1 + 7) / 8)

static const unsigned char pss_msg[] = "sigaudit SIG-02 RSA-PSS parameters";

/* The mechanism for hash h: the combined one when listed, else
 * CKM_RSA_PKCS_PSS over the hash; SA_MECH_END when neither is. */
static CK_MECHANISM_TYPE pss_mech(sa_case_ctx *ctx, CK_MECHANISM_TYPE h,
                                  bool *prehash)
{
	static const struct {
		CK_MECHANISM_TYPE h, m;
	} tab[] = {
	    {CKM_SHA_1, CKM_SHA1_RSA_PKCS_PSS},
	    {CKM_SHA224, CKM_SHA224_RSA_PKCS_PSS},
	    {CKM_SHA256, CKM_SHA256_RSA_PKCS_PSS},
	    {CKM_SHA384, CKM_SHA384_RSA_PKCS_PSS},
	    {CKM_SHA512, CKM_SHA512_RSA_PKCS_PSS},
	};
	size_t i;

	*prehash = false;
	for (i = 0; i < SA_COUNTOF(tab); i++)
		if (tab[i].h == h && sa_case_has_mech(ctx, tab[i].m))
			return tab[i].m;
	*prehash = true;
	return sa_case_has_mech(ctx, CKM_RSA_PKCS_PSS) ? CKM_RSA_PKCS_PSS
	                                               : SA_MECH_END;
}

/* One grid point. Returns false when the token refused an optional MGF
 * (the caller then skips the other salt lengths of that MGF). */
static bool pss_point(sa_case_ctx *ctx, CK_SESSION_HANDLE s,
                      CK_OBJECT_HANDLE priv, EVP_PKEY *pk, const sa_ss_alg *a,
                      bool optional)
{
	sa_error *err = sa_case_err(ctx);
	sa_buf in = SA_BUF_INIT, sig = SA_BUF_INIT;
	CK_RSA_PKCS_PSS_PARAMS p;
	CK_MECHANISM m;
	char what[200];
	bool valid = false, go_on = true;
	CK_RV rv;

	sa_ss_mech(a, &p, &m);
	if (sa_ss_input(a, pss_msg, sizeof(pss_msg) - 1, &in, err) < 0) {
		sa_case_error(ctx, "set-up: %s", err->msg);
		goto out;
	}
	snprintf(what, sizeof(what), "%s MGF1-%s sLen=%ld: C_Sign", a->name,
	         a->mgf_md, a->slen);
	rv = sa_ss_sign(ctx, s, priv, &m, in.data, in.len, &sig);
	if (optional && rv != CKR_OK) {
		/* MGF1 with another hash is optional (the refusal code is
		 * SIG-02b's business). */
		sa_case_note(ctx, "%s MGF1-%s: refused (%s): optional, not run",
		             a->name, a->mgf_md, sa_p11_rv_name(rv));
		go_on = false;
		goto out;
	}
	if (!sa_p11_check_rv(ctx, what, rv, CKR_OK, SA_STRICT_ONLY))
		goto out;
	snprintf(what, sizeof(what),
	         "%s MGF1-%s sLen=%ld: OpenSSL verifies with the same "
	         "parameters",
	         a->name, a->mgf_md, a->slen);
	if (sa_ss_ossl_verify(pk, a, in.data, in.len, sig.data, sig.len, &valid,
	                      err) < 0)
		sa_case_error(ctx, "%s: OpenSSL could not verify: %s", what,
		              err->msg);
	else
		sa_case_check(ctx, valid, what, "valid",
		              valid ? "valid" : "INVALID");
out:
	sa_buf_free(&sig);
	sa_buf_free(&in);
	return go_on;
}

void sa_ss_sig02_grid(sa_case_ctx *ctx)
{
	static const CK_MECHANISM_TYPE hashes[] = {CKM_SHA256, CKM_SHA384,
	                                           CKM_SHA512};
	static const CK_MECHANISM_TYPE mgfs[] = {CKM_SHA_1, CKM_SHA256,
	                                         CKM_SHA384, CKM_SHA512};
	CK_SESSION_HANDLE s = CK_INVALID_HANDLE;
	CK_OBJECT_HANDLE pub = CK_INVALID_HANDLE, priv = CK_INVALID_HANDLE;
	EVP_PKEY *pk = NULL;
	size_t i, j, k, ran = 0;
	char name[64];

	if (sa_ss_open(ctx, &s) < 0)
		goto out;
	if (sa_ss_setup(ctx, sa_ss_gen_rsa(ctx, s, PSS_BITS, &pub, &priv),
	                "C_GenerateKeyPair(RSA-2048)") < 0)
		goto out;
	if (sa_p11_ossl_pubkey_from_token(ctx, s, pub, &pk) < 0) {
		sa_case_error(ctx, "set-up: public key: %s",
		              sa_case_err(ctx)->msg);
		goto out;
	}
	for (i = 0; i < SA_COUNTOF(hashes); i++) {
		sa_ss_alg a = {0};
		size_t hlen = 0;
		bool pre;

		a.mech = pss_mech(ctx, hashes[i], &pre);
		if (a.mech == SA_MECH_END) {
			sa_case_note(ctx,
			             "no RSA-PSS mechanism for %s is listed: "
			             "not run",
			             sa_p11_mech_name(hashes[i]));
			continue;
		}
		a.md = sa_ss_hash_md(hashes[i], &hlen);
		snprintf(name, sizeof(name), "%s%s%s%s",
		         sa_p11_mech_name(a.mech), pre ? "(" : "",
		         pre ? a.md : "", pre ? ")" : "");
		a.name = name;
		a.hash = hashes[i];
		a.prehash = pre;
		a.pss = true;
		for (j = 0; j < SA_COUNTOF(mgfs); j++) {
			const long slens[] = {0, (long)hlen,
			                      (long)(PSS_EMLEN - hlen - 2)};

			a.mgf = sa_ss_hash_mgf(mgfs[j]);
			a.mgf_md = sa_ss_hash_md(mgfs[j], NULL);
			for (k = 0; k < SA_COUNTOF(slens); k++) {
				a.slen = slens[k];
				ran++;
				if (!pss_point(ctx, s, priv, pk, &a,
				               mgfs[j] != hashes[i]))
					break;
			}
		}
	}
	if (ran == 0)
		sa_case_skip(ctx, "the token lists no RSA-PSS mechanism");
out:
	EVP_PKEY_free(pk);
	sa_p11_destroy(ctx, s, &priv);
	sa_p11_destroy(ctx, s, &pub);
	sa_p11_close(ctx, &s);
}

/* Parameters that must be refused: at C_SignInit (strict) or, leniently,
 * at C_Sign; the same at C_VerifyInit / C_Verify. */
static void pss_refused(sa_case_ctx *ctx, CK_SESSION_HANDLE s,
                        CK_OBJECT_HANDLE priv, CK_OBJECT_HANDLE pub,
                        CK_MECHANISM_TYPE mech, CK_RSA_PKCS_PSS_PARAMS p,
                        const char *label)
{
	CK_FUNCTION_LIST_PTR f = sa_case_p11(ctx);
	CK_MECHANISM m = {mech, &p, sizeof(p)};
	unsigned char in[64], out[512];
	CK_ULONG in_len = sizeof(in), out_len;
	char what[200];
	int side;
	CK_RV rv;

	memset(in, 0x5a, sizeof(in));
	/* The raw mechanism takes a hash of hashAlg's length. */
	if (mech == CKM_RSA_PKCS_PSS) {
		size_t hl = 0;

		if (sa_ss_hash_md(p.hashAlg, &hl) != NULL && hl <= sizeof(in))
			in_len = (CK_ULONG)hl;
	}
	for (side = 0; side < 2; side++) {
		const char *fn = side == 0 ? "C_SignInit" : "C_VerifyInit";

		rv = side == 0 ? f->C_SignInit(s, &m, priv)
		               : f->C_VerifyInit(s, &m, pub);
		snprintf(what, sizeof(what), "%s %s: %s", label,
		         sa_p11_mech_name(mech), fn);
		if (rv != CKR_OK) {
			sa_p11_check_rv(ctx, what, rv,
			                CKR_MECHANISM_PARAM_INVALID,
			                SA_STRICT_ONLY);
			continue;
		}
		memset(out, 0, sizeof(out));
		out_len = sizeof(out);
		rv = side == 0 ? f->C_Sign(s, in, in_len, out, &out_len)
		               : f->C_Verify(s, in, in_len, out, 256);
		snprintf(what, sizeof(what),
		         "%s %s: %s accepted the parameters; refused by the "
		         "operation (lenient)",
		         label, sa_p11_mech_name(mech), fn);
		if (sa_p11_check_rv(ctx, what, rv, CKR_MECHANISM_PARAM_INVALID,
		                    SA_STRICT_ONLY))
			sa_case_mark_lenient(ctx);
	}
}

void sa_ss_sig02_param(sa_case_ctx *ctx)
{
	CK_SESSION_HANDLE s = CK_INVALID_HANDLE;
	CK_OBJECT_HANDLE pub = CK_INVALID_HANDLE, priv = CK_INVALID_HANDLE;
	CK_RSA_PKCS_PSS_PARAMS p;
	CK_MECHANISM_TYPE m;
	bool pre = false, ran = false;

	if (sa_ss_open(ctx, &s) < 0)
		goto out;
	if (sa_ss_setup(ctx, sa_ss_gen_rsa(ctx, s, PSS_BITS, &pub, &priv),
	                "C_GenerateKeyPair(RSA-2048)") < 0)
		goto out;
	/* For the combined mechanisms hashAlg names the mechanism's own
	 * hash (Curr. Mech. §2.1.11, unconfirmed). The MGF keeps the
	 * mechanism's hash so that only hashAlg is wrong. */
	if (sa_case_has_mech(ctx, CKM_SHA256_RSA_PKCS_PSS)) {
		p = (CK_RSA_PKCS_PSS_PARAMS){CKM_SHA512, CKG_MGF1_SHA256, 32};
		pss_refused(ctx, s, priv, pub, CKM_SHA256_RSA_PKCS_PSS, p,
		            "hashAlg=CKM_SHA512");
		ran = true;
	}
	if (sa_case_has_mech(ctx, CKM_SHA384_RSA_PKCS_PSS)) {
		p = (CK_RSA_PKCS_PSS_PARAMS){CKM_SHA256, CKG_MGF1_SHA384, 48};
		pss_refused(ctx, s, priv, pub, CKM_SHA384_RSA_PKCS_PSS, p,
		            "hashAlg=CKM_SHA256");
		ran = true;
	}
	if (!ran)
		sa_case_note(ctx, "no combined SHA-2 RSA-PSS mechanism is "
		                  "listed: the hashAlg part is not run");
	/* MGF1 with a hash other than the signature's is optional; a
	 * token that does not do it says which parameter is refused. */
	m = pss_mech(ctx, CKM_SHA256, &pre);
	if (m != SA_MECH_END) {
		CK_MECHANISM mm = {m, &p, sizeof(p)};
		CK_RV rv;

		p = (CK_RSA_PKCS_PSS_PARAMS){CKM_SHA256, CKG_MGF1_SHA1, 32};
		rv = sa_case_p11(ctx)->C_SignInit(s, &mm, priv);
		if (rv == CKR_OK) {
			unsigned char in[32], out[512];
			CK_ULONG n = sizeof(out);

			memset(in, 0x5a, sizeof(in));
			rv = sa_case_p11(ctx)->C_Sign(s, in, sizeof(in), out,
			                              &n);
			sa_case_note(
			    ctx,
			    "MGF1-SHA1 with SHA-256 accepted "
			    "(optional; C_Sign %s; verified in SIG-02)",
			    sa_p11_rv_name(rv));
		} else {
			sa_p11_check_rv(ctx,
			                "hashAlg=CKM_SHA256 mgf=CKG_MGF1_SHA1 "
			                "(optional combination): C_SignInit "
			                "refusal code",
			                rv, CKR_MECHANISM_PARAM_INVALID,
			                SA_STRICT_ONLY);
		}
	}
	/* RFC 8017 §9.1.1 step 3: emLen < hLen + sLen + 2 is an "encoding
	 * error"; the token knows the modulus at C_SignInit. */
	m = pss_mech(ctx, CKM_SHA256, &pre);
	if (m != SA_MECH_END) {
		p = (CK_RSA_PKCS_PSS_PARAMS){CKM_SHA256, CKG_MGF1_SHA256,
		                             PSS_EMLEN - 32 - 2 + 1};
		pss_refused(ctx, s, priv, pub, m, p, "sLen=max+1 (223)");
		p.sLen = 0x7fffffffUL;
		pss_refused(ctx, s, priv, pub, m, p, "sLen=0x7fffffff");
		ran = true;
	}
	if (!ran)
		sa_case_skip(ctx, "the token lists no RSA-PSS mechanism");
out:
	sa_p11_destroy(ctx, s, &priv);
	sa_p11_destroy(ctx, s, &pub);
	sa_p11_close(ctx, &s);
}
