/* Key-protection policy checks (catalogue group G: KP-01..05, 08..10, 15;
 * group F: SIG-09, SIG-10, SIG-12 as KP-USE-01..03): the case table. The
 * cases are in kp_policy_read.c, kp_policy_latch.c, kp_policy_wrap.c,
 * kp_policy_vis.c and kp_policy_use.c; helpers in kp_policy_common.c and
 * kp_util*.c.
 *
 * These are rules the specification states: a token that breaks one FAILS
 * the case (key disclosure is impact 5). Behaviours the specification
 * permits but that weaken key protection are findings, in kp_attack*.c.
 *
 * References: B2.40 = PKCS#11 Base Specification v2.40 Plus Errata 01;
 * Curr2.40 = Current Mechanisms v2.40; UG2.40 = Usage Guide v2.40. The
 * texts the cases quote were checked against copies of the v2.40 text
 * (the C_GetAttributeValue, C_CopyObject, C_CreateObject, C_WrapKey and
 * C_UnwrapKey descriptions, the CKA_KEY_GEN_MECHANISM paragraph, and
 * footnote 7 of the common attribute table as SoftHSM2's P11Attributes.cpp
 * quotes it with its section number); a reference marked "(unconfirmed)"
 * has a section or footnote number that could not be checked against the
 * OASIS text.
 *
 * Every case works on session objects it creates and destroys (CKA_TOKEN
 * FALSE is forced by kp_util's template builder); only KP-15 may create
 * one private token object, on a token that has none, and deletes it. */
#include "kp_policy_int.h"
#include "suite.h"

#define R_GETATTR   "PKCS#11 B2.40 §5.7.5 C_GetAttributeValue (unconfirmed)"
#define R_SETATTR   "PKCS#11 B2.40 §5.7.6 C_SetAttributeValue (unconfirmed)"
#define R_CREATE    "PKCS#11 B2.40 §5.7.1 C_CreateObject (unconfirmed)"
#define R_COPY      "PKCS#11 B2.40 §5.7.2 C_CopyObject (unconfirmed)"
#define R_FIND      "PKCS#11 B2.40 §5.7.7 C_FindObjectsInit (unconfirmed)"
#define R_TMPL      "PKCS#11 B2.40 §4.1.1 Creating objects"
#define R_MODIFY    "PKCS#11 B2.40 §4.1.2 Modifying objects (unconfirmed)"
#define R_COPYING   "PKCS#11 B2.40 §4.1.3 Copying objects (unconfirmed)"
#define R_FN7       "PKCS#11 B2.40 §4.2 table 10 footnote 7"
#define R_FN10      "PKCS#11 B2.40 §4.2 footnote 10 (CKA_TRUSTED) (unconfirmed)"
#define R_FN11_12   "PKCS#11 B2.40 §4.2 footnotes 11, 12 (latching) (unconfirmed)"
#define R_KEYS      "PKCS#11 B2.40 §4.7.2 common key attributes (unconfirmed)"
#define R_PRIVKEY   "PKCS#11 B2.40 §4.9 private key objects (unconfirmed)"
#define R_SECKEY    "PKCS#11 B2.40 §4.10 secret key objects (unconfirmed)"
#define R_RV_OTHER  "PKCS#11 B2.40 §5.1.6 other return values (unconfirmed)"
#define R_GENKEY    "PKCS#11 B2.40 §5.14.1 C_GenerateKey (unconfirmed)"
#define R_GENPAIR   "PKCS#11 B2.40 §5.14.2 C_GenerateKeyPair (unconfirmed)"
#define R_WRAP      "PKCS#11 B2.40 §5.14.3 C_WrapKey (unconfirmed)"
#define R_UNWRAP    "PKCS#11 B2.40 §5.14.4 C_UnwrapKey (unconfirmed)"
#define R_LOGIN     "PKCS#11 B2.40 §5.6.7 C_Login (unconfirmed)"
#define R_LOGOUT    "PKCS#11 B2.40 §5.6.8 C_Logout (unconfirmed)"
#define R_SIGNINIT  "PKCS#11 B2.40 §5.11.1 C_SignInit (unconfirmed)"
#define R_AESWRAP   "PKCS#11 Curr2.40 AES key wrap (unconfirmed)"
#define R_AESECB    "PKCS#11 Curr2.40 AES-ECB/CBC unwrapping (unconfirmed)"
#define R_UG_ACCESS "PKCS#11 UG2.40 §2.7.3 object access (unconfirmed)"
#define R_TOOKAN                                                               \
	"Bortolozzo et al., Attacking and fixing PKCS#11 security tokens, "    \
	"CCS 2010 (Tookan)"

#define NEED_USER (SA_NEED_TOKEN | SA_NEED_USER_PIN)

static const sa_case cases[] = {
    {
        .id = "KP-01",
        .title = "Secret parts of sensitive keys cannot be read",
        .description =
            "Imports an RSA-2048 and an EC P-256 private key and an "
            "AES-256 key of known value with CKA_SENSITIVE=TRUE (and "
            "CKA_EXTRACTABLE=TRUE, so that sensitivity alone protects "
            "them), plus a generated sensitive EC key, and asks for "
            "CKA_PRIVATE_EXPONENT, CKA_PRIME_1/2, CKA_EXPONENT_1/2, "
            "CKA_COEFFICIENT and CKA_VALUE: each size query and each read "
            "into a large buffer must return CKR_ATTRIBUTE_SENSITIVE, "
            "leave ulValueLen = CK_UNAVAILABLE_INFORMATION and write "
            "nothing into the buffer. A control reads the public modulus "
            "and curve back. Because the imported values are known, a "
            "token that returns bytes anyway is shown to have disclosed "
            "the real key (by fingerprint, never the value). A sensitive "
            "key that can be read is not protected at all: whoever holds "
            "the user PIN, or any process in the session, can copy it.",
        .remediation =
            "Refuse every attribute marked \"cannot be revealed if "
            "CKA_SENSITIVE is TRUE\" with CKR_ATTRIBUTE_SENSITIVE and "
            "ulValueLen = CK_UNAVAILABLE_INFORMATION, for imported and "
            "generated keys alike, and never copy any part of it into the "
            "caller's buffer.",
        .refs = SA_REFS(R_GETATTR, R_FN7, R_PRIVKEY, R_SECKEY),
        .impact = 5,
        .threat = "key-disclosure",
        .needs = NEED_USER,
        .run = sa_kp01_sensitive_unreadable,
    },
    {
        .id = "KP-02",
        .title = "Unextractable keys cannot be read even when not sensitive",
        .description =
            "Imports an AES-256 key and an RSA-2048 private key with "
            "CKA_SENSITIVE=FALSE and CKA_EXTRACTABLE=FALSE and asks for "
            "their secret attributes, which must be refused exactly as "
            "for a sensitive key (CKR_ATTRIBUTE_SENSITIVE, "
            "CK_UNAVAILABLE_INFORMATION, nothing written): the "
            "specification makes either attribute sufficient. A control "
            "imports a key with neither protection and checks that its "
            "CKA_VALUE is returned and is the imported value (by KCV), so "
            "a refusal is the attribute's doing. Many applications only "
            "set CKA_EXTRACTABLE=FALSE; a token that then reveals "
            "CKA_VALUE hands out keys the application believed locked in "
            "(Tookan attack A4).",
        .remediation = "Treat CKA_EXTRACTABLE=FALSE like CKA_SENSITIVE=TRUE "
                       "for C_GetAttributeValue: refuse every secret "
                       "attribute with CKR_ATTRIBUTE_SENSITIVE.",
        .refs = SA_REFS(R_GETATTR, R_FN7, R_SECKEY, R_TOOKAN),
        .impact = 5,
        .threat = "key-disclosure",
        .needs = NEED_USER,
        .run = sa_kp02_unextractable_unreadable,
    },
    {
        .id = "KP-03",
        .title = "SENSITIVE, EXTRACTABLE and WRAP_WITH_TRUSTED latch",
        .description =
            "For each one-way attribute (CKA_SENSITIVE TRUE->FALSE, "
            "CKA_EXTRACTABLE FALSE->TRUE, CKA_WRAP_WITH_TRUSTED "
            "TRUE->FALSE) imports a fresh AES key and asks for the "
            "forbidden change twice, once through C_SetAttributeValue "
            "(CKR_ATTRIBUTE_READ_ONLY) and once through C_CopyObject "
            "(CKR_ATTRIBUTE_READ_ONLY, leniently "
            "CKR_TEMPLATE_INCONSISTENT), then re-reads the attribute, "
            "which must be unchanged on the original and on any copy the "
            "token made. If these attributes could be reset, every other "
            "protection could be undone by the user in two calls.",
        .remediation =
            "Make CKA_SENSITIVE and CKA_WRAP_WITH_TRUSTED read-only once "
            "TRUE and CKA_EXTRACTABLE read-only once FALSE, in "
            "C_SetAttributeValue and in C_CopyObject templates alike.",
        .refs = SA_REFS(R_FN11_12, R_MODIFY, R_COPYING, R_SETATTR, R_COPY,
                        R_SECKEY),
        .impact = 5,
        .threat = "key-disclosure",
        .needs = NEED_USER,
        .run = sa_kp03_latching,
    },
    {
        .id = "KP-04",
        .title = "ALWAYS_SENSITIVE, NEVER_EXTRACTABLE and LOCAL tell the "
                 "key's history",
        .description =
            "Checks the history attributes an auditor relies on to know "
            "whether a key was ever exposed: a generated sensitive, "
            "unextractable AES key and EC private key read "
            "CKA_ALWAYS_SENSITIVE=TRUE, CKA_NEVER_EXTRACTABLE=TRUE, "
            "CKA_LOCAL=TRUE and the generating mechanism (a copy keeps "
            "ALWAYS_SENSITIVE and LOCAL); a key generated readable and "
            "later made sensitive and unextractable keeps "
            "ALWAYS_SENSITIVE=FALSE and NEVER_EXTRACTABLE=FALSE; imported "
            "keys (AES, RSA) read FALSE for all three and "
            "CKA_KEY_GEN_MECHANISM = CK_UNAVAILABLE_INFORMATION, because "
            "their value existed outside the token. A token that reports "
            "an imported or once-readable key as never extractable makes "
            "key-ceremony and certification evidence (e.g. that a "
            "signing key never left the HSM) worthless.",
        .remediation =
            "Set CKA_ALWAYS_SENSITIVE and CKA_NEVER_EXTRACTABLE to TRUE "
            "only for keys generated (or derived from keys) that were "
            "always sensitive / never extractable, clear them for ever on "
            "the first change, and set them and CKA_LOCAL to FALSE on "
            "C_CreateObject and C_UnwrapKey.",
        .refs = SA_REFS(R_KEYS, R_PRIVKEY, R_SECKEY, R_CREATE, R_COPY, R_GENKEY,
                        R_GENPAIR),
        .impact = 4,
        .threat = "false-assurance",
        .needs = NEED_USER,
        .mechs = SA_MECHS(CKM_AES_KEY_GEN),
        .run = sa_kp04_history,
    },
    {
        .id = "KP-05",
        .title = "C_WrapKey refuses unextractable keys and wrapping keys "
                 "without CKA_WRAP",
        .description =
            "With a known AES-256 wrapping key and CKM_AES_KEY_WRAP, "
            "wraps an AES-128 key that has CKA_EXTRACTABLE=FALSE (must "
            "be CKR_KEY_UNEXTRACTABLE), then an extractable key with a "
            "wrapping key whose CKA_WRAP is FALSE. The specification "
            "requires CKA_WRAP=TRUE but C_WrapKey's list of return "
            "values has no code for it, so CKR_KEY_FUNCTION_NOT_"
            "PERMITTED, CKR_WRAPPING_KEY_TYPE_INCONSISTENT and "
            "CKR_WRAPPING_KEY_HANDLE_INVALID are all accepted "
            "(spec-ambiguous); success fails. A control wraps the same "
            "extractable key with a proper wrapping key and checks the "
            "blob is its RFC 3394 wrap; a blob a refused wrap returned is "
            "unwrapped with the known key to show whether the key left "
            "the token. Wrapping is the way keys leave a token: these two "
            "flags are what keeps a key inside.",
        .remediation = "Check CKA_EXTRACTABLE of the key and CKA_WRAP of the "
                       "wrapping key before any output (size queries "
                       "included) and refuse with CKR_KEY_UNEXTRACTABLE "
                       "and CKR_KEY_FUNCTION_NOT_PERMITTED.",
        .refs = SA_REFS(R_WRAP, R_SECKEY, R_RV_OTHER, R_AESWRAP),
        .impact = 5,
        .threat = "key-disclosure",
        .needs = NEED_USER,
        .mechs = SA_MECHS(CKM_AES_KEY_WRAP),
        .run = sa_kp05_wrap_rules,
    },
    {
        .id = "KP-08",
        .title = "Keys marked WRAP_WITH_TRUSTED only leave under trusted "
                 "keys; users cannot mark keys trusted",
        .description =
            "Wraps an AES key with CKA_WRAP_WITH_TRUSTED=TRUE under a "
            "wrapping key the user created (CKA_TRUSTED FALSE): must be "
            "CKR_KEY_NOT_WRAPPABLE (leniently "
            "CKR_WRAPPING_KEY_HANDLE_INVALID), while a control key "
            "without the flag wraps. Then, in the user's session, sets "
            "CKA_TRUSTED=TRUE on the wrapping key and creates a key with "
            "CKA_TRUSTED=TRUE: only the Security Officer may do that, so "
            "both must be refused (CKR_ATTRIBUTE_READ_ONLY, leniently "
            "CKR_TEMPLATE_INCONSISTENT or CKR_USER_NOT_LOGGED_IN) and the "
            "attribute must still read FALSE. Trusted wrapping is how an "
            "SO confines key export to approved keys; a user who can "
            "bypass it or trust their own key exports anything.",
        .remediation = "Refuse C_WrapKey of a CKA_WRAP_WITH_TRUSTED key "
                       "unless the wrapping key has CKA_TRUSTED=TRUE, and "
                       "let only an SO session set CKA_TRUSTED to TRUE.",
        .refs = SA_REFS(R_FN10, R_SECKEY, R_WRAP, R_SETATTR),
        .impact = 5,
        .threat = "key-disclosure",
        .needs = NEED_USER,
        .mechs = SA_MECHS(CKM_AES_KEY_WRAP),
        .run = sa_kp08_trusted_wrapping,
    },
    {
        .id = "KP-09a",
        .title = "CKA_WRAP_TEMPLATE limits what a wrapping key may wrap",
        .description =
            "Gives a wrapping key CKA_WRAP_TEMPLATE {CKA_KEY_TYPE="
            "CKK_GENERIC_SECRET} and wraps an extractable AES key with "
            "it: the specification says the call \"shall return "
            "CKR_KEY_HANDLE_INVALID\"; a generic secret (the control) "
            "wraps. The wrap template is how an administrator confines "
            "which keys a wrapping key may export; a token that ignores "
            "it exports keys the policy kept in. (Catalogue KP-09, "
            "first rule.)",
        .remediation = "Compare the key to be wrapped with the wrapping key's "
                       "CKA_WRAP_TEMPLATE by the C_FindObjects matching "
                       "rules and refuse a mismatch with "
                       "CKR_KEY_HANDLE_INVALID.",
        .refs = SA_REFS(R_WRAP, R_KEYS, R_AESWRAP),
        .impact = 4,
        .threat = "key-disclosure",
        .needs = NEED_USER,
        .mechs = SA_MECHS(CKM_AES_KEY_WRAP),
        .run = sa_kp09a_wrap_template,
    },
    {
        .id = "KP-09b",
        .title = "CKA_UNWRAP_TEMPLATE is applied to every unwrapped key",
        .description =
            "Gives an unwrapping key CKA_UNWRAP_TEMPLATE "
            "{CKA_SENSITIVE=TRUE} and unwraps a known blob three times: "
            "with a template asking CKA_SENSITIVE=FALSE (\"shall return "
            "CKR_TEMPLATE_INCONSISTENT\"), with one that repeats "
            "CKA_SENSITIVE=TRUE (control: works, key sensitive) and with "
            "one that does not mention CKA_SENSITIVE, to which the "
            "unwrap template is \"added\" (works, key sensitive). The "
            "unwrap template decides what imported keys become; ignored, "
            "an importer chooses readable keys. (Catalogue KP-09, "
            "second rule.)",
        .remediation = "Add the unwrapping key's CKA_UNWRAP_TEMPLATE to the "
                       "caller's template, refuse conflicts with "
                       "CKR_TEMPLATE_INCONSISTENT and accept templates "
                       "that are silent about its attributes.",
        .refs = SA_REFS(R_UNWRAP, R_KEYS, R_AESWRAP),
        .impact = 4,
        .threat = "key-disclosure",
        .needs = NEED_USER,
        .mechs = SA_MECHS(CKM_AES_KEY_WRAP),
        .run = sa_kp09b_unwrap_template,
    },
    {
        .id = "KP-10",
        .title = "C_UnwrapKey: history of the new key and refusal of bad "
                 "blobs",
        .description =
            "Unwraps a valid RFC 3394 blob of a known AES-128 key as a "
            "sensitive, unextractable key and checks that it reads "
            "CKA_ALWAYS_SENSITIVE=FALSE, CKA_NEVER_EXTRACTABLE=FALSE, "
            "CKA_LOCAL=FALSE and CKA_KEY_GEN_MECHANISM = "
            "CK_UNAVAILABLE_INFORMATION, and is the wrapped key (KCV). "
            "Then presents blobs that must be refused without creating "
            "anything: a raw AES-ECB/CBC blob unwrapped into a generic "
            "secret with no CKA_VALUE_LEN (CKR_TEMPLATE_INCOMPLETE; only "
            "where the token can unwrap with those mechanisms), a 16-byte "
            "key declared CKA_VALUE_LEN=32 (CKR_WRAPPED_KEY_LEN_RANGE), a "
            "blob one byte short (CKR_WRAPPED_KEY_LEN_RANGE) and garbage "
            "(CKR_WRAPPED_KEY_INVALID). An unwrapped key that claims to "
            "have never been extractable hides that its value came from "
            "outside; a token that accepts garbage imports keys nobody "
            "chose.",
        .remediation = "Mark unwrapped keys as neither always sensitive, "
                       "never extractable nor local, verify the integrity "
                       "and length of every blob, and fail without "
                       "creating an object when the key length is "
                       "ambiguous or inconsistent.",
        .refs = SA_REFS(R_UNWRAP, R_KEYS, R_TMPL, R_AESWRAP, R_AESECB),
        .impact = 4,
        .threat = "false-assurance",
        .needs = NEED_USER,
        .mechs = SA_MECHS(CKM_AES_KEY_WRAP),
        .run = sa_kp10_unwrap_semantics,
    },
    {
        .id = "KP-15",
        .title = "Private objects are invisible and unusable after logout",
        .description =
            "While logged in, notes the handles of the token's private "
            "objects (making one private token object if there is none, "
            "deleted at the end) and of a private session key, then logs "
            "out: a search for CKA_PRIVATE=TRUE and a search for every "
            "object in the now public session must return none of those "
            "handles, and the old handles must fail with "
            "CKR_OBJECT_HANDLE_INVALID; a public session key stays "
            "visible (control). Private objects that can be found or "
            "used without the PIN give anyone with access to the "
            "library the keys the PIN is meant to guard.",
        .remediation = "Filter private objects out of every search in a "
                       "public session and invalidate the application's "
                       "handles to private objects on C_Logout.",
        .refs = SA_REFS(R_FIND, R_LOGOUT, R_UG_ACCESS),
        .impact = 5,
        .threat = "access-control-bypass",
        .needs = NEED_USER,
        .run = sa_kp15_private_visibility,
    },
    {
        .id = "KP-USE-01a",
        .title = "Usage flags are enforced: CKA_SIGN=FALSE does not sign",
        .description =
            "Catalogue SIG-09, usage rule. C_SignInit with an RSA "
            "private key whose CKA_SIGN is FALSE must return "
            "CKR_KEY_FUNCTION_NOT_PERMITTED; the same key value with "
            "CKA_SIGN=TRUE signs and the signature verifies (control). "
            "C_EncryptInit and C_DecryptInit with an AES key whose "
            "CKA_ENCRYPT / CKA_DECRYPT are FALSE must return "
            "CKR_KEY_FUNCTION_NOT_PERMITTED too, while a key with both "
            "flags starts both operations. Each init runs in a session "
            "of its own. Usage flags separate keys by purpose (a "
            "decryption key must not become a signing oracle); neither "
            "pkcs11test nor SoftHSM's own tests check them.",
        .remediation = "Check the key's usage attribute (CKA_SIGN, "
                       "CKA_ENCRYPT, CKA_DECRYPT, ...) in every C_*Init and "
                       "refuse with CKR_KEY_FUNCTION_NOT_PERMITTED.",
        .refs = SA_REFS(R_SIGNINIT, R_RV_OTHER, R_PRIVKEY, R_SECKEY),
        .impact = 5,
        .threat = "key-misuse",
        .needs = NEED_USER,
        .mechs = SA_MECHS(CKM_RSA_PKCS),
        .run = sa_kp_use01a_usage_flags,
    },
    {
        .id = "KP-USE-01b",
        .title = "C_SignInit refuses keys of the wrong type",
        .description =
            "Catalogue SIG-09, key-type rule. C_SignInit(CKM_RSA_PKCS) "
            "with an RSA public key and with an AES key that has "
            "CKA_SIGN=TRUE must return CKR_KEY_TYPE_INCONSISTENT, which "
            "outranks a missing permission (for the public key, which "
            "has no CKA_SIGN, CKR_KEY_FUNCTION_NOT_PERMITTED is accepted "
            "leniently). Controls show both keys usable for what they "
            "are (C_VerifyInit, C_EncryptInit). A token that starts an "
            "RSA signature with a secret key's bytes computes with "
            "whatever it finds in the object: at best a wrong result, at "
            "worst key material used in a way nobody analysed.",
        .remediation = "Check that the key type matches the mechanism in "
                       "every C_*Init and refuse with "
                       "CKR_KEY_TYPE_INCONSISTENT before looking at usage "
                       "flags.",
        .refs = SA_REFS(R_SIGNINIT, R_RV_OTHER),
        .impact = 3,
        .threat = "key-misuse",
        .needs = NEED_USER,
        .mechs = SA_MECHS(CKM_RSA_PKCS),
        .run = sa_kp_use01b_key_type,
    },
    {
        .id = "KP-USE-02",
        .title = "CKA_ALLOWED_MECHANISMS restricts a key to its mechanisms",
        .description =
            "Catalogue SIG-10. Imports an RSA key with "
            "CKA_ALLOWED_MECHANISMS {CKM_SHA256_RSA_PKCS}, checks that "
            "the attribute reads back as set and that the key signs with "
            "that mechanism (control), then starts C_SignInit with every "
            "other RSA signature mechanism the token lists (raw "
            "CKM_RSA_PKCS, SHA-512, SHA-1, PSS): each must be refused. "
            "The specification defines the attribute but names no "
            "error code: CKR_MECHANISM_INVALID is expected (the "
            "reference token's choice), CKR_KEY_FUNCTION_NOT_PERMITTED "
            "is accepted leniently, and any success fails. A key "
            "restricted to hashed signatures that still does raw RSA is "
            "a signing oracle for arbitrary data.",
        .remediation = "Refuse every C_*Init whose mechanism is not in the "
                       "key's CKA_ALLOWED_MECHANISMS, and return the "
                       "attribute exactly as it was set.",
        .refs = SA_REFS(R_KEYS, R_SIGNINIT, R_GETATTR),
        .impact = 4,
        .threat = "key-misuse",
        .needs = NEED_USER,
        .mechs = SA_MECHS(CKM_SHA256_RSA_PKCS),
        .run = sa_kp_use02_allowed_mechanisms,
    },
    {
        .id = "KP-USE-03",
        .title = "CKA_ALWAYS_AUTHENTICATE requires a context login for each "
                 "use",
        .description =
            "Catalogue SIG-12. Imports an RSA key with "
            "CKA_ALWAYS_AUTHENTICATE=TRUE: C_SignInit works but C_Sign "
            "without C_Login(CKU_CONTEXT_SPECIFIC) must return "
            "CKR_USER_NOT_LOGGED_IN; a context login with a wrong PIN "
            "CKR_PIN_INCORRECT (one attempt; the correct context login "
            "that follows resets retry counters); with the right PIN the "
            "key signs and the signature verifies (control); a context "
            "login with no operation CKR_OPERATION_NOT_INITIALIZED; and "
            "a key with CKA_ALWAYS_AUTHENTICATE=TRUE but CKA_PRIVATE="
            "FALSE cannot be created (CKR_TEMPLATE_INCONSISTENT, leniently "
            "CKR_ATTRIBUTE_VALUE_INVALID). Qualified-signature keys rely "
            "on this attribute for sole control: without it, any code in "
            "the logged-in application signs without the signatory.",
        .remediation = "Require C_Login(CKU_CONTEXT_SPECIFIC) between every "
                       "C_*Init and the operation for keys with "
                       "CKA_ALWAYS_AUTHENTICATE=TRUE, and refuse the "
                       "attribute on public objects.",
        .refs = SA_REFS(R_PRIVKEY, R_LOGIN, R_TMPL),
        .impact = 4,
        .threat = "sole-control-bypass",
        .needs = NEED_USER,
        .mechs = SA_MECHS(CKM_SHA256_RSA_PKCS),
        .run = sa_kp_use03_always_authenticate,
    },
};

const sa_case_group sa_kp_group_policy = {cases, SA_COUNTOF(cases)};
