/* Catalogue group D: helpers shared by the obj_*.c cases. */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "sigaudit/guard.h"

#include "obj_int.h"

/* Arbitrary, not a secret: the cases import it to know what a leak would
 * look like. */
const CK_BYTE sa_p11_obj_key_value[16] = {0x73, 0x69, 0x67, 0x61, 0x75, 0x64,
                                          0x69, 0x74, 0x2d, 0x6f, 0x62, 0x6a,
                                          0x2d, 0x6b, 0x65, 0x79};

void sa_p11_obj_label(char *out, size_t size, const char *tag)
{
	snprintf(out, size, "sigaudit-%s-%ld", tag, (long)getpid());
}

/* C_CreateObject of base followed by extra. */
static CK_RV create(sa_case_ctx *ctx, CK_SESSION_HANDLE s,
                    const CK_ATTRIBUTE *base, size_t n_base,
                    const CK_ATTRIBUTE *extra, size_t n_extra,
                    CK_OBJECT_HANDLE *out)
{
	CK_ATTRIBUTE tmpl[SA_P11_OBJ_MAX_ATTRS];
	CK_RV rv = CKR_ARGUMENTS_BAD;

	*out = CK_INVALID_HANDLE;
	/* A harness bug, not a module failure: CKR_ARGUMENTS_BAD is never
	 * what a case expects from a well-formed template. */
	if (n_base + n_extra > SA_COUNTOF(tmpl))
		goto out;
	memcpy(tmpl, base, n_base * sizeof(*base));
	if (n_extra > 0)
		memcpy(tmpl + n_base, extra, n_extra * sizeof(*extra));
	rv = sa_case_p11(ctx)->C_CreateObject(
	    s, tmpl, (CK_ULONG)(n_base + n_extra), out);
out:
	return rv;
}

CK_RV sa_p11_obj_data(sa_case_ctx *ctx, CK_SESSION_HANDLE s, bool token,
                      bool priv, const char *label, const CK_ATTRIBUTE *extra,
                      size_t n_extra, CK_OBJECT_HANDLE *out)
{
	CK_OBJECT_CLASS cls = CKO_DATA;
	CK_BBOOL tok = token ? CK_TRUE : CK_FALSE;
	CK_BBOOL prv = priv ? CK_TRUE : CK_FALSE;
	static const char value[] = "sigaudit";
	/* CKA_PRIVATE is always given: its default is token-specific (B2.40
	 * §4.4), and SoftHSM2 makes objects private by default. */
	CK_ATTRIBUTE base[] = {
	    {CKA_CLASS, &cls, sizeof(cls)},
	    {CKA_TOKEN, &tok, sizeof(tok)},
	    {CKA_PRIVATE, &prv, sizeof(prv)},
	    {CKA_LABEL, (void *)label, strlen(label)},
	    {CKA_VALUE, (void *)value, sizeof(value) - 1},
	};

	return create(ctx, s, base, SA_COUNTOF(base), extra, n_extra, out);
}

CK_RV sa_p11_obj_secret(sa_case_ctx *ctx, CK_SESSION_HANDLE s,
                        const char *label, bool sensitive,
                        const CK_ATTRIBUTE *extra, size_t n_extra,
                        CK_OBJECT_HANDLE *out)
{
	CK_OBJECT_CLASS cls = CKO_SECRET_KEY;
	CK_KEY_TYPE kt = CKK_AES;
	CK_BBOOL yes = CK_TRUE, no = CK_FALSE;
	CK_BBOOL sens = sensitive ? CK_TRUE : CK_FALSE;
	/* No usage at all: the key is a specimen for attribute checks and must
	 * not be usable for anything should a case leave it behind. */
	CK_ATTRIBUTE base[] = {
	    {CKA_CLASS, &cls, sizeof(cls)},
	    {CKA_KEY_TYPE, &kt, sizeof(kt)},
	    {CKA_TOKEN, &no, sizeof(no)},
	    {CKA_PRIVATE, &yes, sizeof(yes)},
	    {CKA_LABEL, (void *)label, strlen(label)},
	    {CKA_SENSITIVE, &sens, sizeof(sens)},
	    {CKA_ENCRYPT, &no, sizeof(no)},
	    {CKA_DECRYPT, &no, sizeof(no)},
	    {CKA_VALUE, (void *)sa_p11_obj_key_value,
	     sizeof(sa_p11_obj_key_value)},
	};

	return create(ctx, s, base, SA_COUNTOF(base), extra, n_extra, out);
}

/* Set-up only: a token may refuse object creation in a public RW session
 * (tpm2-pkcs11 answers CKR_SESSION_READ_ONLY until the user logs in; OBJ-01b
 * judges that). The rules the set-up serves do not need a public session,
 * so log the user in and let the caller retry. True when it did. */
static bool login_for_create(sa_case_ctx *ctx, CK_SESSION_HANDLE s, CK_RV rv)
{
	CK_SESSION_INFO info;
	bool done = false;
	CK_RV lrv;

	if (rv != CKR_SESSION_READ_ONLY && rv != CKR_USER_NOT_LOGGED_IN)
		goto out;
	memset(&info, 0, sizeof(info));
	if (sa_case_p11(ctx)->C_GetSessionInfo(s, &info) != CKR_OK ||
	    info.state != CKS_RW_PUBLIC_SESSION)
		goto out;
	lrv = sa_p11_login(ctx, s, CKU_USER);
	if (lrv != CKR_OK && lrv != CKR_USER_ALREADY_LOGGED_IN)
		goto out;
	sa_case_note(ctx,
	             "set-up: the token refuses C_CreateObject in a public RW "
	             "session (%s); the objects are created after a user "
	             "login",
	             sa_p11_rv_name(rv));
	done = true;
out:
	return done;
}

/* Whether rv is how a token refuses the CKA_TOKEN false of a template. */
static bool refuses_session_object(CK_RV rv)
{
	return rv == CKR_ATTRIBUTE_VALUE_INVALID ||
	       rv == CKR_TEMPLATE_INCONSISTENT;
}

int sa_p11_obj_setup_data_ex(sa_case_ctx *ctx, CK_SESSION_HANDLE s,
                             const char *label, const CK_ATTRIBUTE *extra,
                             size_t n_extra, const char *what,
                             bool session_only, CK_OBJECT_HANDLE *out)
{
	/* B2.40 §4.4: a public session object is the portable choice, but a
	 * token may offer private or token objects only (tpm2-pkcs11 takes
	 * private token objects only); the rules these objects serve hold
	 * for the others alike. A token object has a label unique to this
	 * process and the case destroys it like any other. */
	static const struct {
		bool token, priv;
	} tries[] = {
	    {false, false}, {false, true}, {true, false}, {true, true}};
	int rc = SA_E_CKR;
	CK_RV first = CKR_OK, rv = CKR_OK;
	size_t i;

	for (i = 0; i < SA_COUNTOF(tries); i++) {
		if (session_only && tries[i].token)
			break;
		rv = sa_p11_obj_data(ctx, s, tries[i].token, tries[i].priv,
		                     label, extra, n_extra, out);
		if (rv != CKR_OK && login_for_create(ctx, s, rv))
			rv = sa_p11_obj_data(ctx, s, tries[i].token,
			                     tries[i].priv, label, extra,
			                     n_extra, out);
		if (i == 0)
			first = rv;
		if (rv == CKR_OK || !refuses_session_object(rv))
			break;
	}
	if (rv == CKR_OK && i > 0)
		sa_case_note(ctx,
		             "set-up: the token refuses public session objects "
		             "(C_CreateObject(%s) returned %s); a %s %s object "
		             "is used instead%s",
		             what, sa_p11_rv_name(first),
		             tries[i].priv ? "private" : "public",
		             tries[i].token ? "token" : "session",
		             tries[i].token ? ", with a unique label, "
		                              "destroyed at the end"
		                            : "");
	if (rv != CKR_OK) {
		*out = CK_INVALID_HANDLE;
		if (session_only && refuses_session_object(rv)) {
			sa_case_skip(ctx,
			             "the token refuses session objects: "
			             "C_CreateObject(%s, CKA_TOKEN false) "
			             "returned %s, and the rule needs session "
			             "objects",
			             what, sa_p11_rv_name(rv));
			rc = SA_E_UNSUPPORTED;
		} else {
			sa_case_error(
			    ctx, "set-up: C_CreateObject(%s) returned %s%s",
			    what, sa_p11_rv_name(rv),
			    i > 0 ? " (also as private and/or "
			            "token object)"
			          : "");
		}
		goto out;
	}
	rc = SA_OK;
out:
	return rc;
}

int sa_p11_obj_setup_data(sa_case_ctx *ctx, CK_SESSION_HANDLE s,
                          const char *label, const CK_ATTRIBUTE *extra,
                          size_t n_extra, const char *what,
                          CK_OBJECT_HANDLE *out)
{
	return sa_p11_obj_setup_data_ex(ctx, s, label, extra, n_extra, what,
	                                false, out);
}

int sa_p11_obj_setup_secret(sa_case_ctx *ctx, CK_SESSION_HANDLE s,
                            const char *label, bool sensitive, const char *what,
                            CK_OBJECT_HANDLE *out)
{
	int rc = SA_E_CKR;
	CK_RV rv = sa_p11_obj_secret(ctx, s, label, sensitive, NULL, 0, out);

	if (rv != CKR_OK && login_for_create(ctx, s, rv))
		rv = sa_p11_obj_secret(ctx, s, label, sensitive, NULL, 0, out);
	if (rv != CKR_OK) {
		*out = CK_INVALID_HANDLE;
		/* B2.40 §5.7.1 lets a token refuse to import key material
		 * (tpm2-pkcs11 takes no CKK_AES value): a capability not
		 * offered, not a deviation of the rule under test. */
		if (refuses_session_object(rv) ||
		    rv == CKR_ATTRIBUTE_TYPE_INVALID ||
		    rv == CKR_FUNCTION_NOT_SUPPORTED) {
			sa_case_skip(ctx,
			             "the token refuses the import of a %s "
			             "(C_CreateObject returned %s)",
			             what, sa_p11_rv_name(rv));
			rc = SA_E_UNSUPPORTED;
			goto out;
		}
		sa_case_error(ctx, "set-up: C_CreateObject(%s) returned %s",
		              what, sa_p11_rv_name(rv));
		goto out;
	}
	rc = SA_OK;
out:
	return rc;
}

void sa_p11_obj_destroy(sa_case_ctx *ctx, CK_SESSION_HANDLE s,
                        CK_OBJECT_HANDLE *h)
{
	CK_FUNCTION_LIST_PTR f = sa_case_p11(ctx);

	if (f != NULL && s != CK_INVALID_HANDLE && *h != CK_INVALID_HANDLE)
		(void)f->C_DestroyObject(s, *h);
	*h = CK_INVALID_HANDLE;
}

unsigned long sa_p11_obj_purge_label(sa_case_ctx *ctx, CK_SESSION_HANDLE s,
                                     const char *label)
{
	CK_FUNCTION_LIST_PTR f = sa_case_p11(ctx);
	CK_ATTRIBUTE tmpl = {CKA_LABEL, (void *)label, strlen(label)};
	CK_OBJECT_HANDLE found[32];
	CK_ULONG got = 0, i;
	unsigned long n = 0;

	if (f->C_FindObjectsInit(s, &tmpl, 1) != CKR_OK)
		goto out;
	if (f->C_FindObjects(s, found, SA_COUNTOF(found), &got) != CKR_OK)
		got = 0;
	(void)f->C_FindObjectsFinal(s);
	if (got > SA_COUNTOF(found))
		got = SA_COUNTOF(found);
	for (i = 0; i < got; i++)
		if (f->C_DestroyObject(s, found[i]) == CKR_OK)
			n++;
out:
	return n;
}

CK_RV sa_p11_obj_get_bool(sa_case_ctx *ctx, CK_SESSION_HANDLE s,
                          CK_OBJECT_HANDLE h, CK_ATTRIBUTE_TYPE type,
                          CK_BBOOL *out)
{
	CK_ATTRIBUTE a = {type, out, sizeof(*out)};
	CK_RV rv;

	*out = 0xa5;
	rv = sa_case_p11(ctx)->C_GetAttributeValue(s, h, &a, 1);
	if (rv == CKR_OK && a.ulValueLen != sizeof(*out))
		rv = CKR_GENERAL_ERROR;
	return rv;
}

CK_RV sa_p11_obj_get_ulong(sa_case_ctx *ctx, CK_SESSION_HANDLE s,
                           CK_OBJECT_HANDLE h, CK_ATTRIBUTE_TYPE type,
                           CK_ULONG *out)
{
	CK_ATTRIBUTE a = {type, out, sizeof(*out)};
	CK_RV rv;

	*out = 0;
	rv = sa_case_p11(ctx)->C_GetAttributeValue(s, h, &a, 1);
	if (rv == CKR_OK && a.ulValueLen != sizeof(*out))
		rv = CKR_GENERAL_ERROR;
	return rv;
}

bool sa_p11_obj_check_bool(sa_case_ctx *ctx, CK_SESSION_HANDLE s,
                           CK_OBJECT_HANDLE h, CK_ATTRIBUTE_TYPE type,
                           CK_BBOOL want, const char *what)
{
	const char *exp = want ? "CK_TRUE" : "CK_FALSE";
	CK_BBOOL v = 0;
	CK_RV rv = sa_p11_obj_get_bool(ctx, s, h, type, &v);
	bool ok;

	if (rv != CKR_OK) {
		ok = sa_case_checkf(ctx, false, what, exp,
		                    "C_GetAttributeValue(%s) returned %s",
		                    sa_p11_attr_name(type), sa_p11_rv_name(rv));
		goto out;
	}
	ok = sa_case_checkf(ctx, v == want, what, exp, "%s",
	                    v == CK_TRUE    ? "CK_TRUE"
	                    : v == CK_FALSE ? "CK_FALSE"
	                                    : "neither CK_TRUE nor CK_FALSE");
out:
	return ok;
}

bool sa_p11_obj_check_label(sa_case_ctx *ctx, CK_SESSION_HANDLE s,
                            CK_OBJECT_HANDLE h, const char *want,
                            const char *what)
{
	char buf[128];
	CK_ATTRIBUTE a = {CKA_LABEL, buf, sizeof(buf) - 1};
	CK_RV rv;
	bool ok;

	memset(buf, 0, sizeof(buf));
	rv = sa_case_p11(ctx)->C_GetAttributeValue(s, h, &a, 1);
	if (rv != CKR_OK) {
		ok =
		    sa_case_checkf(ctx, false, what, want,
		                   "C_GetAttributeValue(CKA_LABEL) returned %s",
		                   sa_p11_rv_name(rv));
		goto out;
	}
	if (a.ulValueLen >= sizeof(buf)) {
		ok = sa_case_checkf(ctx, false, what, want,
		                    "a label of %lu bytes",
		                    (unsigned long)a.ulValueLen);
		goto out;
	}
	buf[a.ulValueLen] = '\0';
	ok = sa_case_check(ctx, strcmp(buf, want) == 0, what, want, buf);
out:
	return ok;
}

const char *sa_p11_obj_len_str(CK_ULONG len, char *buf, size_t size)
{
	if (len == CK_UNAVAILABLE_INFORMATION)
		return "CK_UNAVAILABLE_INFORMATION";
	snprintf(buf, size, "%lu", (unsigned long)len);
	return buf;
}

bool sa_p11_obj_is_v3(sa_case_ctx *ctx)
{
	CK_INFO info;
	bool v3 = false;
	CK_RV rv;

	memset(&info, 0, sizeof(info));
	rv = sa_case_p11(ctx)->C_GetInfo(&info);
	if (rv != CKR_OK) {
		sa_case_note(ctx,
		             "C_GetInfo returned %s: the module is taken "
		             "as PKCS#11 v2.x",
		             sa_p11_rv_name(rv));
		goto out;
	}
	v3 = info.cryptokiVersion.major >= 3;
out:
	return v3;
}
