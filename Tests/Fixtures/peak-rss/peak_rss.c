/*
 * peak_rss OUT PROGRAM [ARG...]: runs PROGRAM, writes its peak resident set (KiB, from wait4's
 * rusage) to the file OUT, and exits with its status (128 + the signal if one ended it).
 *
 * Why a helper: a process that the test process starts with posix_spawn (vfork underneath) takes
 * the test process's own high-water mark into its ru_maxrss when it execs, and a test process
 * running other tests in parallel can be far larger than what is measured. Started from this small
 * helper by a real fork, PROGRAM's ru_maxrss is its own.
 */
#include <errno.h>
#include <stdio.h>
#include <sys/resource.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

int main(int argc, char **argv) {
    if (argc < 3) {
        fprintf(stderr, "usage: peak_rss OUT PROGRAM [ARG...]\n");
        return 125;
    }
    pid_t pid = fork();
    if (pid < 0) return 126;
    if (pid == 0) {
        execv(argv[2], argv + 2);
        _exit(127);
    }
    int status = 0;
    struct rusage usage;
    while (wait4(pid, &status, 0, &usage) < 0) {
        if (errno != EINTR) return 126;
    }
    FILE *out = fopen(argv[1], "w");
    if (out == NULL) return 126;
    fprintf(out, "%ld\n", usage.ru_maxrss);
    fclose(out);
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}
