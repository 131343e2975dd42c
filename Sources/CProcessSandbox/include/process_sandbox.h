/*
 * Runs one program in a sandbox: a fresh user, network and PID namespace where the system allows
 * it, resource limits, no inherited descriptors, output captured and truncated, a wall-clock
 * deadline that kills every process the program started. For scorers that run generated code
 * (the JUnit-XML grader); never linked by the engine. Linux only. Docs/junit-xml.md "Sandbox".
 *
 * Thread contract: lbsb_run may be called from many threads at once; it forks, and the child only
 * makes async-signal-safe system calls before execve (everything it needs is prepared first).
 */
#ifndef LLMBENCH_PROCESS_SANDBOX_H
#define LLMBENCH_PROCESS_SANDBOX_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Limits of 0 mean "not set". */
typedef struct {
    const char *const *argv;    /* argv[0] is a path or a name looked up in PATH of envp; NULL-terminated */
    const char *const *envp;    /* the whole environment of the program; NULL-terminated */
    const char *cwd;            /* the workspace; must exist */
    int64_t wall_ms;            /* deadline: then SIGKILL to every process of the sandbox */
    int64_t cpu_seconds;        /* RLIMIT_CPU */
    int64_t memory_bytes;       /* RLIMIT_AS */
    int64_t file_bytes;         /* RLIMIT_FSIZE: a larger write gets SIGXFSZ */
    int64_t processes;          /* RLIMIT_NPROC, counted inside the sandbox's user namespace */
    int64_t output_bytes;       /* stdout and stderr together, kept as head and tail */
    int32_t isolate;            /* 1: new user/network/PID namespaces where allowed; 0: none (tests of the fallback) */
    /* Polled about every 50 ms; a non-zero answer kills the sandbox as the deadline would. May be NULL. */
    int (*cancelled)(void *context);
    void *cancel_context;
} lbsb_config;

typedef enum {
    LBSB_EXITED = 0,   /* exit_code holds the status */
    LBSB_SIGNALED = 1, /* term_signal holds the signal (SIGXCPU, SIGXFSZ, SIGKILL...) */
    LBSB_TIMED_OUT = 2,
    LBSB_CANCELLED = 3,
    LBSB_FAILED = 4    /* nothing ran: error holds why */
} lbsb_outcome;

typedef struct {
    lbsb_outcome outcome;
    int32_t exit_code;
    int32_t term_signal;
    /* Which isolation held: bit 0 user namespace, bit 1 network namespace, bit 2 PID namespace,
       bit 3 privileges dropped to nobody (root without namespaces). */
    int32_t isolation;
    int64_t wall_ms;
    int64_t cpu_us;             /* user + system of the program and every child it waited for */
    char *output;               /* malloc'd, NUL-terminated; head, then a marker, then tail when cut */
    size_t output_length;
    int64_t output_total_bytes; /* what the program wrote in all */
    char error[256];
} lbsb_result;

#define LBSB_ISOLATION_USER    1
#define LBSB_ISOLATION_NETWORK 2
#define LBSB_ISOLATION_PID     4
#define LBSB_ISOLATION_NOBODY  8

/* Returns 0 when the program ran (whatever its outcome), -1 when it could not start (outcome
   LBSB_FAILED). The caller frees result->output with lbsb_result_free. */
int lbsb_run(const lbsb_config *config, lbsb_result *result);
void lbsb_result_free(lbsb_result *result);

/* The owner the sandboxed program runs as, seen from outside: the workspace must be writable by
   it. (uid, gid) of nobody when running as root, else the caller's own. */
void lbsb_sandbox_owner(uint32_t *uid, uint32_t *gid);

/* Removes a folder tree without following symbolic links, making folders writable where the
   program took that away. Returns 0 or -1 with errno set. */
int lbsb_remove_tree(const char *path);

#ifdef __cplusplus
}
#endif

#endif
