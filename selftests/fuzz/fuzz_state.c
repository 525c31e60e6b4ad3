// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer harness over the state file reader. Each input is loaded as it
 * is (the envelope: header, end line, checksum) and, with a correct end
 * line added, as a sealed file (the records), since a checksum is all but
 * never guessed. A refused file must be left as it was; a loaded db is
 * saved, and our own file must load again and save to the same bytes.
 */
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../lib/fnv1a64.h"
#include "state.h"

/* In memory: state_save syncs every file it writes. */
static char dir[] = "/dev/shm/fuzz_state.XXXXXX";
static char in_path[64], saved_path[64], again_path[64];

static void spill(const char *path, const char *data, size_t len)
{
	FILE *f = fopen(path, "w");

	if (!f || fwrite(data, 1, len, f) != len || fclose(f))
		__builtin_trap();
}

/* The whole file, in *len bytes. */
static char *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "r");
	long size;
	char *buf;

	if (!f || fseek(f, 0, SEEK_END) || (size = ftell(f)) < 0 || fseek(f, 0, SEEK_SET) ||
	    !(buf = malloc((size_t)size + 1)) || fread(buf, 1, (size_t)size, f) != (size_t)size)
		__builtin_trap();
	fclose(f);
	*len = (size_t)size;
	return buf;
}

static bool file_holds(const char *path, const char *data, size_t len)
{
	size_t flen;
	char *buf = slurp(path, &flen);
	bool ret = flen == len && !memcmp(buf, data, len);

	free(buf);
	return ret;
}

static void load(const char *data, size_t len)
{
	struct peering_db *db = NULL, *again = NULL;
	char err[512], *saved;
	size_t saved_len;

	spill(in_path, data, len);
	if (state_load(in_path, &db, err, sizeof(err)) < 0) {
		if (!file_holds(in_path, data, len))
			__builtin_trap();	/* a refused file is never touched */
		return;
	}
	if (state_save(saved_path, db, err, sizeof(err)) < 0 ||
	    state_load(saved_path, &again, err, sizeof(err)) < 0 ||
	    state_save(again_path, again, err, sizeof(err)) < 0)
		__builtin_trap();	/* our own file must read back */
	saved = slurp(saved_path, &saved_len);
	if (!file_holds(again_path, saved, saved_len))
		__builtin_trap();	/* ... as the same db */
	free(saved);
	pdb_free(db);
	pdb_free(again);
}

static void cleanup(void)
{
	unlink(in_path);
	unlink(saved_path);
	unlink(again_path);
	rmdir(dir);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	if (!mkdtemp(dir))
		__builtin_trap();
	snprintf(in_path, sizeof(in_path), "%s/in", dir);
	snprintf(saved_path, sizeof(saved_path), "%s/saved", dir);
	snprintf(again_path, sizeof(again_path), "%s/again", dir);
	atexit(cleanup);
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *text = (const char *)data;
	unsigned long lines = 0;
	char end[64], *sealed;
	size_t len = size;
	int n;

	load(text, size);

	/* Sealed: the input as the body, a record a line after the header
	 * line (a last line without its newline gets one). */
	sealed = malloc(size + 1 + sizeof(end));
	if (!sealed)
		return 0;
	memcpy(sealed, text, size);
	if (size && text[size - 1] != '\n')
		sealed[len++] = '\n';
	for (size_t i = 0; i < len; i++)
		lines += sealed[i] == '\n';
	n = snprintf(end, sizeof(end), "end %lu %016" PRIx64 "\n", lines ? lines - 1 : 0,
		     fnv1a64(sealed, len));
	memcpy(sealed + len, end, (size_t)n);
	load(sealed, len + (size_t)n);
	free(sealed);
	return 0;
}
