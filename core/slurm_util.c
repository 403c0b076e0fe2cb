/*
 * slurm_util.c - process spawning, small-file reads and shell quoting for the
 * Slurm launcher.  sbatch/squeue/scancel are always started with an argument
 * array through posix_spawnp, never through system() or a shell: paths and
 * --sbatch-arg values come from the user and must not be interpreted.
 */
#define _GNU_SOURCE /* pipe2 */
#include "slurm_util.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

extern char **environ;

int dc_spawn(char *const argv[], dc_buf *out)
{
    int pfd[2] = {-1, -1};
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    if (out) {
        if (pipe2(pfd, O_CLOEXEC) != 0) {
            posix_spawn_file_actions_destroy(&fa);
            return -1;
        }
        posix_spawn_file_actions_adddup2(&fa, pfd[1], 1);
    }
    pid_t pid;
    int err = posix_spawnp(&pid, argv[0], &fa, NULL, argv, environ);
    posix_spawn_file_actions_destroy(&fa);
    if (out) close(pfd[1]);
    if (err != 0) {
        if (out) close(pfd[0]);
        errno = err;
        return -1;
    }
    if (out) {
        char buf[4096];
        ssize_t n;
        while ((n = read(pfd[0], buf, sizeof buf)) != 0) {
            if (n < 0 && errno == EINTR) continue;
            if (n < 0) break;
            dc_buf_append(out, buf, (size_t)n);
        }
        close(pfd[0]);
        dc_buf_reserve(out, 1);
        out->data[out->len] = '\0';
    }
    int st;
    while (waitpid(pid, &st, 0) < 0)
        if (errno != EINTR) return -1;
    if (WIFEXITED(st)) return WEXITSTATUS(st);
    return 128 + (WIFSIGNALED(st) ? WTERMSIG(st) : 0);
}

void dc_shell_quote(dc_buf *b, const char *s)
{
    dc_buf_putc(b, '\'');
    for (; *s; s++) {
        if (*s == '\'') dc_buf_puts(b, "'\\''");
        else dc_buf_putc(b, *s);
    }
    dc_buf_putc(b, '\'');
}

char *dc_read_small_file(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f) return NULL;
    dc_buf b = {0};
    char buf[4096];
    size_t n;
    while ((n = fread(buf, 1, sizeof buf, f)) > 0) dc_buf_append(&b, buf, n);
    fclose(f);
    dc_buf_reserve(&b, 1);
    b.data[b.len] = '\0';
    return b.data;
}
