/* Corpus replay: feeds every file of the directories (or files) named on the
 * command line to a libFuzzer target's LLVMFuzzerTestOneInput, so that the
 * corpus runs as an ordinary CTest test in every build, fuzzer or not. Fails
 * when a directory yields no input (an empty corpus proves nothing). */
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* 1 MiB is more than any seed; larger files are a mistake in the corpus. */
#define REPLAY_MAX (1024 * 1024)

static int run_file(const char *path)
{
	FILE *f = fopen(path, "rb");
	unsigned char *buf = NULL, *exact;
	size_t n;
	int rc = -1;

	if (f == NULL) {
		perror(path);
		goto out;
	}
	buf = malloc(REPLAY_MAX + 1);
	if (buf == NULL)
		goto out;
	n = fread(buf, 1, REPLAY_MAX + 1, f);
	if (ferror(f) || n > REPLAY_MAX) {
		fprintf(stderr, "%s: unreadable or larger than %d bytes\n",
		        path, REPLAY_MAX);
		goto out;
	}
	/* Shrunk to the input's size, so that ASan sees a read past it. */
	exact = realloc(buf, n ? n : 1);
	if (exact == NULL)
		goto out;
	buf = exact;
	LLVMFuzzerTestOneInput(buf, n);
	rc = 0;
out:
	free(buf);
	if (f != NULL)
		fclose(f);
	return rc;
}

static int run_dir(const char *dir, size_t *count)
{
	struct dirent **names = NULL;
	int n = scandir(dir, &names, NULL, alphasort);
	int rc = 0;

	if (n < 0) {
		perror(dir);
		return -1;
	}
	for (int i = 0; i < n; i++) {
		char path[4096];
		struct stat st;

		snprintf(path, sizeof(path), "%s/%s", dir, names[i]->d_name);
		if (stat(path, &st) == 0 && S_ISREG(st.st_mode) &&
		    names[i]->d_name[0] != '.') {
			if (run_file(path) < 0)
				rc = -1;
			(*count)++;
		}
		free(names[i]);
	}
	free(names);
	return rc;
}

int main(int argc, char **argv)
{
	int rc = EXIT_SUCCESS;

	if (argc < 2) {
		fprintf(stderr, "usage: %s DIR|FILE...\n", argv[0]);
		return 64;
	}
	for (int i = 1; i < argc; i++) {
		struct stat st;
		size_t count = 0;

		if (stat(argv[i], &st) != 0) {
			perror(argv[i]);
			rc = EXIT_FAILURE;
			continue;
		}
		if (S_ISDIR(st.st_mode)) {
			if (run_dir(argv[i], &count) < 0 || count == 0)
				rc = EXIT_FAILURE;
		} else {
			if (run_file(argv[i]) < 0)
				rc = EXIT_FAILURE;
			count = 1;
		}
		printf("%s: %zu inputs\n", argv[i], count);
	}
	return rc;
}
