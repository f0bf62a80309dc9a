/* Catalogue group D: object creation (OBJ-01, OBJ-02, OBJ-03). Descriptions
 * and references: obj.c. */
#include <stdio.h>
#include <string.h>

#include "sigaudit/guard.h"

#include "obj_int.h"
#include "session_int.h"

/* Attribute types and values no version of PKCS#11 defines (below the
 * vendor range, without the CKF_ARRAY_ATTRIBUTE bit), and a vendor-defined
 * type no module is expected to know. */
#define OBJ_UNDEFINED_TYPE ((CK_ATTRIBUTE_TYPE)0x0ffff5a1UL)
#define OBJ_UNKNOWN_VENDOR                                                     \
	((CK_ATTRIBUTE_TYPE)(CKA_VENDOR_DEFINED | 0x5a17c0deUL))
#define OBJ_UNDEFINED_CLASS  ((CK_OBJECT_CLASS)0x0ffff5a2UL)
#define OBJ_UNDEFINED_KEYTYP ((CK_KEY_TYPE)0x0ffff5a3UL)

/* CKA_UNIQUE_ID (B3.0); p11-kit's v2.40 header does not name it. */
#ifndef CKA_UNIQUE_ID
#define CKA_UNIQUE_ID ((CK_ATTRIBUTE_TYPE)0x4UL)
#endif

/* Record that a creation the case expected to be refused produced an
 * object, and destroy it: the object must not outlive the case. */
static void refused_cleanup(sa_case_ctx *ctx, CK_SESSION_HANDLE s,
                            CK_OBJECT_HANDLE *h, const char *what)
{
	if (*h != CK_INVALID_HANDLE) {
		sa_case_note(ctx,
		             "%s: the module returned object handle %lu; "
		             "destroyed",
		             what, (unsigned long)*h);
		sa_p11_obj_destroy(ctx, s, h);
	}
}

/* C_CreateObject(tmpl) that must be refused with `strict` (or a code of
 * lenient); any object it makes is destroyed. */
static void expect_refused(sa_case_ctx *ctx, CK_SESSION_HANDLE s,
                           const char *what, CK_ATTRIBUTE *tmpl, size_t n,
                           CK_RV strict, const CK_RV *lenient)
{
	CK_OBJECT_HANDLE h = CK_INVALID_HANDLE;
	CK_RV rv;

	rv = sa_case_p11(ctx)->C_CreateObject(s, tmpl, (CK_ULONG)n, &h);
	sa_p11_check_rv(ctx, what, rv, strict, lenient);
	if (rv != CKR_OK && h != CK_INVALID_HANDLE)
		h = CK_INVALID_HANDLE; /* not a handle: untouched garbage */
	refused_cleanup(ctx, s, &h, what);
}

/* The kind of CKO_DATA object this token makes (session or token, public
 * or private), found by creating a control object the way every set-up
 * does (sa_p11_obj_setup_data_ex: logs in and falls back to private or
 * token objects where the token refuses the portable public session
 * object). The rule a template case checks then meets a template the
 * token would otherwise accept, not a refusal of the object kind
 * (tpm2-pkcs11 answers CKR_SESSION_READ_ONLY before login and
 * CKR_ATTRIBUTE_VALUE_INVALID for public objects). Returns 0, or a
 * negative code after the set-up recorded a skip or an error. */
static int data_kind(sa_case_ctx *ctx, CK_SESSION_HANDLE s, const char *label,
                     bool *token, bool *priv)
{
	CK_OBJECT_HANDLE h = CK_INVALID_HANDLE;
	CK_BBOOL tok = CK_FALSE, prv = CK_FALSE;
	int rc;

	SA_TRY(sa_p11_obj_setup_data_ex(ctx, s, label, NULL, 0,
	                                "control CKO_DATA", false, &h));
	if (sa_p11_obj_get_bool(ctx, s, h, CKA_TOKEN, &tok) != CKR_OK)
		tok = CK_FALSE;
	if (sa_p11_obj_get_bool(ctx, s, h, CKA_PRIVATE, &prv) != CKR_OK)
		prv = CK_FALSE;
	*token = tok == CK_TRUE;
	*priv = prv == CK_TRUE;
	rc = SA_OK;
out:
	sa_p11_obj_destroy(ctx, s, &h);
	return rc;
}

/* Whether the token imports a complete AES key in this session: a token
 * that refuses every secret-key import (tpm2-pkcs11: "Can only create RSA
 * Public key objects or data objects", CKR_ATTRIBUTE_VALUE_INVALID, B2.40
 * §5.7.1 lets it) cannot show which error a faulty secret-key template
 * earns. *rv gets the control's CK_RV. */
static bool imports_secret(sa_case_ctx *ctx, CK_SESSION_HANDLE s,
                           const char *label, CK_RV *rv)
{
	CK_OBJECT_HANDLE h = CK_INVALID_HANDLE;

	*rv = sa_p11_obj_secret(ctx, s, label, true, NULL, 0, &h);
	if (*rv != CKR_OK)
		h = CK_INVALID_HANDLE;
	sa_p11_obj_destroy(ctx, s, &h);
	return *rv == CKR_OK;
}

/* One object-creation check through sa_p11_obj_data (the token's kind of
 * data object) plus `extra`, which carries the fault. */
static void expect_data_refused(sa_case_ctx *ctx, CK_SESSION_HANDLE s,
                                const char *what, bool token, bool priv,
                                const char *label, const CK_ATTRIBUTE *extra,
                                size_t n_extra, CK_RV strict,
                                const CK_RV *lenient)
{
	CK_OBJECT_HANDLE h = CK_INVALID_HANDLE;
	CK_RV rv;

	rv = sa_p11_obj_data(ctx, s, token, priv, label, extra, n_extra, &h);
	sa_p11_check_rv(ctx, what, rv, strict, lenient);
	if (rv != CKR_OK)
		h = CK_INVALID_HANDLE;
	refused_cleanup(ctx, s, &h, what);
}

/* ---- OBJ-01a: no token object from a read-only session ---- */

/* One attempt: a token CKO_DATA object (private or public) in the RO
 * session ro. What a faulty module creates is destroyed through an RW
 * session, since an RO session cannot destroy token objects (B2.40
 * §5.7.3). */
static void obj01a_attempt(sa_case_ctx *ctx, CK_SESSION_HANDLE ro,
                           const char *label, bool priv, const char *what,
                           const CK_RV *lenient)
{
	CK_OBJECT_HANDLE h = CK_INVALID_HANDLE;
	CK_SESSION_HANDLE rw = CK_INVALID_HANDLE;
	char buf[160];
	unsigned long gone;
	CK_ULONG n = 0;
	CK_RV rv;

	rv = sa_p11_obj_data(ctx, ro, true, priv, label, NULL, 0, &h);
	if (rv != CKR_OK)
		h = CK_INVALID_HANDLE;
	sa_p11_check_rv(ctx, what, rv, CKR_SESSION_READ_ONLY, lenient);
	/* An error code is not proof that nothing was stored. */
	rv = sa_p11_count_label(ctx, ro, label, &n);
	snprintf(buf, sizeof(buf), "no token object labelled %s after: %s",
	         label, what);
	sa_case_checkf(ctx, rv == CKR_OK && n == 0, buf, "0 objects",
	               "%s, %lu objects", sa_p11_rv_name(rv), (unsigned long)n);
	if (h == CK_INVALID_HANDLE && n == 0)
		goto out;
	if (sa_p11_open(ctx, CKF_RW_SESSION, &rw) != CKR_OK) {
		rw = CK_INVALID_HANDLE;
		sa_case_error(ctx,
		              "the module created token object(s) labelled %s "
		              "from an RO session and no RW session opens to "
		              "destroy them: remove them by hand",
		              label);
		goto out;
	}
	if (h != CK_INVALID_HANDLE)
		(void)sa_case_p11(ctx)->C_DestroyObject(rw, h);
	gone = sa_p11_obj_purge_label(ctx, rw, label);
	sa_case_note(ctx,
	             "the module created a token object from an RO session "
	             "(%s); destroyed it at once (%lu more found by label)",
	             what, gone);
out:
	sa_p11_ses_close(ctx, &rw);
}

void sa_p11_obj01a_token_object_ro(sa_case_ctx *ctx)
{
	/* Static storage: a compound literal assigned inside the if
	 * below would not outlive it. */
	static const CK_RV write_protected[] = {CKR_TOKEN_WRITE_PROTECTED,
	                                        SA_CKR_END};
	CK_SESSION_HANDLE ro = CK_INVALID_HANDLE;
	const CK_RV *lenient = SA_STRICT_ONLY;
	bool logged_in = false;
	CK_TOKEN_INFO ti;
	char label[64];

	sa_p11_obj_label(label, sizeof(label), "obj01a");
	if (sa_p11_ses_token_info(ctx, &ti) < 0)
		goto out;
	/* On a write-protected token both refusals apply (B2.40 §5.1.8: the
	 * order of errors is not fully defined). */
	if (ti.flags & CKF_WRITE_PROTECTED)
		lenient = write_protected;
	if (sa_p11_ses_open(ctx, false, &ro) < 0)
		goto out;
	/* B2.40 §5.7.1: "Only session objects can be created during a
	 * read-only session." */
	obj01a_attempt(ctx, ro, label, false,
	               "C_CreateObject(public token object) in an RO public "
	               "session",
	               lenient);
	if (sa_p11_pin_len(ctx, CKU_USER) == 0) {
		sa_case_note(ctx, "no user PIN configured: the RO user session "
		                  "attempts are not run");
		goto out;
	}
	if (sa_p11_ses_login(ctx, ro, CKU_USER) < 0)
		goto out;
	logged_in = true;
	/* Logging in changes what may be read, not that the session is
	 * read-only (UG2.40 access table). */
	obj01a_attempt(ctx, ro, label, false,
	               "C_CreateObject(public token object) in an RO user "
	               "session",
	               lenient);
	obj01a_attempt(ctx, ro, label, true,
	               "C_CreateObject(private token object) in an RO user "
	               "session",
	               lenient);
out:
	if (logged_in)
		sa_p11_ses_logout_quiet(ctx, ro);
	sa_p11_ses_close(ctx, &ro);
}

/* ---- OBJ-01b: no private object without a user login ---- */

void sa_p11_obj01b_private_object_public(sa_case_ctx *ctx)
{
	CK_SESSION_HANDLE ro = CK_INVALID_HANDLE, rw = CK_INVALID_HANDLE;
	CK_OBJECT_HANDLE h = CK_INVALID_HANDLE;
	char label[64];
	CK_RV rv;

	sa_p11_obj_label(label, sizeof(label), "obj01b");
	if (sa_p11_ses_open(ctx, false, &ro) < 0 ||
	    sa_p11_ses_open(ctx, true, &rw) < 0)
		goto out;
	/* B2.40 §5.7.1: "Only public objects can be created unless the normal
	 * user is logged in"; session objects only, so that nothing can stay
	 * on the token. */
	rv = sa_p11_obj_data(ctx, ro, false, true, label, NULL, 0, &h);
	sa_p11_check_rv(ctx,
	                "C_CreateObject(private session object) in an RO "
	                "public session",
	                rv, CKR_USER_NOT_LOGGED_IN, SA_STRICT_ONLY);
	if (rv != CKR_OK)
		h = CK_INVALID_HANDLE;
	refused_cleanup(ctx, ro, &h, "private object in an RO public session");
	rv = sa_p11_obj_data(ctx, rw, false, true, label, NULL, 0, &h);
	sa_p11_check_rv(ctx,
	                "C_CreateObject(private session object) in an RW "
	                "public session",
	                rv, CKR_USER_NOT_LOGGED_IN, SA_STRICT_ONLY);
	if (rv != CKR_OK)
		h = CK_INVALID_HANDLE;
	refused_cleanup(ctx, rw, &h, "private object in an RW public session");
	/* The control: the refusal must be about CKA_PRIVATE, not about
	 * creating objects at all. */
	rv = sa_p11_obj_data(ctx, rw, false, false, label, NULL, 0, &h);
	sa_p11_check_rv(ctx,
	                "C_CreateObject(public session object) in an RW "
	                "public session",
	                rv, CKR_OK, SA_STRICT_ONLY);
	if (rv != CKR_OK)
		h = CK_INVALID_HANDLE;
	sa_p11_obj_destroy(ctx, rw, &h);
out:
	sa_p11_ses_close(ctx, &rw);
	sa_p11_ses_close(ctx, &ro);
}

/* ---- OBJ-02: the creation rules of B2.40 §4.1.1 ---- */

void sa_p11_obj02a_type_invalid(sa_case_ctx *ctx)
{
	CK_SESSION_HANDLE s = CK_INVALID_HANDLE;
	CK_BYTE one = 1;
	CK_ATTRIBUTE undefined = {OBJ_UNDEFINED_TYPE, &one, sizeof(one)};
	CK_ATTRIBUTE vendor = {OBJ_UNKNOWN_VENDOR, &one, sizeof(one)};
	bool token = false, priv = false;
	char label[64];

	sa_p11_obj_label(label, sizeof(label), "obj02a");
	if (sa_p11_ses_open(ctx, true, &s) < 0)
		goto out;
	if (data_kind(ctx, s, label, &token, &priv) < 0)
		goto out;
	/* Rule 1: "a value for an invalid attribute" ->
	 * CKR_ATTRIBUTE_TYPE_INVALID; an attribute is valid only if Cryptoki
	 * defines it or the library supports it as a vendor extension. */
	expect_data_refused(ctx, s,
	                    "C_CreateObject(CKO_DATA with attribute type "
	                    "0x0ffff5a1, defined by no PKCS#11 version)",
	                    token, priv, label, &undefined, 1,
	                    CKR_ATTRIBUTE_TYPE_INVALID, SA_STRICT_ONLY);
	expect_data_refused(ctx, s,
	                    "C_CreateObject(CKO_DATA with vendor attribute "
	                    "0xda17c0de, unknown to the module)",
	                    token, priv, label, &vendor, 1,
	                    CKR_ATTRIBUTE_TYPE_INVALID, SA_STRICT_ONLY);
	(void)sa_p11_obj_purge_label(ctx, s, label);
out:
	sa_p11_ses_logout_quiet(ctx, s);
	sa_p11_ses_close(ctx, &s);
}

void sa_p11_obj02b_value_invalid(sa_case_ctx *ctx)
{
	CK_SESSION_HANDLE s = CK_INVALID_HANDLE;
	CK_OBJECT_CLASS data = CKO_DATA, bad_cls = OBJ_UNDEFINED_CLASS;
	CK_OBJECT_CLASS secret = CKO_SECRET_KEY;
	CK_KEY_TYPE bad_kt = OBJ_UNDEFINED_KEYTYP;
	CK_BBOOL no = CK_FALSE, yes = CK_TRUE;
	/* A CK_BBOOL is one byte (a CK_BYTE); four bytes is the mistake of
	 * code that passes an int. */
	CK_BYTE wide_bool[4] = {1, 0, 0, 0};
	bool logged_in = false;
	char label[64];

	sa_p11_obj_label(label, sizeof(label), "obj02b");
	if (sa_p11_ses_open(ctx, true, &s) < 0)
		goto out;
	if (sa_p11_ses_login(ctx, s, CKU_USER) < 0)
		goto out;
	logged_in = true;
	{
		CK_ATTRIBUTE bool4[] = {
		    {CKA_CLASS, &data, sizeof(data)},
		    {CKA_TOKEN, &no, sizeof(no)},
		    {CKA_PRIVATE, &no, sizeof(no)},
		    {CKA_LABEL, label, strlen(label)},
		    {CKA_MODIFIABLE, wide_bool, sizeof(wide_bool)},
		};
		CK_ATTRIBUTE cls[] = {
		    {CKA_CLASS, &bad_cls, sizeof(bad_cls)},
		    {CKA_TOKEN, &no, sizeof(no)},
		    {CKA_PRIVATE, &no, sizeof(no)},
		    {CKA_LABEL, label, strlen(label)},
		};
		CK_ATTRIBUTE kt[] = {
		    {CKA_CLASS, &secret, sizeof(secret)},
		    {CKA_KEY_TYPE, &bad_kt, sizeof(bad_kt)},
		    {CKA_TOKEN, &no, sizeof(no)},
		    {CKA_PRIVATE, &yes, sizeof(yes)},
		    {CKA_LABEL, label, strlen(label)},
		    {CKA_VALUE, (void *)sa_p11_obj_key_value,
		     sizeof(sa_p11_obj_key_value)},
		};

		/* Rule 2: "an invalid value for a valid attribute" ->
		 * CKR_ATTRIBUTE_VALUE_INVALID. An undefined class or key type
		 * may also be read as a template the token cannot satisfy
		 * (rule 5). */
		expect_refused(
		    ctx, s,
		    "C_CreateObject(CKA_MODIFIABLE given as 4 bytes, "
		    "not a 1-byte CK_BBOOL)",
		    bool4, SA_COUNTOF(bool4), CKR_ATTRIBUTE_VALUE_INVALID,
		    SA_STRICT_ONLY);
		expect_refused(
		    ctx, s,
		    "C_CreateObject(CKA_CLASS 0x0ffff5a2, an undefined "
		    "object class)",
		    cls, SA_COUNTOF(cls), CKR_ATTRIBUTE_VALUE_INVALID,
		    SA_LENIENT(CKR_TEMPLATE_INCONSISTENT));
		expect_refused(
		    ctx, s,
		    "C_CreateObject(CKO_SECRET_KEY with CKA_KEY_TYPE "
		    "0x0ffff5a3, an undefined key type)",
		    kt, SA_COUNTOF(kt), CKR_ATTRIBUTE_VALUE_INVALID,
		    SA_LENIENT(CKR_TEMPLATE_INCONSISTENT));
	}
	(void)sa_p11_obj_purge_label(ctx, s, label);
out:
	if (logged_in)
		sa_p11_ses_logout_quiet(ctx, s);
	sa_p11_ses_close(ctx, &s);
}

void sa_p11_obj02c_incomplete(sa_case_ctx *ctx)
{
	CK_SESSION_HANDLE s = CK_INVALID_HANDLE;
	CK_OBJECT_CLASS secret = CKO_SECRET_KEY;
	CK_KEY_TYPE aes = CKK_AES;
	CK_BBOOL no = CK_FALSE, yes = CK_TRUE;
	static const char value[] = "sigaudit";
	bool logged_in = false;
	CK_RV ctl = CKR_OK;
	char label[64];

	sa_p11_obj_label(label, sizeof(label), "obj02c");
	if (sa_p11_ses_open(ctx, true, &s) < 0)
		goto out;
	if (sa_p11_ses_login(ctx, s, CKU_USER) < 0)
		goto out;
	logged_in = true;
	{
		CK_ATTRIBUTE no_class[] = {
		    {CKA_TOKEN, &no, sizeof(no)},
		    {CKA_PRIVATE, &no, sizeof(no)},
		    {CKA_LABEL, label, strlen(label)},
		    {CKA_VALUE, (void *)value, sizeof(value) - 1},
		};
		CK_ATTRIBUTE no_value[] = {
		    {CKA_CLASS, &secret, sizeof(secret)},
		    {CKA_KEY_TYPE, &aes, sizeof(aes)},
		    {CKA_TOKEN, &no, sizeof(no)},
		    {CKA_PRIVATE, &yes, sizeof(yes)},
		    {CKA_LABEL, label, strlen(label)},
		};
		CK_ATTRIBUTE no_key_type[] = {
		    {CKA_CLASS, &secret, sizeof(secret)},
		    {CKA_TOKEN, &no, sizeof(no)},
		    {CKA_PRIVATE, &yes, sizeof(yes)},
		    {CKA_LABEL, label, strlen(label)},
		    {CKA_VALUE, (void *)sa_p11_obj_key_value,
		     sizeof(sa_p11_obj_key_value)},
		};

		/* Rule 4: attributes that "must be specified when the object
		 * is created with C_CreateObject" (footnote 1: CKA_CLASS,
		 * CKA_KEY_TYPE, a secret key's CKA_VALUE) are missing ->
		 * CKR_TEMPLATE_INCOMPLETE. */
		expect_refused(ctx, s,
		               "C_CreateObject(CKO_DATA template without "
		               "CKA_CLASS)",
		               no_class, SA_COUNTOF(no_class),
		               CKR_TEMPLATE_INCOMPLETE, SA_STRICT_ONLY);
		if (!imports_secret(ctx, s, label, &ctl)) {
			sa_case_note(
			    ctx,
			    "the token refuses the import of a complete "
			    "AES key (C_CreateObject returned %s): the "
			    "two secret-key templates are not judged",
			    sa_p11_rv_name(ctl));
			goto purge;
		}
		expect_refused(ctx, s,
		               "C_CreateObject(CKK_AES secret key without "
		               "CKA_VALUE)",
		               no_value, SA_COUNTOF(no_value),
		               CKR_TEMPLATE_INCOMPLETE, SA_STRICT_ONLY);
		expect_refused(ctx, s,
		               "C_CreateObject(CKO_SECRET_KEY without "
		               "CKA_KEY_TYPE)",
		               no_key_type, SA_COUNTOF(no_key_type),
		               CKR_TEMPLATE_INCOMPLETE, SA_STRICT_ONLY);
	}
purge:
	(void)sa_p11_obj_purge_label(ctx, s, label);
out:
	if (logged_in)
		sa_p11_ses_logout_quiet(ctx, s);
	sa_p11_ses_close(ctx, &s);
}

void sa_p11_obj02d_inconsistent(sa_case_ctx *ctx)
{
	CK_SESSION_HANDLE s = CK_INVALID_HANDLE;
	CK_OBJECT_CLASS secret = CKO_SECRET_KEY;
	CK_KEY_TYPE rsa = CKK_RSA, aes = CKK_AES;
	CK_BBOOL no = CK_FALSE, yes = CK_TRUE;
	static const CK_BYTE f4[] = {0x01, 0x00, 0x01};
	bool logged_in = false;
	CK_RV ctl = CKR_OK;
	char label[64];

	sa_p11_obj_label(label, sizeof(label), "obj02d");
	if (sa_p11_ses_open(ctx, true, &s) < 0)
		goto out;
	if (sa_p11_ses_login(ctx, s, CKU_USER) < 0)
		goto out;
	logged_in = true;
	if (!imports_secret(ctx, s, label, &ctl)) {
		sa_case_skip(ctx,
		             "the token refuses the import of a complete AES "
		             "key (C_CreateObject returned %s): which error an "
		             "inconsistent secret-key template earns cannot be "
		             "told from that refusal",
		             sa_p11_rv_name(ctl));
		goto out;
	}
	{
		CK_ATTRIBUTE secret_rsa[] = {
		    {CKA_CLASS, &secret, sizeof(secret)},
		    {CKA_KEY_TYPE, &rsa, sizeof(rsa)},
		    {CKA_TOKEN, &no, sizeof(no)},
		    {CKA_PRIVATE, &yes, sizeof(yes)},
		    {CKA_LABEL, label, strlen(label)},
		    {CKA_VALUE, (void *)sa_p11_obj_key_value,
		     sizeof(sa_p11_obj_key_value)},
		};
		CK_ATTRIBUTE secret_exp[] = {
		    {CKA_CLASS, &secret, sizeof(secret)},
		    {CKA_KEY_TYPE, &aes, sizeof(aes)},
		    {CKA_TOKEN, &no, sizeof(no)},
		    {CKA_PRIVATE, &yes, sizeof(yes)},
		    {CKA_LABEL, label, strlen(label)},
		    {CKA_VALUE, (void *)sa_p11_obj_key_value,
		     sizeof(sa_p11_obj_key_value)},
		    {CKA_PUBLIC_EXPONENT, (void *)f4, sizeof(f4)},
		};

		/* Rule 5: values each valid but not satisfiable together ->
		 * CKR_TEMPLATE_INCONSISTENT. A key type foreign to the class
		 * can also be read as an invalid value (rule 2), and an
		 * attribute of another class as an invalid one (rule 1): both
		 * stay permitted, leniently. */
		expect_refused(ctx, s,
		               "C_CreateObject(CKO_SECRET_KEY with CKK_RSA)",
		               secret_rsa, SA_COUNTOF(secret_rsa),
		               CKR_TEMPLATE_INCONSISTENT,
		               SA_LENIENT(CKR_ATTRIBUTE_VALUE_INVALID));
		expect_refused(ctx, s,
		               "C_CreateObject(CKK_AES secret key with "
		               "CKA_PUBLIC_EXPONENT, an RSA key attribute)",
		               secret_exp, SA_COUNTOF(secret_exp),
		               CKR_TEMPLATE_INCONSISTENT,
		               SA_LENIENT(CKR_ATTRIBUTE_TYPE_INVALID));
	}
	(void)sa_p11_obj_purge_label(ctx, s, label);
out:
	if (logged_in)
		sa_p11_ses_logout_quiet(ctx, s);
	sa_p11_ses_close(ctx, &s);
}

void sa_p11_obj02e_repeated_attribute(sa_case_ctx *ctx)
{
	CK_SESSION_HANDLE s = CK_INVALID_HANDLE;
	CK_OBJECT_HANDLE h = CK_INVALID_HANDLE;
	bool token = false, priv = false;
	char label[64], other[80], kept[128];
	CK_ATTRIBUTE get = {CKA_LABEL, kept, sizeof(kept) - 1};
	CK_ATTRIBUTE second = {CKA_LABEL, other, 0};
	CK_RV rv;

	sa_p11_obj_label(label, sizeof(label), "obj02e");
	snprintf(other, sizeof(other), "%s-other", label);
	second.ulValueLen = (CK_ULONG)strlen(other);
	if (sa_p11_ses_open(ctx, true, &s) < 0)
		goto out;
	/* B2.40 §4.1.1 rule 5, whose first example of an inconsistent
	 * template is one "which specifies two different values for the same
	 * attribute" (the same value twice is rule 6, where either outcome is
	 * allowed). The object template gives CKA_LABEL `label` first, then
	 * `other`: a public session object first; only when the answer may be
	 * a refusal of that kind of object (no login, no public objects) is
	 * the token's own kind found with a control object and the template
	 * tried again. */
	rv = sa_p11_obj_data(ctx, s, false, false, label, &second, 1, &h);
	if (rv == CKR_SESSION_READ_ONLY || rv == CKR_USER_NOT_LOGGED_IN ||
	    rv == CKR_ATTRIBUTE_VALUE_INVALID) {
		h = CK_INVALID_HANDLE;
		if (data_kind(ctx, s, label, &token, &priv) < 0)
			goto out;
		sa_case_note(ctx,
		             "a public session object gave %s; the template "
		             "is tried as a %s %s object, the kind the token "
		             "makes",
		             sa_p11_rv_name(rv), priv ? "private" : "public",
		             token ? "token" : "session");
		rv =
		    sa_p11_obj_data(ctx, s, token, priv, label, &second, 1, &h);
	}
	sa_p11_check_rv(ctx,
	                "C_CreateObject(CKO_DATA with two different "
	                "CKA_LABEL values)",
	                rv, CKR_TEMPLATE_INCONSISTENT, SA_STRICT_ONLY);
	if (rv != CKR_OK)
		h = CK_INVALID_HANDLE;
	if (h == CK_INVALID_HANDLE)
		goto out;
	memset(kept, 0, sizeof(kept));
	if (sa_case_p11(ctx)->C_GetAttributeValue(s, h, &get, 1) == CKR_OK &&
	    get.ulValueLen < sizeof(kept))
		sa_case_note(ctx,
		             "the module created the object with "
		             "CKA_LABEL \"%s\" (template: \"%s\" then "
		             "\"%s\")",
		             kept, label, other);
out:
	sa_p11_obj_destroy(ctx, s, &h);
	if (s != CK_INVALID_HANDLE) {
		(void)sa_p11_obj_purge_label(ctx, s, label);
		(void)sa_p11_obj_purge_label(ctx, s, other);
	}
	sa_p11_ses_logout_quiet(ctx, s);
	sa_p11_ses_close(ctx, &s);
}

/* ---- OBJ-03: read-only attributes at creation ---- */

/* CKA_UNIQUE_ID of h into out (NUL-terminated, truncated to size - 1);
 * returns the CK_RV, CKR_GENERAL_ERROR for an empty or unusable value. */
static CK_RV unique_id(sa_case_ctx *ctx, CK_SESSION_HANDLE s,
                       CK_OBJECT_HANDLE h, char *out, size_t size)
{
	CK_ATTRIBUTE a = {CKA_UNIQUE_ID, out, (CK_ULONG)(size - 1)};
	CK_RV rv;

	memset(out, 0, size);
	rv = sa_case_p11(ctx)->C_GetAttributeValue(s, h, &a, 1);
	if (rv == CKR_OK && (a.ulValueLen == 0 || a.ulValueLen >= size))
		rv = CKR_GENERAL_ERROR;
	return rv;
}

/* B3.0 §4.4.1: a token-generated CKA_UNIQUE_ID on every object, unique,
 * new for a copy, and never settable. */
static void obj03_unique_id(sa_case_ctx *ctx, CK_SESSION_HANDLE s,
                            const char *label)
{
	CK_FUNCTION_LIST_PTR f = sa_case_p11(ctx);
	CK_OBJECT_HANDLE a = CK_INVALID_HANDLE, b = CK_INVALID_HANDLE;
	CK_OBJECT_HANDLE c = CK_INVALID_HANDLE;
	static const char forged[] = "sigaudit-forged-id";
	CK_ATTRIBUTE set_id = {CKA_UNIQUE_ID, (void *)forged,
	                       sizeof(forged) - 1};
	CK_ATTRIBUTE relabel = {CKA_LABEL, (void *)label, strlen(label)};
	char ida[256], idb[256], idc[256];
	CK_RV rv, rva, rvb;

	if (sa_p11_obj_setup_data(ctx, s, label, NULL, 0, "CKO_DATA", &a) < 0 ||
	    sa_p11_obj_setup_data(ctx, s, label, NULL, 0, "CKO_DATA", &b) < 0)
		goto out;
	rva = unique_id(ctx, s, a, ida, sizeof(ida));
	rvb = unique_id(ctx, s, b, idb, sizeof(idb));
	sa_case_checkf(ctx, rva == CKR_OK && rvb == CKR_OK,
	               "CKA_UNIQUE_ID of two new objects is readable and "
	               "not empty",
	               "CKR_OK, CKR_OK", "%s, %s", sa_p11_rv_name(rva),
	               sa_p11_rv_name(rvb));
	if (rva == CKR_OK && rvb == CKR_OK)
		sa_case_checkf(ctx, strcmp(ida, idb) != 0,
		               "CKA_UNIQUE_ID differs between two objects",
		               "two different values", "\"%s\" and \"%s\"", ida,
		               idb);
	rv = f->C_CopyObject(s, a, &relabel, 1, &c);
	if (rv == CKR_OK) {
		rv = unique_id(ctx, s, c, idc, sizeof(idc));
		sa_case_checkf(ctx, rv == CKR_OK && strcmp(idc, ida) != 0,
		               "a copy gets a new CKA_UNIQUE_ID",
		               "a value other than the original's", "%s, %s",
		               sa_p11_rv_name(rv), rv == CKR_OK ? idc : "-");
	} else {
		c = CK_INVALID_HANDLE;
		sa_case_note(ctx,
		             "C_CopyObject returned %s: the copy check is "
		             "not run",
		             sa_p11_rv_name(rv));
	}
	sa_p11_obj_destroy(ctx, s, &c);
	rv = sa_p11_obj_data(ctx, s, false, false, label, &set_id, 1, &c);
	sa_p11_check_rv(ctx, "C_CreateObject with CKA_UNIQUE_ID", rv,
	                CKR_ATTRIBUTE_READ_ONLY, SA_STRICT_ONLY);
	if (rv != CKR_OK)
		c = CK_INVALID_HANDLE;
	sa_p11_obj_destroy(ctx, s, &c);
	rv = f->C_SetAttributeValue(s, a, &set_id, 1);
	sa_p11_check_rv(ctx, "C_SetAttributeValue(CKA_UNIQUE_ID)", rv,
	                CKR_ATTRIBUTE_READ_ONLY, SA_STRICT_ONLY);
	rv = f->C_CopyObject(s, a, &set_id, 1, &c);
	sa_p11_check_rv(ctx, "C_CopyObject with CKA_UNIQUE_ID in the template",
	                rv, CKR_ATTRIBUTE_READ_ONLY, SA_STRICT_ONLY);
	if (rv != CKR_OK)
		c = CK_INVALID_HANDLE;
out:
	sa_p11_obj_destroy(ctx, s, &c);
	sa_p11_obj_destroy(ctx, s, &b);
	sa_p11_obj_destroy(ctx, s, &a);
}

void sa_p11_obj03_read_only_attrs(sa_case_ctx *ctx)
{
	CK_SESSION_HANDLE s = CK_INVALID_HANDLE;
	CK_OBJECT_HANDLE h = CK_INVALID_HANDLE;
	CK_BBOOL yes = CK_TRUE;
	CK_MECHANISM_TYPE gen = CKM_AES_KEY_GEN;
	bool logged_in = false;
	char label[64], what[160];
	CK_ULONG mech = 0;
	size_t i;
	CK_RV rv;
	/* Footnotes 2, 4 and 6 of the key tables: set by the token, never
	 * by the application. TRUE and a generation mechanism are the lie an
	 * imported key would tell to pass for one generated on the token. */
	CK_ATTRIBUTE ro_attrs[] = {
	    {CKA_LOCAL, &yes, sizeof(yes)},
	    {CKA_ALWAYS_SENSITIVE, &yes, sizeof(yes)},
	    {CKA_NEVER_EXTRACTABLE, &yes, sizeof(yes)},
	    {CKA_KEY_GEN_MECHANISM, &gen, sizeof(gen)},
	};

	sa_p11_obj_label(label, sizeof(label), "obj03");
	if (sa_p11_ses_open(ctx, true, &s) < 0)
		goto out;
	if (sa_p11_ses_login(ctx, s, CKU_USER) < 0)
		goto out;
	logged_in = true;
	/* The plain import first: a token that takes no AES key material at
	 * all (tpm2-pkcs11 answers CKR_ATTRIBUTE_VALUE_INVALID) makes the case
	 * a skip with that reason, as in OBJ-04, rather than four failures of
	 * a rule it never reached. Then what the token itself must record for
	 * an imported key (B2.40 §5.7.1, §4.7): not local, never generated,
	 * no history of sensitivity. */
	if (sa_p11_obj_setup_secret(ctx, s, label, true, "sensitive AES key",
	                            &h) < 0)
		goto out;
	sa_p11_obj_check_bool(ctx, s, h, CKA_LOCAL, CK_FALSE,
	                      "CKA_LOCAL of a key made by C_CreateObject");
	sa_p11_obj_check_bool(ctx, s, h, CKA_ALWAYS_SENSITIVE, CK_FALSE,
	                      "CKA_ALWAYS_SENSITIVE of a key made by "
	                      "C_CreateObject");
	sa_p11_obj_check_bool(ctx, s, h, CKA_NEVER_EXTRACTABLE, CK_FALSE,
	                      "CKA_NEVER_EXTRACTABLE of a key made by "
	                      "C_CreateObject");
	rv = sa_p11_obj_get_ulong(ctx, s, h, CKA_KEY_GEN_MECHANISM, &mech);
	sa_case_checkf(
	    ctx, rv == CKR_OK && mech == CK_UNAVAILABLE_INFORMATION,
	    "CKA_KEY_GEN_MECHANISM of a key made by C_CreateObject",
	    "CKR_OK, CK_UNAVAILABLE_INFORMATION", "%s, %s", sa_p11_rv_name(rv),
	    rv != CKR_OK                         ? "-"
	    : mech == CK_UNAVAILABLE_INFORMATION ? "CK_UNAVAILABLE_INFORMATION"
	                                         : sa_p11_mech_name(mech));
	sa_p11_obj_destroy(ctx, s, &h);

	for (i = 0; i < SA_COUNTOF(ro_attrs); i++) {
		snprintf(what, sizeof(what),
		         "C_CreateObject(sensitive AES key with %s)",
		         sa_p11_attr_name(ro_attrs[i].type));
		rv =
		    sa_p11_obj_secret(ctx, s, label, true, &ro_attrs[i], 1, &h);
		sa_p11_check_rv(ctx, what, rv, CKR_ATTRIBUTE_READ_ONLY,
		                SA_LENIENT(CKR_TEMPLATE_INCONSISTENT));
		if (rv != CKR_OK)
			h = CK_INVALID_HANDLE;
		refused_cleanup(ctx, s, &h, what);
	}

	if (sa_p11_obj_is_v3(ctx))
		obj03_unique_id(ctx, s, label);
	else
		sa_case_note(ctx, "the module implements PKCS#11 v2.x: the "
		                  "CKA_UNIQUE_ID checks (v3.0) are not run");
	(void)sa_p11_obj_purge_label(ctx, s, label);
out:
	sa_p11_obj_destroy(ctx, s, &h);
	if (logged_in)
		sa_p11_ses_logout_quiet(ctx, s);
	sa_p11_ses_close(ctx, &s);
}
