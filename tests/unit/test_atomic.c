/*
 * test_atomic.c - the core's one atomic-replacement helper (core/atomic.c):
 * a whole-file write replaces a regular file and leaves no temporary, a
 * device is written in place (never replaced by a regular file), a publish
 * onto a FIFO is refused, completion markers have their exact text.
 */
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <dirent.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "atomic.h"
#include "slurm_util.h"

static char tmpdir[256];

static int setup(void **s)
{
    (void)s;
    snprintf(tmpdir, sizeof tmpdir, "/tmp/dc-test-atomic.XXXXXX");
    return mkdtemp(tmpdir) ? 0 : -1;
}

static int teardown(void **s)
{
    (void)s;
    char cmd[300];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmpdir);
    return system(cmd) == 0 ? 0 : -1;
}

static int count_entries(const char *dir)
{
    DIR *d = opendir(dir);
    struct dirent *e;
    int n = 0;
    while (d && (e = readdir(d)))
        if (strcmp(e->d_name, ".") && strcmp(e->d_name, "..")) n++;
    if (d) closedir(d);
    return n;
}

static void test_replace_regular(void **s)
{
    (void)s;
    char p[300];
    snprintf(p, sizeof p, "%s/f.json", tmpdir);
    assert_int_equal(dc_write_file_atomic(p, "old\n", 4), 0);
    assert_int_equal(dc_write_file_atomic(p, "new text\n", 9), 0);
    char *got = dc_read_small_file(p);
    assert_string_equal(got, "new text\n");
    free(got);
    assert_int_equal(count_entries(tmpdir), 1); /* no temporary left */
}

static void test_device_in_place(void **s)
{
    (void)s;
    assert_int_equal(dc_is_special_file("/dev/null"), 1);
    assert_int_equal(dc_write_file_atomic("/dev/null", "x", 1), 0);
    struct stat st;
    assert_int_equal(stat("/dev/null", &st), 0);
    assert_true(S_ISCHR(st.st_mode));
}

static void test_publish_refuses_fifo(void **s)
{
    (void)s;
    char fifo[300], tmp[300];
    snprintf(fifo, sizeof fifo, "%s/pipe", tmpdir);
    snprintf(tmp, sizeof tmp, "%s/pipe.tmp", tmpdir);
    assert_int_equal(mkfifo(fifo, 0600), 0);
    FILE *f = fopen(tmp, "w");
    assert_non_null(f);
    fclose(f);
    errno = 0;
    assert_int_equal(dc_atomic_publish(tmp, fifo), -1);
    assert_int_equal(errno, ENOTSUP);
    struct stat st;
    assert_int_equal(stat(fifo, &st), 0);
    assert_true(S_ISFIFO(st.st_mode)); /* still the FIFO */
    assert_int_equal(access(tmp, F_OK), 0); /* the caller's to remove */
    assert_int_equal(dc_is_special_file(tmpdir), 0); /* a directory is not "special" */
}

static void test_marker(void **s)
{
    (void)s;
    char p[300];
    snprintf(p, sizeof p, "%s/00003.done", tmpdir);
    assert_int_equal(dc_file_exists(p), 0);
    assert_int_equal(dc_write_marker(p, "%s %u of %u\n", "shard", 3u, 8u), 0);
    assert_int_equal(dc_file_exists(p), 1);
    char *got = dc_read_small_file(p);
    assert_string_equal(got, "shard 3 of 8\n");
    free(got);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_replace_regular, setup, teardown),
        cmocka_unit_test_setup_teardown(test_device_in_place, setup, teardown),
        cmocka_unit_test_setup_teardown(test_publish_refuses_fifo, setup, teardown),
        cmocka_unit_test_setup_teardown(test_marker, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
