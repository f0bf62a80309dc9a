/* Sign-side checks of the signing suite (catalogue F, SIG-01..SIG-08):
 * cross-verification with OpenSSL, RSA-PSS parameters, ECDSA encoding and
 * truncation, known-answer tests, negative verification, the output-buffer
 * convention and data length limits. The case bodies live in
 * sig_sign_cross.c, sig_sign_pss.c, sig_sign_ec.c, sig_sign_kat.c and
 * sig_sign_ops.c; helpers in sig_sign_util.c (sig_sign_int.h).
 *
 * Section numbers: B2.40 = PKCS#11 Base Specification v2.40 Plus Errata 01,
 * Curr. Mech. = PKCS#11 Current Mechanisms Specification. A reference
 * marked "(unconfirmed)" could not be checked against the OASIS text. */
#include "sig_sign_int.h"
#include "suite.h"

#define NEEDS (SA_NEED_TOKEN | SA_NEED_USER_PIN)

static const sa_case cases[] = {
    {
        .id = "SIG-01",
        .title = "RSA PKCS#1 v1.5 (SHA-256/384/512): token signs and "
                 "OpenSSL verifies, OpenSSL signs and the token verifies",
        .description =
            "Generates an RSA-2048 session key pair on the token and signs "
            "random messages with CKM_SHA256/384/512_RSA_PKCS; OpenSSL "
            "verifies each signature with the token's public key. Then "
            "OpenSSL signs with its own RSA-2048 key, whose public half is "
            "imported as a session object, and the token must verify "
            "(CKR_OK). A mechanism the token does not list is noted and "
            "not run. A signer whose signatures other software rejects, or "
            "a verifier that rejects standard signatures, breaks every "
            "relying party.",
        .remediation = "Produce and accept RSASSA-PKCS1-v1_5 signatures "
                       "exactly as RFC 8017 §8.2 defines them.",
        .refs =
            SA_REFS(SA_SS_R_RSA, SA_SS_R_RFC8017, SA_SS_R_SIGN, SA_SS_R_VERIFY),
        .impact = 5,
        .threat = "wrong-signature",
        .needs = NEEDS,
        .mechs = SA_MECHS(CKM_RSA_PKCS_KEY_PAIR_GEN),
        .run = sa_ss_sig01_rsa,
    },
    {
        .id = "SIG-01b",
        .title = "RSA-PSS (SHA-256/384/512, MGF1 same hash, sLen = hash "
                 "length): cross-verification both ways",
        .description =
            "As SIG-01 with CKM_SHA256/384/512_RSA_PKCS_PSS and with "
            "CKM_RSA_PKCS_PSS over a hash the case computes, parameters "
            "hashAlg = the hash, MGF1 with the same hash, sLen = the hash "
            "length. OpenSSL verifies the token's signatures with the same "
            "parameters, and the token verifies OpenSSL's.",
        .remediation = "Implement EMSA-PSS (RFC 8017 §9.1) with the "
                       "hash, MGF and salt length the CK_RSA_PKCS_PSS_PARAMS "
                       "name.",
        .refs =
            SA_REFS(SA_SS_R_PSS, SA_SS_R_RFC8017, SA_SS_R_SIGN, SA_SS_R_VERIFY),
        .impact = 5,
        .threat = "wrong-signature",
        .needs = NEEDS,
        .mechs = SA_MECHS(CKM_RSA_PKCS_KEY_PAIR_GEN),
        .run = sa_ss_sig01_pss,
    },
    {
        .id = "SIG-01c",
        .title = "ECDSA P-256/384/521: cross-verification both ways",
        .description =
            "Generates P-256, P-384 and P-521 session key pairs; the token "
            "signs with CKM_ECDSA over SHA-256/384/512 (and "
            "CKM_ECDSA_SHA256/384/512 when listed) and OpenSSL verifies "
            "the r || s signature; OpenSSL signs with its own key on the "
            "same curve and the token verifies. Curves the token refuses "
            "to generate are noted.",
        .remediation = "Produce and accept ECDSA signatures per FIPS 186-5 "
                       "in the r || s form of Curr. Mech. §2.3.1.",
        .refs = SA_REFS(SA_SS_R_ECDSA, SA_SS_R_FIPS186, SA_SS_R_SIGN,
                        SA_SS_R_VERIFY),
        .impact = 5,
        .threat = "wrong-signature",
        .needs = NEEDS,
        .mechs = SA_MECHS(CKM_EC_KEY_PAIR_GEN, CKM_ECDSA),
        .run = sa_ss_sig01_ecdsa,
    },
    {
        .id = "SIG-01d",
        .title = "EdDSA Ed25519/Ed448: cross-verification both ways",
        .description =
            "Generates Ed25519 and Ed448 session key pairs "
            "(CKM_EC_EDWARDS_KEY_PAIR_GEN); the token signs with CKM_EDDSA "
            "(pure EdDSA, no parameters) and OpenSSL verifies; OpenSSL "
            "signs with its own key and the token verifies. A curve the "
            "token refuses is noted.",
        .remediation = "Implement PureEdDSA as RFC 8032 §5.1/§5.2 define "
                       "it.",
        .refs = SA_REFS(SA_SS_R_EDDSA, SA_SS_R_RFC8032, SA_SS_R_SIGN,
                        SA_SS_R_VERIFY),
        .impact = 5,
        .threat = "wrong-signature",
        .needs = NEEDS,
        .mechs = SA_MECHS(CKM_EC_EDWARDS_KEY_PAIR_GEN, CKM_EDDSA),
        .run = sa_ss_sig01_eddsa,
    },
    {
        .id = "SIG-02",
        .title = "RSA-PSS parameter grid: hash x MGF1 hash x sLen (0, hash "
                 "length, maximum)",
        .description =
            "With an RSA-2048 session key, signs for every combination of "
            "hash (SHA-256/384/512, through the combined mechanism or "
            "CKM_RSA_PKCS_PSS), MGF1 hash (SHA-1/256/384/512) and salt "
            "length (0, the hash length, and the maximum emLen - hLen - 2) "
            "and has OpenSSL verify each signature with the same "
            "parameters. MGF1 with the signature's own hash must work. "
            "Other MGF1 hashes are optional: accepted, the signature must "
            "verify; refused, the code must be "
            "CKR_MECHANISM_PARAM_INVALID.",
        .remediation = "Honour every field of CK_RSA_PKCS_PSS_PARAMS, and "
                       "refuse the combinations not implemented with "
                       "CKR_MECHANISM_PARAM_INVALID.",
        .refs = SA_REFS(SA_SS_R_PSS, SA_SS_R_RFC8017, SA_SS_R_RV),
        .impact = 4,
        .threat = "wrong-signature",
        .needs = NEEDS,
        .mechs = SA_MECHS(CKM_RSA_PKCS_KEY_PAIR_GEN),
        .run = sa_ss_sig02_grid,
    },
    {
        .id = "SIG-02b",
        .title = "RSA-PSS: hashAlg not matching the combined mechanism, "
                 "sLen above the maximum and an MGF the token does not "
                 "do are refused with CKR_MECHANISM_PARAM_INVALID",
        .description =
            "C_SignInit with CKM_SHA256_RSA_PKCS_PSS and hashAlg = "
            "CKM_SHA512 (or CKM_SHA384_RSA_PKCS_PSS with CKM_SHA256), and "
            "with an sLen larger than emLen - hLen - 2 (and a huge sLen), "
            "must give CKR_MECHANISM_PARAM_INVALID, at C_SignInit and at "
            "C_VerifyInit; refusing only at C_Sign / C_Verify with that "
            "code is accepted leniently. MGF1-SHA1 with SHA-256 is "
            "optional: if refused, the code must be the same. A token "
            "that signs anyway produces signatures with parameters other "
            "than those the application asked for; one that refuses with "
            "another code tells the application nothing about why.",
        .remediation = "Check CK_RSA_PKCS_PSS_PARAMS against the mechanism "
                       "and the key in C_SignInit/C_VerifyInit and return "
                       "CKR_MECHANISM_PARAM_INVALID.",
        .refs = SA_REFS(SA_SS_R_PSS, SA_SS_R_RFC8017, SA_SS_R_RV, SA_SS_R_SIGN),
        .impact = 3,
        .threat = "parameter-confusion",
        .needs = NEEDS,
        .mechs = SA_MECHS(CKM_RSA_PKCS_KEY_PAIR_GEN),
        .run = sa_ss_sig02_param,
    },
    {
        .id = "SIG-03",
        .title = "ECDSA: input lengths around the order are truncated, "
                 "the signature is fixed-length r || s, never DER",
        .description =
            "With P-256, P-384 and P-521 session keys, CKM_ECDSA signs "
            "inputs shorter than, equal to and longer than the order "
            "(including 66 bytes on P-521, where truncation cuts inside "
            "a byte); OpenSSL verifies each against the input and against "
            "the input truncated to the order's length, as FIPS 186-5 "
            "§6.4 prescribes. Then P-256 signs 1000 times: every signature "
            "must be exactly 2 * ceil(n/8) bytes, not DER, and verify; "
            "about 1 in 128 has a leading zero byte in r or s, which a "
            "token that strips zeros gets wrong.",
        .remediation = "Output r and s as big-endian integers each padded "
                       "to the order's byte length (Curr. Mech. §2.3.1), "
                       "and truncate the input to the order's bit length.",
        .refs = SA_REFS(SA_SS_R_ECDSA, SA_SS_R_FIPS186, SA_SS_R_SIGN),
        .impact = 4,
        .threat = "wrong-signature",
        .tags = SA_TAG_SLOW,
        .needs = NEEDS,
        .mechs = SA_MECHS(CKM_EC_KEY_PAIR_GEN, CKM_ECDSA),
        .run = sa_ss_sig03,
    },
    {
        .id = "SIG-04",
        .title = "EdDSA known answers: RFC 8032 §7.1/§7.4 test vectors, "
                 "byte for byte",
        .description =
            "Imports the RFC 8032 test keys (CKK_EC_EDWARDS private key, "
            "CKA_VALUE = the 32- or 57-byte seed) and signs the test "
            "messages with CKM_EDDSA: Ed25519 TEST 1, 2, 3 and TEST 1024 "
            "(a 1023-byte message), Ed448 blank, 1-octet and 11-octet. "
            "EdDSA is deterministic, so each signature must equal the "
            "RFC's. Where the token refuses the import, a generated key "
            "signs twice: the signatures must be equal and verify with "
            "OpenSSL.",
        .remediation = "Implement RFC 8032 exactly: deterministic nonce "
                       "from the hashed seed and message, encoding per "
                       "§5.1.2.",
        .refs = SA_REFS(SA_SS_R_EDDSA, SA_SS_R_RFC8032, SA_SS_R_SIGN),
        .impact = 5,
        .threat = "wrong-signature",
        .needs = NEEDS,
        .mechs = SA_MECHS(CKM_EDDSA),
        .run = sa_ss_sig04,
    },
    {
        .id = "SIG-05",
        .title = "Known answers: RSA PKCS#1 v1.5 with imported Wycheproof "
                 "keys, HMAC-SHA-2 (RFC 4231), SHA-2 digests (FIPS 180-4)",
        .description =
            "Imports the private keys of Wycheproof "
            "rsa_pkcs1_2048_sig_gen_test.json (PKCS#8 decoded by OpenSSL, "
            "imported with every CRT part, CKA_SENSITIVE TRUE) and signs "
            "the valid test messages with CKM_SHA224/256/384/512_RSA_PKCS: "
            "RSASSA-PKCS1-v1_5 is deterministic, so each signature must "
            "equal the file's. Computes HMAC with CKM_SHA256/384/512_HMAC "
            "and imported CKK_GENERIC_SECRET keys on the RFC 4231 test "
            "cases 1-4, 6 and 7, and C_Digest of \"abc\" and the empty "
            "message with SHA-256/384/512. Each must match byte for byte. "
            "A refused import or a key size outside the mechanism's range "
            "is noted; the vector file is looked up in the profile's "
            "[vectors] wycheproof directory.",
        .remediation = "Fix the arithmetic or encoding that produced the "
                       "wrong bytes.",
        .refs = SA_REFS(SA_SS_R_RSA, SA_SS_R_RFC8017, SA_SS_R_HMAC,
                        SA_SS_R_RFC4231, SA_SS_R_DIGEST, SA_SS_R_FIPS180),
        .impact = 5,
        .threat = "wrong-signature",
        .needs = NEEDS,
        .run = sa_ss_sig05,
    },
    {
        .id = "SIG-06",
        .title = "Negative verification: flipped bit, truncated signature "
                 "and wrong key are rejected, and the operation ends",
        .description =
            "For RSA-2048 with CKM_SHA256_RSA_PKCS, P-256 with CKM_ECDSA "
            "and Ed25519 with CKM_EDDSA (as listed): a valid signature "
            "verifies; the same signature with one bit flipped gives "
            "CKR_SIGNATURE_INVALID; one byte shorter gives "
            "CKR_SIGNATURE_LEN_RANGE (CKR_SIGNATURE_INVALID leniently); "
            "verified with another key of the same kind gives "
            "CKR_SIGNATURE_INVALID; and after each failure the next "
            "C_Verify gives CKR_OPERATION_NOT_INITIALIZED, because a "
            "failed C_Verify ends the operation. Multi-part verification "
            "(C_VerifyFinal) is checked the same way for the RSA key.",
        .remediation = "Reject every modified signature and end the "
                       "verification operation on every C_Verify / "
                       "C_VerifyFinal result other than CKR_BUFFER_TOO_SMALL.",
        .refs =
            SA_REFS(SA_SS_R_VERIFY, SA_SS_R_RV, SA_SS_R_RFC8017, SA_SS_R_ECDSA),
        .impact = 5,
        .threat = "signature-forgery",
        .needs = NEEDS,
        .run = sa_ss_sig06,
    },
    {
        .id = "SIG-07",
        .title = "Output-buffer convention of C_Sign / C_SignFinal and "
                 "single-part = multi-part signing",
        .description =
            "C_Sign with a NULL buffer returns the length and leaves the "
            "operation active; a too-small buffer gives "
            "CKR_BUFFER_TOO_SMALL with the needed length and leaves it "
            "active; a big enough buffer signs and ends the operation "
            "(the next C_Sign gives CKR_OPERATION_NOT_INITIALIZED). The "
            "same for C_SignFinal. Then, for CKM_SHA256_RSA_PKCS (and "
            "CKM_ECDSA_SHA256 when listed), C_SignUpdate with random "
            "split points must give the signature C_Sign gives "
            "(RSASSA-PKCS1-v1_5 is deterministic; ECDSA: both verify), "
            "and multi-part C_Verify must accept it.",
        .remediation = "Follow B2.40 §5.2: a length query or "
                       "CKR_BUFFER_TOO_SMALL does not end the operation; "
                       "hash multi-part input as one message.",
        .refs = SA_REFS(SA_SS_R_CONV, SA_SS_R_SIGN, SA_SS_R_VERIFY),
        .impact = 3,
        .threat = "operation-state-confusion",
        .needs = NEEDS,
        .mechs = SA_MECHS(CKM_RSA_PKCS_KEY_PAIR_GEN, CKM_SHA256_RSA_PKCS),
        .run = sa_ss_sig07,
    },
    {
        .id = "SIG-08",
        .title = "Data length limits of CKM_RSA_PKCS and CKM_RSA_X_509",
        .description =
            "With an RSA-2048 key (k = 256): CKM_RSA_PKCS signs k - 11 "
            "bytes and refuses k - 10 with CKR_DATA_LEN_RANGE; "
            "CKM_RSA_X_509 signs k bytes below the modulus and refuses "
            "k bytes equal to or above the modulus with CKR_DATA_INVALID "
            "(CKR_DATA_LEN_RANGE leniently: B2.40 §5.1.6 lets LEN_RANGE "
            "take priority). A token that signs such input reduces it "
            "modulo n or pads against RFC 8017, and may expose the "
            "private key operation to chosen inputs. (k + 1 bytes: "
            "SIG-08b.)",
        .remediation = "Check the input length and value against the "
                       "modulus before the private-key operation.",
        .refs = SA_REFS(SA_SS_R_RSA, SA_SS_R_RFC8017, SA_SS_R_RV, SA_SS_R_SIGN),
        .impact = 3,
        .threat = "raw-rsa-misuse",
        .needs = NEEDS,
        .mechs = SA_MECHS(CKM_RSA_PKCS_KEY_PAIR_GEN),
        .run = sa_ss_sig08,
    },
    {
        .id = "SIG-08b",
        .title = "CKM_RSA_X_509 input longer than the modulus is refused "
                 "with CKR_DATA_LEN_RANGE",
        .description =
            "With an RSA-2048 key, C_Sign(CKM_RSA_X_509) of k + 1 = 257 "
            "bytes must give CKR_DATA_LEN_RANGE. Alone in its case: a "
            "module that crashes or ends the process here (SoftHSM2 2.6.1 "
            "exits with status 5) lets any caller of the signing service "
            "take it down with one malformed request.",
        .remediation = "Check the input length against k before the "
                       "private-key operation and return "
                       "CKR_DATA_LEN_RANGE.",
        .refs = SA_REFS(SA_SS_R_RSA, SA_SS_R_RV, SA_SS_R_SIGN),
        .impact = 3,
        .threat = "denial-of-service",
        .needs = NEEDS,
        .mechs = SA_MECHS(CKM_RSA_PKCS_KEY_PAIR_GEN, CKM_RSA_X_509),
        .run = sa_ss_sig08b,
    },
};

const sa_case_group sa_signing_group_sign = {cases, SA_COUNTOF(cases)};
