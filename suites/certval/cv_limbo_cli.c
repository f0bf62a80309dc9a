/* `sigaudit limbo-harness`: the built-in engine as an x509-limbo harness, so
 * that limbo's own runner can drive sigaudit (`limbo harness -- sigaudit
 * limbo-harness`). Reads a Limbo document (or one testcase) on stdin,
 * writes one LimboResult on stdout; exit 0 even when testcases fail
 * (catalogue §4.3: non-zero only for the harness's own errors). */
#include <stdio.h>
#include <string.h>

#include "cv_limbo.h"
#include "cv_limbo_cli.h"

int sa_cv_limbo_harness_main(int argc, char **argv)
{
	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--help") == 0 ||
		    strcmp(argv[i], "-h") == 0) {
			printf("usage: sigaudit limbo-harness < limbo.json > "
			       "result.json\n"
			       "Validate every x509-limbo testcase on stdin "
			       "with the built-in engine (OpenSSL\n"
			       "X509_verify_cert) and print one LimboResult. "
			       "Exit 0, 1 on unreadable input.\n");
			return 0;
		}
		fprintf(stderr,
		        "sigaudit limbo-harness: unexpected argument "
		        "'%s'\n",
		        argv[i]);
		return 64;
	}
	return sa_cv_limbo_harness(stdin, stdout, stderr) < 0 ? 1 : 0;
}
