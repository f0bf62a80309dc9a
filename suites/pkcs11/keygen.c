/* Catalogue group E (key generation per algorithm) of the pkcs11 suite: the
 * case table. The cases are in keygen_asym.c (GEN-01..03) and keygen_misc.c
 * (GEN-04..07); their shared helpers in keygen_util.c, the OpenSSL side in
 * p11_ossl.c.
 *
 * Section numbers: B2.40 = PKCS#11 Base Specification v2.40 Plus Errata 01,
 * Curr. Mech. = PKCS#11 Current Mechanisms Specification (v2.40 unless a
 * version is given). A reference marked "(unconfirmed)" could not be checked
 * against the OASIS text when it was written.
 *
 * Non-destructive: every key is a session object (CKA_TOKEN = CK_FALSE),
 * destroyed before the case ends; what a broken module might leave behind
 * goes when the case closes its session. The cases log the user in because
 * most tokens make private keys only then. */
#include "keygen_int.h"
#include "suite.h"

#define R_GENKEY  "PKCS#11 B2.40 §5.14.1 C_GenerateKey (unconfirmed)"
#define R_GENPAIR "PKCS#11 B2.40 §5.14.2 C_GenerateKeyPair (unconfirmed)"
#define R_KEYATTR                                                              \
	"PKCS#11 B2.40 §4.7 common key attributes: CKA_LOCAL, "               \
	"CKA_KEY_GEN_MECHANISM (unconfirmed)"
#define R_PUBATTR  "PKCS#11 B2.40 §4.8 public key objects (unconfirmed)"
#define R_PRIVATTR "PKCS#11 B2.40 §4.9 private key objects (unconfirmed)"
#define R_SECATTR  "PKCS#11 B2.40 §4.10 secret key objects (unconfirmed)"
#define R_GETATTR  "PKCS#11 B2.40 §5.7.5 C_GetAttributeValue (unconfirmed)"
#define R_TMPL                                                                 \
	"PKCS#11 B2.40 §4.1.1 creating objects: template consistency "        \
	"(unconfirmed)"
#define R_RV       "PKCS#11 B2.40 §5.1.6 other return values (unconfirmed)"
#define R_MECHINFO "PKCS#11 B2.40 §3.5 CK_MECHANISM_INFO (unconfirmed)"
#define R_MECHLIST "PKCS#11 B2.40 §5.5.5 C_GetMechanismList (unconfirmed)"
#define R_RSA                                                                  \
	"PKCS#11 Curr. Mech. v2.40 §2.1.2-2.1.4 RSA objects and key pair "    \
	"generation (unconfirmed)"
#define R_EC                                                                   \
	"PKCS#11 Curr. Mech. v2.40 §2.3.3-2.3.5 EC objects and key pair "     \
	"generation (unconfirmed)"
#define R_ECDSA "PKCS#11 Curr. Mech. v2.40 §2.3.1 ECDSA (unconfirmed)"
#define R_SEC1  "SEC 1 v2 §2.3.3-2.3.4 elliptic curve point encoding"
#define R_EDWARDS                                                              \
	"PKCS#11 Curr. Mech. v3.0 §2.3.5-2.3.6 Edwards EC objects and key "   \
	"pair generation (unconfirmed)"
#define R_RFC8032 "RFC 8032 §5.1.5, §5.2.5 EdDSA key generation"
#define R_RFC8410 "RFC 8410 §3 curve identifiers"
#define R_AES                                                                  \
	"PKCS#11 Curr. Mech. v2.40 §2.8.2-2.8.3 AES objects and key "         \
	"generation (unconfirmed)"
#define R_SP800_131A                                                           \
	"NIST SP 800-131A Rev. 2 §2-3 (RSA-1024, P-192 and 3DES "             \
	"disallowed for generation) (unconfirmed)"
#define R_PQC                                                                  \
	"PKCS#11 B3.2 §5.1 CKR_PARAMETER_SET_NOT_SUPPORTED; Curr. Mech. 3.2 " \
	"ML-DSA (unconfirmed)"
#define R_FIPS204 "FIPS 204 ML-DSA parameter sets"

static const sa_case cases[] = {
    {
        .id = "P11-GEN-01a",
        .title = "RSA-2048/3072 key pairs are what they claim to be",
        .description =
            "Generates RSA key pairs of 2048 and 3072 bits with "
            "e = 65537 (sizes outside the advertised range are not "
            "asked for) and checks, for each: CKA_MODULUS_BITS and the "
            "bit length counted from CKA_MODULUS itself both equal the "
            "requested size, the private key has the same modulus and "
            "CKA_PUBLIC_EXPONENT 65537, both keys have CKA_LOCAL true "
            "and CKA_KEY_GEN_MECHANISM CKM_RSA_PKCS_KEY_PAIR_GEN, every "
            "public- and private-key attribute of v2.40 exists, and a "
            "signature by the private key verifies with OpenSSL "
            "against the public key. A token that makes shorter keys "
            "than asked, or reports them wrongly, undermines every "
            "certificate issued for them; CKA_LOCAL is what an auditor "
            "relies on to know a key never existed outside the token.",
        .remediation =
            "Generate exactly the requested modulus size, report it in "
            "CKA_MODULUS_BITS, set CKA_LOCAL and CKA_KEY_GEN_MECHANISM "
            "on both keys and keep CKA_PUBLIC_EXPONENT on the private "
            "key.",
        .refs = SA_REFS(R_GENPAIR, R_RSA, R_KEYATTR, R_PUBATTR, R_PRIVATTR,
                        R_GETATTR),
        .impact = 4,
        .threat = "weak-key-generation",
        .needs = SA_NEED_TOKEN | SA_NEED_USER_PIN,
        .mechs = SA_MECHS(CKM_RSA_PKCS_KEY_PAIR_GEN),
        .run = sa_p11_gen01a_rsa,
    },
    {
        .id = "P11-GEN-01b",
        .title = "RSA-4096 key pairs are what they claim to be",
        .description =
            "The checks of P11-GEN-01a for a 4096-bit key pair: "
            "CKA_MODULUS_BITS and the counted modulus length, the "
            "private key's modulus and CKA_PUBLIC_EXPONENT, CKA_LOCAL, "
            "CKA_KEY_GEN_MECHANISM, the attribute sets and an OpenSSL "
            "verification of a signature. Separate and tagged slow "
            "because generating 4096-bit keys takes seconds on "
            "software tokens (2 to 9 s for SoftHSM2 on a loaded CI "
            "machine).",
        .remediation =
            "Generate exactly the requested modulus size, report it in "
            "CKA_MODULUS_BITS, set CKA_LOCAL and CKA_KEY_GEN_MECHANISM "
            "on both keys and keep CKA_PUBLIC_EXPONENT on the private "
            "key.",
        .refs = SA_REFS(R_GENPAIR, R_RSA, R_KEYATTR, R_PUBATTR, R_PRIVATTR,
                        R_GETATTR),
        .impact = 4,
        .threat = "weak-key-generation",
        .tags = SA_TAG_SLOW,
        .needs = SA_NEED_TOKEN | SA_NEED_USER_PIN,
        .mechs = SA_MECHS(CKM_RSA_PKCS_KEY_PAIR_GEN),
        .run = sa_p11_gen01b_rsa4096,
    },
    {
        .id = "P11-GEN-02a",
        .title = "EC P-256/P-384/P-521 public points are valid and on "
                 "the curve",
        .description =
            "Generates EC key pairs on P-256, P-384 and P-521 named by "
            "OID and checks that CKA_EC_POINT is a DER OCTET STRING "
            "holding an uncompressed point of the right length that "
            "OpenSSL, independently of the token, accepts as a point "
            "on the named curve (EVP_PKEY_fromdata + "
            "EVP_PKEY_public_check); that CKA_EC_PARAMS of both keys is "
            "the requested OID; CKA_LOCAL and CKA_KEY_GEN_MECHANISM; "
            "the attribute sets; and that an ECDSA signature verifies "
            "with OpenSSL. A public point that is not on the curve "
            "cannot be certified safely and opens invalid-curve "
            "attacks on whoever uses it; a raw point without its "
            "OCTET STRING wrapper breaks interoperable readers.",
        .remediation = "Return CKA_EC_POINT as the DER OCTET STRING of the "
                       "uncompressed X9.62 point of a key generated on the "
                       "requested curve, and set CKA_LOCAL and "
                       "CKA_KEY_GEN_MECHANISM.",
        .refs = SA_REFS(R_GENPAIR, R_EC, R_SEC1, R_ECDSA, R_KEYATTR, R_PUBATTR,
                        R_PRIVATTR),
        .impact = 4,
        .threat = "invalid-public-key",
        .needs = SA_NEED_TOKEN | SA_NEED_USER_PIN,
        .mechs = SA_MECHS(CKM_EC_KEY_PAIR_GEN),
        .run = sa_p11_gen02a_ec,
    },
    {
        .id = "P11-GEN-02b",
        .title = "An unsupported curve is refused as "
                 "CKR_CURVE_NOT_SUPPORTED",
        .description =
            "Asks for an EC key pair on a well-formed but unassigned "
            "curve OID (1.2.840.10045.3.1.99), which must give "
            "CKR_CURVE_NOT_SUPPORTED (CKR_DOMAIN_PARAMS_INVALID is "
            "accepted as lenient), then on secp256k1: a token that "
            "supports it is noted, one that refuses it must refuse it "
            "the same way. An application can only fall back to "
            "another curve when the error says the curve is the "
            "problem.",
        .remediation = "Refuse curves the token does not implement with "
                       "CKR_CURVE_NOT_SUPPORTED.",
        .refs = SA_REFS(R_GENPAIR, R_EC, R_RV),
        .impact = 2,
        .threat = "api-nonconformance",
        .needs = SA_NEED_TOKEN | SA_NEED_USER_PIN,
        .mechs = SA_MECHS(CKM_EC_KEY_PAIR_GEN),
        .run = sa_p11_gen02b_ec_unsupported,
    },
    {
        .id = "P11-GEN-03",
        .title = "Ed25519/Ed448 key pairs (CKM_EC_EDWARDS_KEY_PAIR_GEN)",
        .description =
            "Generates Ed25519 and, when the advertised range reaches "
            "it, Ed448 key pairs (CKA_EC_PARAMS by RFC 8410 OID, or by "
            "curve name if the OID is refused) and checks CKA_KEY_TYPE "
            "CKK_EC_EDWARDS, CKA_EC_PARAMS, a CKA_EC_POINT holding a "
            "32- or 57-byte key (with or without the OCTET STRING "
            "wrapper, which PKCS#11 3.0 leaves ambiguous), CKA_LOCAL, "
            "CKA_KEY_GEN_MECHANISM, the attribute sets, and that a "
            "CKM_EDDSA signature verifies with OpenSSL.",
        .remediation = "Generate RFC 8032 key pairs on the requested curve "
                       "and expose the public key in CKA_EC_POINT; set "
                       "CKA_LOCAL and CKA_KEY_GEN_MECHANISM.",
        .refs = SA_REFS(R_EDWARDS, R_RFC8032, R_RFC8410, R_GENPAIR, R_KEYATTR),
        .impact = 3,
        .threat = "weak-key-generation",
        .needs = SA_NEED_TOKEN | SA_NEED_USER_PIN,
        .mechs = SA_MECHS(CKM_EC_EDWARDS_KEY_PAIR_GEN),
        .run = sa_p11_gen03_eddsa,
    },
    {
        .id = "P11-GEN-04a",
        .title = "AES-128/192/256 keys have the length they claim",
        .description =
            "Generates AES keys of 16, 24 and 32 bytes with "
            "CKM_AES_KEY_GEN (session keys made readable for the "
            "test) and checks CKA_VALUE_LEN, CKA_KEY_TYPE, CKA_LOCAL, "
            "CKA_KEY_GEN_MECHANISM and the secret-key attribute set, "
            "the length of CKA_VALUE itself, and that the token's "
            "AES-ECB encryption of a block equals OpenSSL's with that "
            "value. A token that silently makes a shorter key than "
            "asked gives the application less security than it "
            "believes.",
        .remediation = "Generate keys of exactly CKA_VALUE_LEN bytes and set "
                       "CKA_LOCAL and CKA_KEY_GEN_MECHANISM.",
        .refs = SA_REFS(R_GENKEY, R_AES, R_KEYATTR, R_SECATTR),
        .impact = 3,
        .threat = "weak-key-generation",
        .needs = SA_NEED_TOKEN | SA_NEED_USER_PIN,
        .mechs = SA_MECHS(CKM_AES_KEY_GEN),
        .run = sa_p11_gen04a_aes,
    },
    {
        .id = "P11-GEN-04b",
        .title = "C_GenerateKey refuses bad AES templates",
        .description =
            "Asks CKM_AES_KEY_GEN for CKA_VALUE_LEN 0, 7 and 33 "
            "(CKR_KEY_SIZE_RANGE or CKR_ATTRIBUTE_VALUE_INVALID), for "
            "no CKA_VALUE_LEN (CKR_TEMPLATE_INCOMPLETE), and with "
            "CKA_KEY_TYPE CKK_DES3 or CKA_CLASS CKO_PRIVATE_KEY "
            "(CKR_TEMPLATE_INCONSISTENT, lenient "
            "CKR_ATTRIBUTE_VALUE_INVALID). A token that accepts such "
            "templates makes keys of a size or kind the application "
            "did not ask for.",
        .remediation = "Validate CKA_VALUE_LEN against the AES key sizes and "
                       "reject templates that contradict the mechanism.",
        .refs = SA_REFS(R_GENKEY, R_AES, R_TMPL, R_RV),
        .impact = 2,
        .threat = "api-nonconformance",
        .needs = SA_NEED_TOKEN | SA_NEED_USER_PIN,
        .mechs = SA_MECHS(CKM_AES_KEY_GEN),
        .run = sa_p11_gen04b_aes_bad,
    },
    {
        .id = "P11-GEN-05a",
        .title = "A key generation refused for its template leaves no "
                 "object behind",
        .description =
            "Counts the objects the session sees, then makes key "
            "generation fail four ways (RSA public template without "
            "CKA_MODULUS_BITS; P-256 with CKA_CLASS CKO_PUBLIC_KEY in "
            "the private template; an unassigned curve; AES with "
            "CKA_VALUE_LEN 7) and checks after each that the count "
            "and a search by label are unchanged (what was left is "
            "noted and destroyed). C_GenerateKeyPair \"will never "
            "create just one key\": a half-made key pair is key "
            "material nobody tracks.",
        .remediation = "Validate both templates before generating and undo "
                       "everything on failure.",
        .refs = SA_REFS(R_GENPAIR, R_GENKEY, R_TMPL),
        .impact = 3,
        .threat = "orphaned-key-material",
        .needs = SA_NEED_TOKEN | SA_NEED_USER_PIN,
        .run = sa_p11_gen05a_atomic,
    },
    {
        .id = "P11-GEN-05b",
        .title = "A key generation refused for an unknown attribute type "
                 "leaves no object behind",
        .description =
            "As P11-GEN-05a, with an unknown (unassigned, not "
            "vendor-defined) attribute type in the private template "
            "of an RSA-2048 and a P-256 key pair and in the public "
            "template of a P-256 key pair: the call must fail "
            "(CKR_ATTRIBUTE_TYPE_INVALID) and leave the object count "
            "and a search by label unchanged. Kept apart from "
            "P11-GEN-05a because modules often check attribute types "
            "only while storing the object, after the key exists: "
            "SoftHSM2 2.6.1 returns CKR_ATTRIBUTE_TYPE_INVALID and "
            "keeps the key object whose template held the attribute.",
        .remediation = "Reject unknown attribute types before generating, or "
                       "destroy every object of the call when storing one "
                       "fails.",
        .refs = SA_REFS(R_GENPAIR, R_TMPL, R_RV),
        .impact = 3,
        .threat = "orphaned-key-material",
        .needs = SA_NEED_TOKEN | SA_NEED_USER_PIN,
        .run = sa_p11_gen05b_atomic_unknown_attr,
    },
    {
        .id = "P11-GEN-06",
        .title = "Weak sizes (RSA-1024, P-192, 3DES): token policy, "
                 "consistent with its mechanism info",
        .description =
            "Records which legacy sizes the token generates (an INFO "
            "verdict: whether to allow them is policy) and checks that "
            "the answer agrees with C_GetMechanismInfo: an accepted "
            "size lies within ulMinKeySize..ulMaxKeySize, a size "
            "refused as CKR_KEY_SIZE_RANGE lies outside it, and a "
            "listed CKM_DES3_KEY_GEN is not CKR_MECHANISM_INVALID. An "
            "auditor reads the mechanism info to know what a token "
            "will do; when it lies, a policy review of it is void.",
        .remediation = "Report in CK_MECHANISM_INFO the key sizes the token "
                       "really generates; refuse disallowed sizes with "
                       "CKR_KEY_SIZE_RANGE and leave them out of the range.",
        .refs = SA_REFS(R_MECHINFO, R_MECHLIST, R_GENPAIR, R_SP800_131A),
        .impact = 3,
        .threat = "weak-cryptography",
        .needs = SA_NEED_TOKEN | SA_NEED_USER_PIN,
        .run = sa_p11_gen06_weak,
    },
    {
        .id = "P11-GEN-07",
        .title = "ML-DSA key pairs (PKCS#11 3.2)",
        .description =
            "On a token that lists CKM_ML_DSA_KEY_PAIR_GEN: generates "
            "ML-DSA-44/65/87 key pairs, checks CKA_PARAMETER_SET, "
            "CKA_LOCAL and CKA_KEY_GEN_MECHANISM, signs and verifies "
            "with CKM_ML_DSA (and refuses a flipped bit), and expects "
            "CKR_PARAMETER_SET_NOT_SUPPORTED for an unknown parameter "
            "set. Skipped on other tokens.",
        .remediation = "Implement the PKCS#11 3.2 ML-DSA mechanisms as "
                       "specified.",
        .refs = SA_REFS(R_PQC, R_FIPS204),
        .impact = 2,
        .threat = "crypto-agility",
        .needs = SA_NEED_TOKEN | SA_NEED_USER_PIN,
        .run = sa_p11_gen07_pqc,
    },
};

const sa_case_group sa_p11_group_keygen = {cases, SA_COUNTOF(cases)};
