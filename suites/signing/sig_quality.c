/* Quality of the keys and signatures the target produced (SIG-Q-*): the
 * case table. The cases are in sig_quality_ecdsa.c (SIG-Q-01),
 * sig_quality_rsa.c (SIG-Q-02..05) and sig_quality_weak.c (SIG-Q-06); the
 * detectors in sig_quality_math.c (unit-tested in
 * tests/unit/check_sig_quality.c), the PKCS#11 helpers in
 * sig_quality_util.c.
 *
 * Every case is a security finding (SA_TAG_FINDING), not a specification
 * failure: PKCS#11 says nothing about nonce quality, prime generation or
 * policy. A case PASSES when nothing weak is found and FAILS with a reason
 * "finding: ..." when something is. Keys the cases make are session
 * objects, destroyed at the end.
 *
 * References marked "(unconfirmed)" could not be checked against their
 * text when written; the policy numbers of Circular 15/2025/TT-BKHCN are
 * those stated in issue 4. */
#include "sig_quality.h"
#include "suite.h"

#define R_CURR_ECDSA                                                           \
	"PKCS#11 Curr. Mech. v2.40 §2.3.1 (ECDSA signature r || s) and "      \
	"§2.3.6 CKM_ECDSA (unconfirmed)"
#define R_FIPS186_ECDSA                                                        \
	"FIPS 186-5 §6.4.1 ECDSA signature generation: a new secret k per "   \
	"signature (unconfirmed)"
#define R_SEC1    "SEC 1 v2.0 §4.1.3 signing operation (unconfirmed)"
#define R_RFC6979 "RFC 6979 deterministic ECDSA nonces"
#define R_BREITNER                                                             \
	"Breitner, Heninger: Biased Nonce Sense, Financial Cryptography 2019 " \
	"(unconfirmed)"
#define R_PS3                                                                  \
	"fail0verflow: Console Hacking 2010, 27C3 (PS3 ECDSA fixed nonce) "    \
	"(unconfirmed)"
#define R_RFC8017_KEY "RFC 8017 §3.1 RSA public key: n = product of primes"
#define R_FIPS186_RSA                                                          \
	"FIPS 186-5 §A.1.1 RSA key pair criteria: p, q of half the modulus "  \
	"size, 2^16 < e < 2^256 (unconfirmed)"
#define R_PSQS                                                                 \
	"Heninger, Durumeric, Wustrow, Halderman: Mining Your Ps and Qs, "     \
	"USENIX Security 2012"
#define R_LENSTRA                                                              \
	"Lenstra et al.: Ron was wrong, Whit is right, IACR ePrint 2012/064"
#define R_BERNSTEIN                                                            \
	"Bernstein: How to find smooth parts of integers (2004) (batch gcd)"
#define R_ROCA                                                                 \
	"Nemec, Sys, Svenda, Klinec, Matyas: The Return of Coppersmith's "     \
	"Attack, ACM CCS 2017 (ROCA)"
#define R_CVE_ROCA "CVE-2017-15361"
#define R_TT15                                                                 \
	"Circular 15/2025/TT-BKHCN: RSA >= 2048, ECDSA >= 256, SHA-2 "         \
	"(unconfirmed: numbers as stated in issue 4)"
#define R_TS119312                                                             \
	"ETSI TS 119 312 (cryptographic suites): RSA e, 65537 <= e < 2^256 "   \
	"(unconfirmed)"
#define R_SP80057 "NIST SP 800-57 Part 1 Rev. 5 §5.6.1.1 Table 2 (unconfirmed)"
#define R_SP800131A                                                            \
	"NIST SP 800-131A Rev. 2 §9 (SHA-1 disallowed for signature "         \
	"generation) (unconfirmed)"
#define R_FIPS186_DSA                                                          \
	"FIPS 186-5 §1 / §4: DSA no longer approved for signature "          \
	"generation (unconfirmed)"
#define R_CURR_MECHS                                                           \
	"PKCS#11 Curr. Mech. v2.40 §2.1 (RSA), §2.2 (DSA), §2.3 (ECDSA) "   \
	"(unconfirmed)"

static const sa_case cases[] = {
    {
        .id = "SIG-Q-01",
        .title = "ECDSA signatures never reuse a nonce",
        .description =
            "Generates session EC key pairs (P-256, and P-384 when the "
            "token makes it), has the token sign 64 distinct message "
            "hashes with CKM_ECDSA (CKM_ECDSA_SHA256 on a token without "
            "raw ECDSA), and compares the r values. r is the "
            "x coordinate of k*G, so a repeated r is a repeated nonce k "
            "(or -k); from two such signatures the private key follows "
            "by arithmetic: k = (z1 - z2)/(s1 - s2), d = (s1*k - z1)/r mod "
            "n. The case carries out the recovery and proves it with "
            "d*G == Q (OpenSSL), so the finding is a demonstration. A "
            "zero top byte in r or s far more often than chance (binomial "
            "tail below 1e-6) is noted as a biased-nonce hint; 64 "
            "signatures are too few to prove a bias.",
        .remediation =
            "Draw k from an approved DRBG for every signature (FIPS 186-5 "
            "§6.4.1) or derive it deterministically from the key and "
            "message (RFC 6979); never cache or reuse it. Rotate every key "
            "that signed with a repeated nonce: it is public.",
        .refs = SA_REFS(R_FIPS186_ECDSA, R_SEC1, R_CURR_ECDSA, R_RFC6979,
                        R_BREITNER, R_PS3),
        .impact = 5,
        .threat = "key-recovery",
        .tags = SA_TAG_FINDING,
        .needs = SA_NEED_TOKEN | SA_NEED_USER_PIN,
        .mechs = SA_MECHS(CKM_EC_KEY_PAIR_GEN),
        .run = sa_sq01_nonce_reuse,
    },
    {
        .id = "SIG-Q-02",
        .title = "No RSA modulus has a small prime factor",
        .description =
            "Collects every RSA public key the user can see (public and "
            "private key objects, X.509 certificates; token and session "
            "objects) and three RSA-2048 session pairs the case "
            "generates, and divides each modulus by all 82,025 primes "
            "below 2^20 (one gcd with their product). A modulus with a "
            "small factor is not the product of two large primes RSA's "
            "security rests on: when the cofactor is prime (n = small * "
            "prime, which the case tests) the key is factored on sight, "
            "and in any case it comes from broken generation (a failed "
            "primality test, a corrupted modulus) that makes every key "
            "of that generator suspect.",
        .remediation =
            "Generate primes with an approved primality test (FIPS 186-5 "
            "Appendix A/B) and check n = p*q before storing the key; "
            "replace every affected key and audit the generator.",
        .refs = SA_REFS(R_RFC8017_KEY, R_FIPS186_RSA, R_LENSTRA),
        .impact = 5,
        .threat = "key-recovery",
        .tags = SA_TAG_FINDING,
        .needs = SA_NEED_TOKEN | SA_NEED_USER_PIN,
        .run = sa_sq02_small_factors,
    },
    {
        .id = "SIG-Q-03",
        .title = "No two RSA keys share a prime factor",
        .description =
            "Collects the RSA public keys the user can see and three "
            "RSA-2048 session pairs the case generates (so that an empty "
            "token still shows whether its generator repeats primes), and "
            "computes for each modulus the gcd with the product of all "
            "the others (pairwise up to 50 moduli, Bernstein's product "
            "and remainder trees above). Two moduli that share a prime "
            "are both factored by one gcd: the failure mode of a "
            "generator seeded with too little entropy (Heninger et al. "
            "found it in 0.5 % of TLS hosts' keys). A generated key that "
            "repeats a modulus already seen is the extreme case.",
        .remediation =
            "Seed the key generator from a sufficient entropy source "
            "before the first key (in particular right after boot or "
            "provisioning); replace the affected keys.",
        .refs = SA_REFS(R_PSQS, R_LENSTRA, R_BERNSTEIN, R_FIPS186_RSA),
        .impact = 5,
        .threat = "key-recovery",
        .tags = SA_TAG_FINDING,
        .needs = SA_NEED_TOKEN | SA_NEED_USER_PIN,
        .run = sa_sq03_shared_factors,
    },
    {
        .id = "SIG-Q-04",
        .title = "No RSA modulus has the ROCA fingerprint",
        .description =
            "Tests every RSA modulus seen (and three RSA-2048 session "
            "pairs the case generates) for the ROCA fingerprint "
            "(CVE-2017-15361): Infineon RSALib primes have the form "
            "p = k*M + (65537^a mod M), M a primorial, so n mod p_i lies "
            "in the subgroup generated by 65537 mod p_i for every small "
            "prime p_i dividing M. The case computes that subgroup for "
            "each of the detector's primes 3..167 at run time and flags a "
            "modulus only when it matches ALL of them (a random modulus "
            "matches with negligible probability). Such keys are "
            "factorable with Coppersmith's method (RSA-2048 for about "
            "CPU-years, 1024 in CPU-days).",
        .remediation =
            "Update the firmware of the key generator (Infineon advisory "
            "for RSALib) and replace every key with the fingerprint.",
        .refs = SA_REFS(R_ROCA, R_CVE_ROCA),
        .impact = 5,
        .threat = "key-recovery",
        .tags = SA_TAG_FINDING,
        .needs = SA_NEED_TOKEN | SA_NEED_USER_PIN,
        .run = sa_sq04_roca,
    },
    {
        .id = "SIG-Q-05",
        .title = "Keys meet the audit policy's sizes and exponent",
        .description =
            "Judges every key the user can see against the audit policy "
            "(Circular 15/2025/TT-BKHCN as stated in issue 4: RSA >= 2048 "
            "bits, ECDSA >= 256 bits) and the RSA public exponent rule of "
            "ETSI TS 119 312 / FIPS 186-5 (odd, 65537 <= e < 2^256): RSA "
            "public and private key objects and certificates (size from "
            "the modulus itself, not CKA_MODULUS_BITS), EC and EdDSA key "
            "objects by curve, certificates by key size and, when not "
            "self-signed, by the hash of their signature (SHA-2). It "
            "also asks the token for an RSA-2048 pair with e = 65537 and "
            "an EC P-256 pair and checks that it made exactly that: a "
            "token that silently makes something else (a smaller key, "
            "e = 3) is a finding.",
        .remediation =
            "Replace keys below the policy, generate RSA with e = 65537 "
            "and at least 2048 bits, and make the token refuse templates "
            "it will not honour instead of substituting other "
            "parameters.",
        .refs = SA_REFS(R_TT15, R_TS119312, R_FIPS186_RSA, R_SP80057),
        .impact = 3,
        .threat = "weak-keys",
        .tags = SA_TAG_FINDING,
        .needs = SA_NEED_TOKEN | SA_NEED_USER_PIN,
        .run = sa_sq05_policy_sizes,
    },
    {
        .id = "SIG-Q-06",
        .title = "The token refuses weak signature algorithms",
        .description =
            "For each mechanism the policy forbids for new signatures "
            "that the token lists (CKM_SHA1_RSA_PKCS, "
            "CKM_SHA1_RSA_PKCS_PSS, CKM_MD5_RSA_PKCS, CKM_MD2_RSA_PKCS, "
            "CKM_RIPEMD160_RSA_PKCS, CKM_SHA1_RSA_X9_31, CKM_ECDSA_SHA1, "
            "CKM_DSA and CKM_DSA_SHA*), signs a message with a session "
            "key of the case and verifies the signature (OpenSSL where "
            "it can, else the token); and tries to generate RSA-1024, "
            "EC P-192 and EC P-224 key pairs. A mechanism that signs, or "
            "a weak generation that succeeds, is a finding: whoever may "
            "use the token's keys can make signatures the policy "
            "forbids. A listed mechanism that does not work is noted, "
            "not a finding.",
        .remediation =
            "Disable the weak mechanisms in the token's policy "
            "(SoftHSM2: slots.mechanisms in softhsm2.conf; HSMs: the "
            "vendor's mechanism or FIPS-mode policy) and set the minimum "
            "key sizes (RSA 2048, EC 256).",
        .refs = SA_REFS(R_TT15, R_SP800131A, R_FIPS186_DSA, R_TS119312,
                        R_CURR_MECHS),
        .impact = 3,
        .threat = "weak-algorithms",
        .tags = SA_TAG_FINDING,
        .needs = SA_NEED_TOKEN | SA_NEED_USER_PIN,
        .run = sa_sq06_weak_algorithms,
    },
};

const sa_case_group sa_signing_group_quality = {cases, SA_COUNTOF(cases)};
