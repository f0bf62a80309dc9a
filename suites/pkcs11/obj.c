/* Catalogue group D (objects and attribute policy) of the pkcs11 suite: the
 * case table. The cases are in obj_create.c (OBJ-01 to 03), obj_attr.c
 * (OBJ-04 to 07) and obj_find.c (OBJ-08 to 10); their shared helpers in
 * obj_util.c, beside the session helpers of group C (session_util.c).
 *
 * Section numbers: B2.40 = PKCS#11 Base Specification v2.40 Plus Errata 01,
 * B3.0 = Base Specification v3.0, UG2.40 = Usage Guide v2.40. A reference
 * marked "(unconfirmed)" could not be checked against the OASIS text when it
 * was written. The rules themselves were checked against the specification
 * text (the C_GetAttributeValue algorithm of v2.40, the creation, copying
 * and CKA_UNIQUE_ID rules of the OASIS v3.x sources); the section numbers
 * follow the v2.40 layout and could not be.
 *
 * Non-destructive: every object a case makes is a session object, destroyed
 * before the case ends. P11-OBJ-01a asks for a token object that must be
 * refused; if the module makes it anyway, the case destroys it at once. */
#include "obj_int.h"
#include "suite.h"

#define R_CREATING  "PKCS#11 B2.40 §4.1.1 Creating objects (unconfirmed)"
#define R_MODIFYING "PKCS#11 B2.40 §4.1.2 Modifying objects (unconfirmed)"
#define R_COPYING   "PKCS#11 B2.40 §4.1.3 Copying objects (unconfirmed)"
#define R_STORAGE   "PKCS#11 B2.40 §4.4 Storage objects (unconfirmed)"
#define R_KEYS      "PKCS#11 B2.40 §4.7 Key objects (unconfirmed)"
#define R_SECRET    "PKCS#11 B2.40 §4.10 Secret key objects (unconfirmed)"
#define R_UNIQUE    "PKCS#11 B3.0 §4.4.1 CKA_UNIQUE_ID (unconfirmed)"
#define R_CREATE    "PKCS#11 B2.40 §5.7.1 C_CreateObject (unconfirmed)"
#define R_COPY      "PKCS#11 B2.40 §5.7.2 C_CopyObject (unconfirmed)"
#define R_DESTROY   "PKCS#11 B2.40 §5.7.3 C_DestroyObject (unconfirmed)"
#define R_GETATTR   "PKCS#11 B2.40 §5.7.5 C_GetAttributeValue (unconfirmed)"
#define R_SETATTR   "PKCS#11 B2.40 §5.7.6 C_SetAttributeValue (unconfirmed)"
#define R_FINDINIT  "PKCS#11 B2.40 §5.7.7 C_FindObjectsInit (unconfirmed)"
#define R_FIND      "PKCS#11 B2.40 §5.7.8 C_FindObjects (unconfirmed)"
#define R_FINDFINAL "PKCS#11 B2.40 §5.7.9 C_FindObjectsFinal (unconfirmed)"
#define R_CLOSE     "PKCS#11 B2.40 §5.6.2 C_CloseSession (unconfirmed)"
#define R_RV_OTHER  "PKCS#11 B2.40 §5.1.6 other return values (unconfirmed)"
#define R_RV_PRIO   "PKCS#11 B2.40 §5.1.8 error priorities (unconfirmed)"
#define R_KEYFUNCS                                                             \
	"PKCS#11 B2.40 §5.8-§5.12 C_EncryptInit, C_DecryptInit, "            \
	"C_DigestKey, C_SignInit, C_VerifyInit (unconfirmed)"
#define R_UG_ACCESS "PKCS#11 UG2.40 §2.7.3 object access table (unconfirmed)"
#define R_UG_OBJECTS                                                           \
	"PKCS#11 UG2.40 §2.7 session objects and their visibility "           \
	"(unconfirmed)"

static const sa_case cases[] = {
    {
        .id = "P11-OBJ-01a",
        .title = "No token object can be created from a read-only session",
        .description =
            "Calls C_CreateObject for a token CKO_DATA object "
            "(CKA_TOKEN true) in an RO public session and, when a "
            "user PIN is configured, for a public and a private one "
            "in an RO user session: each must return "
            "CKR_SESSION_READ_ONLY (CKR_TOKEN_WRITE_PROTECTED is "
            "also accepted on a write-protected token), and a search "
            "by label must find nothing afterwards, since an error "
            "code does not prove that nothing was stored. Should the "
            "module create the object, the case destroys it at once "
            "and fails. An RO session is how an application promises "
            "not to change the token; a module that writes through "
            "one lets any code holding such a session plant "
            "persistent objects (certificates, trusted keys) on it.",
        .remediation = "Refuse C_CreateObject, C_CopyObject and key "
                       "generation with CKA_TOKEN true in read-only sessions "
                       "with CKR_SESSION_READ_ONLY, before anything is "
                       "written.",
        .refs = SA_REFS(R_CREATE, R_STORAGE, R_UG_ACCESS),
        .impact = 3,
        .threat = "unauthorised-token-modification",
        .needs = SA_NEED_TOKEN,
        .run = sa_p11_obj01a_token_object_ro,
    },
    {
        .id = "P11-OBJ-01b",
        .title = "No private object can be created without a user login",
        .description = "In an RO and an RW public session (nobody logged in), "
                       "C_CreateObject of a private session object "
                       "(CKA_PRIVATE true) must return CKR_USER_NOT_LOGGED_IN, "
                       "while a public session object is created normally (the "
                       "control). Private objects are the ones only the "
                       "authenticated user may see; a module that lets anyone "
                       "create them lets an unauthenticated caller put objects "
                       "where the user's applications trust to find only their "
                       "own.",
        .remediation = "Refuse the creation of CKA_PRIVATE true objects with "
                       "CKR_USER_NOT_LOGGED_IN unless the normal user is "
                       "logged in.",
        .refs = SA_REFS(R_CREATE, R_STORAGE, R_UG_ACCESS),
        .impact = 4,
        .threat = "access-control-bypass",
        .needs = SA_NEED_TOKEN,
        .run = sa_p11_obj01b_private_object_public,
    },
    {
        .id = "P11-OBJ-02a",
        .title = "Unknown attribute types are refused at creation",
        .description =
            "C_CreateObject of a session CKO_DATA object with an "
            "attribute type that no PKCS#11 version defines, and with "
            "a vendor-defined type the module does not know, must "
            "return CKR_ATTRIBUTE_TYPE_INVALID (first creation rule). "
            "A module that silently drops attributes it does not "
            "understand creates objects other than the one asked for, "
            "and an application cannot tell that a protection it "
            "requested was ignored.",
        .remediation = "Reject every attribute type that is neither defined "
                       "by Cryptoki nor a supported vendor extension with "
                       "CKR_ATTRIBUTE_TYPE_INVALID.",
        .refs = SA_REFS(R_CREATING, R_CREATE),
        .impact = 2,
        .threat = "template-validation",
        .needs = SA_NEED_TOKEN,
        .run = sa_p11_obj02a_type_invalid,
    },
    {
        .id = "P11-OBJ-02b",
        .title = "Invalid attribute values are refused at creation",
        .description =
            "C_CreateObject with a CK_BBOOL attribute given as four "
            "bytes, with an undefined CKA_CLASS and with an undefined "
            "CKA_KEY_TYPE must return CKR_ATTRIBUTE_VALUE_INVALID "
            "(second creation rule; CKR_TEMPLATE_INCONSISTENT is "
            "accepted leniently for the class and key type). A module "
            "that reads a malformed value instead of refusing it "
            "stores whatever it guessed, which for a boolean such as "
            "CKA_SENSITIVE or CKA_MODIFIABLE is a protection flag.",
        .remediation = "Check every attribute's length and value range "
                       "against its type and refuse malformed ones with "
                       "CKR_ATTRIBUTE_VALUE_INVALID.",
        .refs = SA_REFS(R_CREATING, R_CREATE),
        .impact = 2,
        .threat = "template-validation",
        .needs = SA_NEED_TOKEN | SA_NEED_USER_PIN,
        .run = sa_p11_obj02b_value_invalid,
    },
    {
        .id = "P11-OBJ-02c",
        .title = "Templates missing a required attribute are refused",
        .description =
            "C_CreateObject without CKA_CLASS, of an AES secret key "
            "without CKA_VALUE and of a secret key without "
            "CKA_KEY_TYPE must return CKR_TEMPLATE_INCOMPLETE (fourth "
            "creation rule; these attributes must be specified). A "
            "module that fills the gaps with defaults of its own "
            "creates objects whose class or key material the "
            "application never chose.",
        .remediation = "Refuse templates that do not fully specify the object "
                       "with CKR_TEMPLATE_INCOMPLETE; never invent key "
                       "material or a class for C_CreateObject.",
        .refs = SA_REFS(R_CREATING, R_CREATE, R_SECRET),
        .impact = 2,
        .threat = "template-validation",
        .needs = SA_NEED_TOKEN | SA_NEED_USER_PIN,
        .run = sa_p11_obj02c_incomplete,
    },
    {
        .id = "P11-OBJ-02d",
        .title = "Templates mixing classes or key types are refused",
        .description =
            "C_CreateObject of a CKO_SECRET_KEY with CKK_RSA, and of an "
            "AES key carrying CKA_PUBLIC_EXPONENT (an RSA key "
            "attribute, the specification's own example of an "
            "attribute appropriate for another class) must return "
            "CKR_TEMPLATE_INCONSISTENT (fifth creation rule); "
            "CKR_ATTRIBUTE_VALUE_INVALID and CKR_ATTRIBUTE_TYPE_INVALID "
            "are accepted leniently, since a module may also read "
            "them as an invalid value or attribute. A module that "
            "resolves such contradictions on its own creates a key "
            "of a type the application did not ask for, or with "
            "attributes it silently ignores.",
        .remediation = "Refuse templates whose class, key type and "
                       "attributes cannot all hold at once with "
                       "CKR_TEMPLATE_INCONSISTENT.",
        .refs = SA_REFS(R_CREATING, R_CREATE, R_RV_PRIO),
        .impact = 2,
        .threat = "template-validation",
        .needs = SA_NEED_TOKEN | SA_NEED_USER_PIN,
        .run = sa_p11_obj02d_inconsistent,
    },
    {
        .id = "P11-OBJ-02e",
        .title = "A template giving one attribute two values is refused",
        .description =
            "C_CreateObject of a session data object whose template "
            "holds CKA_LABEL twice, with two different values, must "
            "return CKR_TEMPLATE_INCONSISTENT: the fifth creation "
            "rule names \"a template which specifies two different "
            "values for the same attribute\" as its first example "
            "(only the same value repeated is left to the module). "
            "If the module creates the object, the case notes which "
            "value it kept and destroys it. A module that keeps the "
            "first or the last value decides for the application "
            "which of two contradictory requests wins; for a "
            "protection flag such as CKA_SENSITIVE or CKA_EXTRACTABLE "
            "an attacker who can append to a template can choose the "
            "outcome.",
        .remediation = "Detect repeated attribute types with different "
                       "values in creation templates and refuse them with "
                       "CKR_TEMPLATE_INCONSISTENT.",
        .refs = SA_REFS(R_CREATING, R_CREATE),
        .impact = 2,
        .threat = "template-validation",
        .needs = SA_NEED_TOKEN,
        .run = sa_p11_obj02e_repeated_attribute,
    },
    {
        .id = "P11-OBJ-03",
        .title = "Read-only key attributes cannot be supplied at creation",
        .description =
            "Imports a sensitive AES key with CKA_LOCAL, "
            "CKA_ALWAYS_SENSITIVE or CKA_NEVER_EXTRACTABLE set to "
            "true, or with CKA_KEY_GEN_MECHANISM set: each must be "
            "refused with CKR_ATTRIBUTE_READ_ONLY (the attributes must "
            "not be specified; CKR_TEMPLATE_INCONSISTENT is accepted "
            "leniently). A key imported normally must then read "
            "CKA_LOCAL, CKA_ALWAYS_SENSITIVE and CKA_NEVER_EXTRACTABLE "
            "false and CKA_KEY_GEN_MECHANISM "
            "CK_UNAVAILABLE_INFORMATION. On a v3.0 module, "
            "CKA_UNIQUE_ID must be present, different for two objects "
            "and for a copy, and refused with CKR_ATTRIBUTE_READ_ONLY "
            "in C_CreateObject, C_SetAttributeValue and C_CopyObject "
            "templates; on a v2.40 module that part is not run. These "
            "attributes are the key's provenance: auditors and key "
            "attestation rely on them to tell a key born in the HSM "
            "from one whose value was known outside it, and a module "
            "that lets an application set them lets an imported key "
            "pass for one that never left the device.",
        .remediation = "Treat CKA_LOCAL, CKA_ALWAYS_SENSITIVE, "
                       "CKA_NEVER_EXTRACTABLE, CKA_KEY_GEN_MECHANISM and "
                       "CKA_UNIQUE_ID as token-set: refuse them in templates "
                       "with CKR_ATTRIBUTE_READ_ONLY and set them from the "
                       "key's real history.",
        .refs = SA_REFS(R_CREATING, R_CREATE, R_KEYS, R_SECRET, R_UNIQUE),
        .impact = 4,
        .threat = "key-provenance-forgery",
        .needs = SA_NEED_TOKEN | SA_NEED_USER_PIN,
        .run = sa_p11_obj03_read_only_attrs,
    },
    {
        .id = "P11-OBJ-04a",
        .title = "C_GetAttributeValue processes every template slot on its "
                 "own",
        .description =
            "Reads, in one C_GetAttributeValue call on a sensitive AES "
            "key, CKA_VALUE (sensitive), CKA_MODULUS (not an attribute "
            "of the key), CKA_CLASS into a 1-byte buffer, CKA_LABEL "
            "with a NULL pValue, and CKA_KEY_TYPE and CKA_SENSITIVE "
            "into large enough buffers. The specification's algorithm "
            "requires: the three failing slots get ulValueLen = "
            "CK_UNAVAILABLE_INFORMATION, the sensitive buffer does "
            "not receive the key and nothing is written past the "
            "1-byte buffer; the NULL slot gets the exact length; "
            "the valid slots are filled although failing slots come "
            "before them; the call returns CKR_ATTRIBUTE_SENSITIVE, "
            "CKR_ATTRIBUTE_TYPE_INVALID or CKR_BUFFER_TOO_SMALL (any "
            "of them). A sensitive attribute read with a NULL pValue "
            "must not reveal its length either. Applications read "
            "attributes in batches and trust ulValueLen to know which "
            "buffers hold data: a module that leaves stale lengths "
            "makes them parse uninitialised memory as key attributes, "
            "and one that stops at the first error silently hides "
            "valid attributes; one that copies a value into a buffer "
            "too small for it overwrites the application's memory.",
        .remediation = "Implement the per-attribute algorithm of "
                       "C_GetAttributeValue exactly: process every slot, set "
                       "CK_UNAVAILABLE_INFORMATION in each slot that cannot "
                       "be returned, never write a sensitive value or more "
                       "than ulValueLen bytes, and report the error only in "
                       "the return code.",
        .refs = SA_REFS(R_GETATTR, R_SECRET),
        .impact = 4,
        .threat = "attribute-disclosure",
        .needs = SA_NEED_TOKEN | SA_NEED_USER_PIN,
        .run = sa_p11_obj04a_getattr_slots,
    },
    {
        .id = "P11-OBJ-04b",
        .title = "C_GetAttributeValue returns the code of each failure",
        .description =
            "Alone with a valid slot, each condition of the "
            "C_GetAttributeValue algorithm must give its own code: an "
            "attribute the object does not have and an undefined type "
            "CKR_ATTRIBUTE_TYPE_INVALID, a sensitive attribute (with a "
            "buffer or a NULL pValue) CKR_ATTRIBUTE_SENSITIVE, a too "
            "small buffer CKR_BUFFER_TOO_SMALL (writing nothing past "
            "it), while a length query "
            "(NULL pValue) and a buffer of exactly the value's length "
            "give CKR_OK. Applications decide from these codes whether "
            "to retry with a bigger buffer, skip an attribute or "
            "report a protected key; a wrong code sends them down the "
            "wrong path.",
        .remediation = "Return CKR_ATTRIBUTE_SENSITIVE, "
                       "CKR_ATTRIBUTE_TYPE_INVALID or CKR_BUFFER_TOO_SMALL "
                       "exactly when the corresponding case applies, and "
                       "CKR_OK for length queries and exact-size buffers.",
        .refs = SA_REFS(R_GETATTR),
        .impact = 2,
        .threat = "api-nonconformance",
        .needs = SA_NEED_TOKEN | SA_NEED_USER_PIN,
        .run = sa_p11_obj04b_getattr_rv,
    },
    {
        .id = "P11-OBJ-05",
        .title = "Objects with CKA_MODIFIABLE false cannot be changed",
        .description =
            "Creates a session data object with CKA_MODIFIABLE false "
            "and calls C_SetAttributeValue on its CKA_LABEL, which "
            "must return CKR_ACTION_PROHIBITED (CKR_ATTRIBUTE_READ_ONLY, "
            "the pre-v2.40 code, is accepted leniently), and on "
            "CKA_MODIFIABLE itself, where both codes apply and either "
            "is accepted; the values must read back unchanged, and "
            "relabelling an ordinary object must work (the control). "
            "CKA_MODIFIABLE false is how a "
            "provisioning process freezes an object; if it can be "
            "changed, labels, identifiers and usage flags that other "
            "systems rely on can be altered afterwards.",
        .remediation = "Refuse C_SetAttributeValue on objects whose "
                       "CKA_MODIFIABLE is false with CKR_ACTION_PROHIBITED "
                       "and change nothing.",
        .refs = SA_REFS(R_STORAGE, R_MODIFYING, R_SETATTR),
        .impact = 3,
        .threat = "object-tampering",
        .needs = SA_NEED_TOKEN,
        .run = sa_p11_obj05_unmodifiable,
    },
    {
        .id = "P11-OBJ-06a",
        .title = "Objects with CKA_COPYABLE false cannot be copied",
        .description =
            "C_CopyObject of a session object created with "
            "CKA_COPYABLE false, with a plain template and with one "
            "asking CKA_COPYABLE true for the copy, must return "
            "CKR_ACTION_PROHIBITED and create nothing; copying an "
            "ordinary object must work (the control). A copy is a "
            "new object whose attributes the copier chooses within "
            "the copy rules: for a key, copying is the first step of "
            "moving it to a less protected form, which CKA_COPYABLE "
            "false exists to prevent.",
        .remediation = "Refuse C_CopyObject of any object whose CKA_COPYABLE "
                       "is false with CKR_ACTION_PROHIBITED, whatever the "
                       "template asks.",
        .refs = SA_REFS(R_COPYING, R_COPY, R_STORAGE),
        .impact = 3,
        .threat = "key-duplication",
        .needs = SA_NEED_TOKEN,
        .run = sa_p11_obj06a_uncopyable,
    },
    {
        .id = "P11-OBJ-06b",
        .title = "CKA_COPYABLE cannot be set back to true",
        .description =
            "On an object created with CKA_COPYABLE false, and on one "
            "where C_SetAttributeValue cleared it (if the token "
            "allows that), C_SetAttributeValue(CKA_COPYABLE true) "
            "must return CKR_ATTRIBUTE_READ_ONLY "
            "(CKR_ACTION_PROHIBITED is accepted leniently) and the "
            "attribute must still read false. The attribute latches: "
            "if it can be reset, whoever can modify the object can "
            "undo the copy protection and then copy it.",
        .remediation = "Make CKA_COPYABLE read-only once it is false and "
                       "refuse attempts to set it with "
                       "CKR_ATTRIBUTE_READ_ONLY.",
        .refs = SA_REFS(R_STORAGE, R_MODIFYING, R_SETATTR),
        .impact = 3,
        .threat = "policy-latch-bypass",
        .needs = SA_NEED_TOKEN,
        .run = sa_p11_obj06b_copyable_latch,
    },
    {
        .id = "P11-OBJ-07",
        .title = "Objects with CKA_DESTROYABLE false cannot be destroyed",
        .description =
            "C_DestroyObject of a session object created with "
            "CKA_DESTROYABLE false must return CKR_ACTION_PROHIBITED "
            "and the object must still exist; an ordinary object must "
            "be destroyed normally (the control). Closing the object's "
            "session must still remove it, as for any session object. "
            "CKA_DESTROYABLE false protects keys and certificates that "
            "a service depends on from deletion by a buggy or hostile "
            "application holding a session.",
        .remediation = "Refuse C_DestroyObject of objects whose "
                       "CKA_DESTROYABLE is false with CKR_ACTION_PROHIBITED.",
        .refs = SA_REFS(R_STORAGE, R_DESTROY, R_CLOSE),
        .impact = 3,
        .threat = "object-destruction",
        .needs = SA_NEED_TOKEN,
        .run = sa_p11_obj07_undestroyable,
    },
    {
        .id = "P11-OBJ-08a",
        .title = "The C_FindObjects* functions follow the operation "
                 "lifecycle",
        .description = "C_FindObjects and C_FindObjectsFinal without an active "
                       "search must return CKR_OPERATION_NOT_INITIALIZED; a "
                       "second C_FindObjectsInit during a search "
                       "CKR_OPERATION_ACTIVE, leaving the first search usable; "
                       "and after C_FindObjectsFinal both functions "
                       "CKR_OPERATION_NOT_INITIALIZED again. A module that "
                       "accepts calls outside a search returns stale or "
                       "undefined results that applications take for the "
                       "token's contents.",
        .remediation = "Track one search per session and refuse calls "
                       "outside it with CKR_OPERATION_NOT_INITIALIZED, and "
                       "a second C_FindObjectsInit with "
                       "CKR_OPERATION_ACTIVE.",
        .refs = SA_REFS(R_FINDINIT, R_FIND, R_FINDFINAL),
        .impact = 1,
        .threat = "api-nonconformance",
        .needs = SA_NEED_TOKEN,
        .run = sa_p11_obj08a_find_lifecycle,
    },
    {
        .id = "P11-OBJ-08b",
        .title = "Search results are complete and the same however they "
                 "are read",
        .description =
            "Creates five session objects with one label and a sixth "
            "with another, then searches by label reading 64, 1 and 2 "
            "handles per C_FindObjects call: each search must return "
            "exactly the five objects, each once, never more handles "
            "than asked in a call; adding CKA_CLASS CKO_DATA to the "
            "template must give the same five, and CKO_SECRET_KEY "
            "none. Inventories of an HSM are made with these calls: "
            "a module that loses, repeats or invents handles "
            "depending on how the results are read gives auditors "
            "and key-management systems a wrong picture of the "
            "token's contents.",
        .remediation = "Return each matching object exactly once per search, "
                       "at most ulMaxObjectCount per call, until the matches "
                       "are exhausted, whatever the chunk size.",
        .refs = SA_REFS(R_FINDINIT, R_FIND),
        .impact = 2,
        .threat = "inventory-integrity",
        .needs = SA_NEED_TOKEN,
        .run = sa_p11_obj08b_find_results,
    },
    {
        .id = "P11-OBJ-09a",
        .title = "Object functions refuse handles that name no object",
        .description =
            "Logged in as the user, calls C_GetAttributeValue, "
            "C_GetObjectSize and C_CopyObject with handle 0, with the "
            "handle of an object just destroyed and with handles no "
            "object the session can see has, and C_SetAttributeValue "
            "and C_DestroyObject with the first two only (a made-up "
            "handle might name an object hidden from the session, "
            "which an audit must not change): each must return "
            "CKR_OBJECT_HANDLE_INVALID. "
            "A module that accepts a stale or made-up handle is "
            "reading or changing memory that belongs to no object, "
            "or to another object, which is how use-after-free and "
            "cross-object confusion show up at the API.",
        .remediation = "Validate every object handle against the live "
                       "objects visible to the session and return "
                       "CKR_OBJECT_HANDLE_INVALID otherwise; never reuse a "
                       "destroyed object's handle while the application may "
                       "still hold it.",
        .refs = SA_REFS(R_RV_OTHER, R_GETATTR, R_SETATTR, R_COPY, R_DESTROY),
        .impact = 3,
        .threat = "handle-confusion",
        .needs = SA_NEED_TOKEN | SA_NEED_USER_PIN,
        .run = sa_p11_obj09a_bad_object_handles,
    },
    {
        .id = "P11-OBJ-09b",
        .title = "Key-taking functions answer bad key handles with "
                 "CKR_KEY_HANDLE_INVALID",
        .description =
            "Calls C_SignInit, C_VerifyInit, C_EncryptInit, "
            "C_DecryptInit and C_DigestKey (with mechanisms the token "
            "lists) with handle 0, a destroyed object's handle and "
            "unused handles: each must return "
            "CKR_KEY_HANDLE_INVALID, the code these functions define "
            "for it (CKR_OBJECT_HANDLE_INVALID is not among their "
            "return values). Any success would start an operation "
            "with no key; a wrong code hides from the application "
            "that the key, not the session or the mechanism, is the "
            "problem.",
        .remediation = "Return CKR_KEY_HANDLE_INVALID from every function "
                       "that takes a key handle when the handle names no "
                       "key.",
        .refs = SA_REFS(R_RV_OTHER, R_KEYFUNCS),
        .impact = 1,
        .threat = "api-nonconformance",
        .needs = SA_NEED_TOKEN | SA_NEED_USER_PIN,
        .run = sa_p11_obj09b_bad_key_handles,
    },
    {
        .id = "P11-OBJ-10",
        .title = "Session objects are shared by the application's sessions "
                 "and die with their own",
        .description =
            "Creates a session object in session A and another in "
            "session B: B must find A's object by label under the "
            "same handle and read it; after A is closed, B must get "
            "CKR_OBJECT_HANDLE_INVALID for it and find nothing by "
            "label, while B's own object remains. Session objects "
            "hold temporary keys and data that should not outlive "
            "the work that made them; a module that keeps them after "
            "their session closes leaves key material in the token "
            "that no application tracks any more.",
        .remediation = "Destroy every session object when the session that "
                       "created it closes, even if other sessions of the "
                       "application are using it, and make it visible to "
                       "all sessions of the application until then.",
        .refs = SA_REFS(R_CLOSE, R_STORAGE, R_UG_OBJECTS),
        .impact = 3,
        .threat = "object-lifetime",
        .needs = SA_NEED_TOKEN,
        .run = sa_p11_obj10_session_object_life,
    },
};

const sa_case_group sa_p11_group_obj = {cases, SA_COUNTOF(cases)};
