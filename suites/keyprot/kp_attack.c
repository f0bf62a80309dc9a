/* Key-protection attack-style findings (catalogue group G rows KP-06, 07,
 * 11, 12, 13, 14): the case table. The cases are in kp_attack_wrap.c
 * (KP-06, 07, 11), kp_attack_derive.c (KP-12) and kp_attack_scan.c (KP-13,
 * 14); their helpers in kp_util_attack.c beside kp_util.c.
 *
 * PKCS#11 permits every attack here: none is a specification failure, each
 * is a security finding (SA_TAG_FINDING) with the catalogue's impact. A case
 * PASSES when the token refuses the attack or the attack does not yield the
 * key, and FAILS with a reason "finding: ..." when it does.
 *
 * Keys: session objects only, destroyed at the end. Test keys of known value
 * are the public constants of kp_util_keys.c; evidence and notes show them as
 * KCVs or fingerprints only, and a value recovered from the token is compared
 * in memory, never written.
 *
 * Section numbers: B2.40 = PKCS#11 Base Specification v2.40 Plus Errata 01,
 * Curr2.40 = Current Mechanisms Specification v2.40. A reference marked
 * "(unconfirmed)" could not be checked against its text when written. */
#include "kp_util_attack.h"
#include "suite.h"

#define R_WRAP   "PKCS#11 B2.40 §5.14.3 C_WrapKey (unconfirmed)"
#define R_UNWRAP "PKCS#11 B2.40 §5.14.4 C_UnwrapKey (unconfirmed)"
#define R_DERIVE "PKCS#11 B2.40 §5.14.5 C_DeriveKey (unconfirmed)"
#define R_SECRET                                                               \
	"PKCS#11 B2.40 §4.10 secret key objects: CKA_SENSITIVE, "             \
	"CKA_EXTRACTABLE (unconfirmed)"
#define R_PRIVATE                                                              \
	"PKCS#11 B2.40 §4.9 private key objects: CKA_SENSITIVE, "             \
	"CKA_EXTRACTABLE (unconfirmed)"
#define R_KEYS    "PKCS#11 B2.40 §4.7 key objects: usage attributes (unconfirmed)"
#define R_GETATTR "PKCS#11 B2.40 §5.7.5 C_GetAttributeValue (unconfirmed)"
#define R_OPSTATE "PKCS#11 B2.40 §5.6.5 C_GetOperationState (unconfirmed)"
#define R_MISCDERIVE                                                           \
	"PKCS#11 Curr2.40 miscellaneous simple key derivation mechanisms: "    \
	"CKM_CONCATENATE_BASE_AND_KEY, _BASE_AND_DATA, _DATA_AND_BASE, "       \
	"CKM_XOR_BASE_AND_DATA, CKM_EXTRACT_KEY_FROM_KEY (unconfirmed)"
#define R_DATADERIVE                                                           \
	"PKCS#11 Curr2.40 AES key derivation by data encryption: "             \
	"CKM_AES_ECB_ENCRYPT_DATA, CKM_AES_CBC_ENCRYPT_DATA (unconfirmed)"
#define R_TOOKAN                                                               \
	"Bortolozzo, Centenaro, Focardi, Steel: Attacking and Fixing PKCS#11 " \
	"Security Tokens, ACM CCS 2010 (Tookan attacks a1, a2) (unconfirmed)"
#define R_CLULOW                                                               \
	"Clulow: On the Security of PKCS #11, CHES 2003 (wrap/decrypt, "       \
	"trojan wrapping key, key conjuring, weaker key wraps stronger) "      \
	"(unconfirmed)"
#define R_DKS                                                                  \
	"Delaune, Kremer, Steel: Formal Analysis of PKCS#11, IEEE CSF 2008 "   \
	"(wrap/unwrap re-import) (unconfirmed)"
#define R_SP80057                                                              \
	"NIST SP 800-57 Part 1 Rev. 5 §5.6.1.1 Table 2, security strengths "  \
	"(unconfirmed)"
#define R_CAML                                                                 \
	"Benadjila, Calderon, Daubignard: Caml Crush, a PKCS#11 Filtering "    \
	"Proxy, CARDIS 2014 (usage-conflict filters) (unconfirmed)"

static const sa_case cases[] = {
    {
        .id = "KP-06",
        .title = "A sensitive key cannot be recovered by wrapping it and "
                 "decrypting the blob",
        .description =
            "Imports a sensitive, extractable AES-128 test key of known "
            "value and tries to get it back in clear through the "
            "wrapping API, in four ways the specification permits: "
            "(A1) one token-generated secret key holding CKA_WRAP and "
            "CKA_DECRYPT wraps the key and decrypts the blob; (A1, "
            "asymmetric) an RSA public key with CKA_WRAP wraps it and "
            "the private key with CKA_DECRYPT decrypts it; (A2, Clulow's "
            "trojan key) a wrapping key whose value the user chose "
            "(C_CreateObject) wraps it, and the blob is decrypted off "
            "the token; (re-import) a key with CKA_WRAP and CKA_UNWRAP "
            "wraps it and unwraps the blob as CKA_SENSITIVE=FALSE, and "
            "CKA_VALUE is read. Every symmetric wrapping mechanism the "
            "token lists is tried. Any route that yields the key's "
            "bytes is a finding: CKA_SENSITIVE then protects nothing "
            "against the token's own user.",
        .remediation =
            "Refuse keys that combine CKA_WRAP with CKA_DECRYPT (or "
            "CKA_UNWRAP with a wrap of sensitive keys), refuse "
            "user-created wrapping keys or require "
            "CKA_WRAP_WITH_TRUSTED on every sensitive key, and keep "
            "CKA_SENSITIVE latched through unwrap (CKA_UNWRAP_TEMPLATE); "
            "a filtering policy such as Caml Crush's does this for "
            "tokens that cannot.",
        .refs = SA_REFS(R_WRAP, R_UNWRAP, R_SECRET, R_TOOKAN, R_CLULOW, R_DKS),
        .impact = 5,
        .threat = "key-extraction",
        .tags = SA_TAG_FINDING,
        .needs = SA_NEED_TOKEN | SA_NEED_USER_PIN,
        .mechs = SA_MECHS(CKM_AES_KEY_GEN),
        .run = sa_kp06_wrap_decrypt,
    },
    {
        .id = "KP-07",
        .title = "No sensitive key of attacker-chosen value can be "
                 "conjured through encrypt and unwrap",
        .description =
            "Clulow's key conjuring: a token-generated secret key "
            "holding CKA_ENCRYPT and CKA_UNWRAP encrypts 16 bytes the "
            "attacker chose, with each mechanism the token lists that "
            "can both encrypt and unwrap, and the ciphertext is "
            "unwrapped as a sensitive, unextractable AES key; a test "
            "encryption on the token then shows whether the new key "
            "holds the attacker's value. With a public-key pair the "
            "same conjuring is inherent (anyone can encrypt to the "
            "public key): there the check is that the token does not "
            "vouch for the conjured key as CKA_ALWAYS_SENSITIVE, "
            "CKA_NEVER_EXTRACTABLE or CKA_LOCAL. A key whose value the "
            "attacker knows but that the token calls sensitive lets "
            "the attacker read everything later protected with it.",
        .remediation =
            "Refuse secret keys that combine CKA_ENCRYPT and "
            "CKA_UNWRAP, and set CKA_ALWAYS_SENSITIVE, "
            "CKA_NEVER_EXTRACTABLE and CKA_LOCAL to CK_FALSE on every "
            "unwrapped key.",
        .refs = SA_REFS(R_UNWRAP, R_SECRET, R_KEYS, R_CLULOW, R_TOOKAN),
        .impact = 5,
        .threat = "key-conjuring",
        .tags = SA_TAG_FINDING,
        .needs = SA_NEED_TOKEN | SA_NEED_USER_PIN,
        .run = sa_kp07_key_conjuring,
    },
    {
        .id = "KP-11",
        .title = "A weaker key cannot wrap a stronger one",
        .description =
            "Generates sensitive, extractable AES-256, RSA-2048 and EC "
            "P-256 keys and wrapping keys that are weaker by the NIST "
            "SP 800-57 strength table (AES-128, three-key and two-key "
            "3DES, RSA-1024, whatever the token makes), and asks "
            "C_WrapKey for every weaker-over-stronger pair with each "
            "wrapping mechanism the token lists. A wrapped key is only "
            "as strong as the key that wraps it: a token that wraps "
            "AES-256 under AES-128 or 3DES hands out the stronger key "
            "at the weaker key's strength. PKCS#11 leaves the rule to "
            "the token (\"consideration must be given to key size and "
            "mechanism strength\").",
        .remediation = "Refuse C_WrapKey when the wrapping key's security "
                       "strength is below the wrapped key's, or restrict "
                       "wrapping keys with CKA_WRAP_TEMPLATE.",
        .refs = SA_REFS(R_WRAP, R_SP80057, R_CLULOW),
        .impact = 4,
        .threat = "weak-key-wrapping",
        .tags = SA_TAG_FINDING,
        .needs = SA_NEED_TOKEN | SA_NEED_USER_PIN,
        .run = sa_kp11_weak_wraps_strong,
    },
    {
        .id = "KP-12",
        .title = "Key derivation does not reveal a sensitive base key",
        .description =
            "Imports sensitive, unextractable base keys of known value "
            "(generic secret and AES) and derives from them with each "
            "of CKM_XOR_BASE_AND_DATA, CKM_CONCATENATE_BASE_AND_DATA, "
            "CKM_CONCATENATE_DATA_AND_BASE, CKM_CONCATENATE_BASE_AND_KEY,"
            " CKM_EXTRACT_KEY_FROM_KEY, CKM_AES_ECB_ENCRYPT_DATA and "
            "CKM_AES_CBC_ENCRYPT_DATA that the token lists, asking for "
            "a derived key with CKA_SENSITIVE=FALSE (then reading "
            "CKA_VALUE) and one with CKA_EXTRACTABLE=TRUE (then "
            "wrapping it under a key of known value). The derived "
            "value is compared with what the known base gives: for "
            "the XOR, concatenation and extraction mechanisms a "
            "readable derived key hands out the base key's bytes; for "
            "the data-encryption mechanisms it is an encryption oracle "
            "under the sensitive base. A key derived from a sensitive "
            "base is to be sensitive (stated for the miscellaneous "
            "mechanisms; the data-encryption sections say nothing, and "
            "a readable result there still computes with a key the "
            "user may not read). CKA_DERIVE_TEMPLATE (v3.0) is outside "
            "v2.40 and not tried.",
        .remediation =
            "Make a derived key inherit CKA_SENSITIVE=TRUE and "
            "CKA_EXTRACTABLE=FALSE from its base and refuse templates "
            "that ask otherwise with CKR_TEMPLATE_INCONSISTENT.",
        .refs = SA_REFS(R_DERIVE, R_MISCDERIVE, R_DATADERIVE, R_SECRET),
        .impact = 5,
        .threat = "key-extraction",
        .tags = SA_TAG_FINDING,
        .needs = SA_NEED_TOKEN | SA_NEED_USER_PIN,
        .run = sa_kp12_derivation_leak,
    },
    {
        .id = "KP-13",
        .title = "Token keys keep signing, decryption and key transport "
                 "apart",
        .description =
            "A usage-separation policy report. Reads (as the user, "
            "read-only) the usage attributes of every private and "
            "secret key on the token, joined with the public key of "
            "the same CKA_ID, and reports the keys that combine "
            "CKA_SIGN with CKA_DECRYPT, CKA_WRAP with CKA_DECRYPT, or "
            "CKA_UNWRAP with CKA_ENCRYPT (the conflict classes Caml "
            "Crush filters), counting only usages the key type has a "
            "mechanism for; then tries to create session keys with "
            "those combinations and reports whether the token allows "
            "it. A key that decrypts and signs lets a decryption "
            "oracle forge signatures (raw RSA); one that wraps and "
            "decrypts, or encrypts and unwraps, opens the KP-06 and "
            "KP-07 attacks to whoever may use it. Existing dual-use "
            "keys are the finding (fail); without them, a token that "
            "lets its user create such keys gets info (the policy to "
            "know about), one that refuses them passes.",
        .remediation = "Provision each key for one purpose (CKA_SIGN, or "
                       "CKA_DECRYPT, or key transport) and set the other usage "
                       "attributes to CK_FALSE explicitly: tokens such as "
                       "SoftHSM2 default them to CK_TRUE.",
        .refs = SA_REFS(R_KEYS, R_CAML, R_TOOKAN),
        .impact = 3,
        .threat = "key-usage-confusion",
        .tags = SA_TAG_FINDING,
        .needs = SA_NEED_TOKEN | SA_NEED_USER_PIN,
        .run = sa_kp13_usage_separation,
    },
    {
        .id = "KP-14",
        .title = "No output of the token contains private-key bytes",
        .description =
            "Imports sensitive test keys of known value (AES-128, "
            "AES-256, RSA-2048 with its CRT components, EC P-256), "
            "runs operations with them (signatures, MACs, encryption, "
            "wrapping, digesting a key, operation state, every "
            "attribute read including refused ones, and the error "
            "paths: short buffers, bad ciphertexts) and searches every "
            "output buffer, in both byte orders, for any 8-byte window "
            "of the secret values. Output buffers are prefilled, so "
            "bytes written on a failing call count too. Any "
            "occurrence means the token leaks key material through a "
            "path the attribute checks do not see.",
        .remediation = "Never copy key material into caller buffers: not "
                       "on errors, not in operation state, not in "
                       "attributes of sensitive keys.",
        .refs = SA_REFS(R_GETATTR, R_SECRET, R_PRIVATE, R_OPSTATE, R_WRAP),
        .impact = 5,
        .threat = "key-leakage",
        .tags = SA_TAG_FINDING,
        .needs = SA_NEED_TOKEN | SA_NEED_USER_PIN,
        .run = sa_kp14_leak_scan,
    },
};

const sa_case_group sa_kp_group_attacks = {cases, SA_COUNTOF(cases)};
