#include <string.h>

#include "sigaudit/case.h"

static const char *const names[SA_VERDICT_COUNT_] = {
    [SA_VERDICT_PASS] = "pass", [SA_VERDICT_INFO] = "info",
    [SA_VERDICT_SKIP] = "skip", [SA_VERDICT_ERROR] = "error",
    [SA_VERDICT_FAIL] = "fail", [SA_VERDICT_WAIVED] = "waived",
};

const char *sa_verdict_str(sa_verdict v)
{
	if ((unsigned)v >= SA_VERDICT_COUNT_)
		return "error";
	return names[v];
}

int sa_verdict_parse(const char *s)
{
	for (int i = 0; i < SA_VERDICT_COUNT_; i++) {
		if (s != NULL && strcmp(s, names[i]) == 0)
			return i;
	}
	return -1;
}

/* The enum order is the severity order for the five verdicts a case can
 * produce; WAIVED is the runner's relabelling of a FAIL and ranks with it. */
static int rank(sa_verdict v)
{
	return v == SA_VERDICT_WAIVED ? SA_VERDICT_FAIL : (int)v;
}

sa_verdict sa_verdict_worst(sa_verdict a, sa_verdict b)
{
	return rank(b) > rank(a) ? b : a;
}
