/* Key protection: private objects are invisible without login (KP-15).
 * Descriptions and references: kp_policy.c. */
#include <stdio.h>
#include <string.h>

#include "sigaudit/guard.h"

#include "kp_policy_int.h"
#include "kp_util.h"

/* How many handles of private objects the case remembers and probes. */
#define KP15_MAX    64
#define KP15_PROBES 4
#define KP15_TOKEN  "sigaudit-kp15-token"
#define KP15_PRIV   "sigaudit-kp15-private"
#define KP15_PUBLIC "sigaudit-kp15-public"

struct handles {
	CK_OBJECT_HANDLE h[KP15_MAX];
	CK_ULONG n;
};

static bool has_handle(const struct handles *hs, CK_OBJECT_HANDLE h)
{
	CK_ULONG i;

	for (i = 0; i < hs->n; i++)
		if (hs->h[i] == h)
			return true;
	return false;
}

/* The handles a search with template t finds (at most KP15_MAX). */
static CK_RV find_all(sa_case_ctx *ctx, CK_SESSION_HANDLE s, CK_ATTRIBUTE *t,
                      CK_ULONG nt, struct handles *out)
{
	CK_FUNCTION_LIST_PTR f = sa_case_p11(ctx);
	CK_ULONG got = 0;
	CK_RV rv;

	out->n = 0;
	rv = f->C_FindObjectsInit(s, t, nt);
	if (rv != CKR_OK)
		goto out;
	rv = f->C_FindObjects(s, out->h, KP15_MAX, &got);
	if (rv == CKR_OK)
		out->n = got > KP15_MAX ? KP15_MAX : got;
	(void)f->C_FindObjectsFinal(s);
out:
	return rv;
}

/* A private token object for the case when the token has none: CKO_DATA,
 * deleted at the end of the case. */
static CK_RV make_token_object(sa_case_ctx *ctx, CK_SESSION_HANDLE s,
                               CK_OBJECT_HANDLE *out)
{
	static const char value[] = "sigaudit";
	static const CK_BBOOL token_true = CK_TRUE;
	sa_kp_tmpl t;

	sa_kp_tmpl_init(&t);
	/* The template builder starts with CKA_TOKEN FALSE; this one object
	 * must be a token object (private session objects disappear at
	 * logout, which would prove nothing about visibility). */
	t.attrs[0].pValue = (void *)&token_true;
	sa_kp_tmpl_ulong(&t, CKA_CLASS, CKO_DATA);
	sa_kp_tmpl_bool(&t, CKA_PRIVATE, true);
	sa_kp_tmpl_add(&t, CKA_LABEL, KP15_TOKEN, strlen(KP15_TOKEN));
	sa_kp_tmpl_add(&t, CKA_VALUE, value, sizeof(value) - 1);
	*out = CK_INVALID_HANDLE;
	return sa_case_p11(ctx)->C_CreateObject(s, t.attrs, t.n, out);
}

void sa_kp15_private_visibility(sa_case_ctx *ctx)
{
	CK_FUNCTION_LIST_PTR f = sa_case_p11(ctx);
	CK_SESSION_HANDLE s = CK_INVALID_HANDLE;
	CK_OBJECT_HANDLE priv = CK_INVALID_HANDLE, pub = CK_INVALID_HANDLE;
	CK_OBJECT_HANDLE made = CK_INVALID_HANDLE;
	sa_kp_opts priv_o = {.private_obj = SA_KP_TRUE,
	                     .sensitive = SA_KP_TRUE,
	                     .label = KP15_PRIV};
	sa_kp_opts pub_o = {.private_obj = SA_KP_FALSE,
	                    .sensitive = SA_KP_TRUE,
	                    .label = KP15_PUBLIC};
	CK_BBOOL yes = CK_TRUE;
	CK_ATTRIBUTE priv_tok[] = {
	    {CKA_TOKEN, &yes, sizeof(yes)},
	    {CKA_PRIVATE, &yes, sizeof(yes)},
	};
	CK_ATTRIBUTE priv_any[] = {
	    {CKA_PRIVATE, &yes, sizeof(yes)},
	};
	struct handles privs, seen;
	bool logged_in = false, leaked = false;
	CK_ULONG i, n = 0;
	char what[160];
	CK_RV rv;

	memset(&privs, 0, sizeof(privs));
	memset(&seen, 0, sizeof(seen));
	if (sa_kp_open(ctx, true, &s) < 0)
		goto out;
	logged_in = true;
	if (sa_kp_setup(ctx, sa_kp_import(ctx, s, SA_KP_AES128, &priv_o, &priv),
	                "C_CreateObject(private AES-128 session key)") < 0 ||
	    sa_kp_setup(ctx, sa_kp_import(ctx, s, SA_KP_AES256, &pub_o, &pub),
	                "C_CreateObject(public AES-256 session key)") < 0)
		goto out;

	rv = find_all(ctx, s, priv_tok, SA_COUNTOF(priv_tok), &privs);
	if (sa_kp_setup(ctx, rv, "C_FindObjects(private token objects)") < 0)
		goto out;
	if (privs.n == 0) {
		rv = make_token_object(ctx, s, &made);
		if (sa_kp_setup(ctx, rv,
		                "C_CreateObject(private CKO_DATA token "
		                "object)") < 0)
			goto out;
		sa_case_note(ctx,
		             "the token held no private token object: "
		             "the case made one and deletes it at the end");
		privs.h[privs.n++] = made;
	}
	if (privs.n < KP15_MAX)
		privs.h[privs.n++] = priv;

	rv = f->C_Logout(s);
	if (sa_kp_setup(ctx, rv, "C_Logout") < 0)
		goto out;
	logged_in = false;

	/* "An object search in an R/W Public Session will not find any
	 * private objects (even if one of the attributes in the search
	 * template specifies that the search is for private objects)"
	 * (B2.40 §5.7.7). */
	rv = find_all(ctx, s, priv_any, SA_COUNTOF(priv_any), &seen);
	sa_case_checkf(ctx, rv == CKR_OK && seen.n == 0,
	               "C_FindObjects for CKA_PRIVATE=TRUE in a public session",
	               "CKR_OK, 0 objects", "%s, %lu objects",
	               sa_p11_rv_name(rv), (unsigned long)seen.n);
	rv = find_all(ctx, s, NULL, 0, &seen);
	for (i = 0; rv == CKR_OK && i < seen.n; i++)
		if (has_handle(&privs, seen.h[i]))
			leaked = true;
	sa_case_checkf(ctx, rv == CKR_OK && !leaked,
	               "C_FindObjects for every object in a public session: "
	               "no handle of a private object",
	               "CKR_OK, none of the private handles",
	               "%s, %lu objects, %s", sa_p11_rv_name(rv),
	               (unsigned long)seen.n,
	               leaked ? "private handles among them"
	                      : "none of the private handles");

	/* "When C_Logout successfully executes, any of the application's
	 * handles to private objects become invalid" (B2.40 §5.6.8). */
	for (i = 0; i < privs.n && i < KP15_PROBES; i++) {
		CK_OBJECT_CLASS cls = 0;
		CK_ATTRIBUTE a = {CKA_CLASS, &cls, sizeof(cls)};

		rv = f->C_GetAttributeValue(s, privs.h[i], &a, 1);
		snprintf(what, sizeof(what),
		         "C_GetAttributeValue on a private %s handle obtained "
		         "before C_Logout",
		         privs.h[i] == priv ? "session-object"
		                            : "token-object");
		sa_p11_check_rv(ctx, what, rv, CKR_OBJECT_HANDLE_INVALID,
		                SA_STRICT_ONLY);
	}
	if (privs.n > KP15_PROBES) {
		CK_OBJECT_CLASS cls = 0;
		CK_ATTRIBUTE a = {CKA_CLASS, &cls, sizeof(cls)};

		rv = f->C_GetAttributeValue(s, priv, &a, 1);
		sa_p11_check_rv(ctx,
		                "C_GetAttributeValue on the private session "
		                "key's handle obtained before C_Logout",
		                rv, CKR_OBJECT_HANDLE_INVALID, SA_STRICT_ONLY);
	}

	/* Control: public objects stay visible and usable. */
	rv = sa_p11_count_label(ctx, s, KP15_PUBLIC, &n);
	sa_case_checkf(ctx, rv == CKR_OK && n == 1,
	               "control: the public session key is found after "
	               "C_Logout",
	               "CKR_OK, 1 object", "%s, %lu objects",
	               sa_p11_rv_name(rv), (unsigned long)n);
out:
	if (made != CK_INVALID_HANDLE) {
		if (!logged_in && sa_p11_login(ctx, s, CKU_USER) == CKR_OK)
			logged_in = true;
		rv = f->C_DestroyObject(s, made);
		if (rv != CKR_OK)
			sa_case_error(
			    ctx,
			    "clean-up: C_DestroyObject of the private "
			    "token object \"%s\" returned %s: delete it "
			    "by hand",
			    KP15_TOKEN, sa_p11_rv_name(rv));
	}
	sa_kp_destroy(ctx, s, &pub);
	if (logged_in)
		(void)f->C_Logout(s);
	sa_kp_close(ctx, &s);
}
