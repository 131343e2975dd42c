#define _GNU_SOURCE
#include "process_sandbox.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define NOBODY 65534u

#ifndef CLOSE_RANGE_CLOEXEC
#define CLOSE_RANGE_CLOEXEC (1U << 2)
#endif

static int64_t now_ms(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* ---- Output kept as head and tail ---- */

typedef struct {
    char *head;
    size_t head_cap, head_len;
    char *tail; /* a ring */
    size_t tail_cap, tail_len, tail_start;
    int64_t total;
} capture;

static void capture_add(capture *c, const char *bytes, size_t n) {
    c->total += (int64_t)n;
    size_t to_head = c->head_cap - c->head_len;
    if (to_head > n) to_head = n;
    memcpy(c->head + c->head_len, bytes, to_head);
    c->head_len += to_head;
    bytes += to_head;
    n -= to_head;
    if (n == 0 || c->tail_cap == 0) return;
    if (n >= c->tail_cap) { /* keep the last tail_cap bytes */
        memcpy(c->tail, bytes + n - c->tail_cap, c->tail_cap);
        c->tail_len = c->tail_cap;
        c->tail_start = 0;
        return;
    }
    for (size_t i = 0; i < n; i++) {
        size_t at = (c->tail_start + c->tail_len) % c->tail_cap;
        c->tail[at] = bytes[i];
        if (c->tail_len < c->tail_cap) c->tail_len++;
        else c->tail_start = (c->tail_start + 1) % c->tail_cap;
    }
}

static char *capture_text(const capture *c, size_t *length) {
    char marker[96];
    int64_t cut = c->total - (int64_t)c->head_len - (int64_t)c->tail_len;
    int marker_len = cut > 0 ? snprintf(marker, sizeof marker, "\n[... %lld bytes cut ...]\n", (long long)cut) : 0;
    size_t n = c->head_len + (size_t)marker_len + c->tail_len;
    char *text = malloc(n + 1);
    if (!text) { *length = 0; return NULL; }
    memcpy(text, c->head, c->head_len);
    memcpy(text + c->head_len, marker, (size_t)marker_len);
    for (size_t i = 0; i < c->tail_len; i++)
        text[c->head_len + (size_t)marker_len + i] = c->tail[(c->tail_start + i) % c->tail_cap];
    text[n] = 0;
    *length = n;
    return text;
}

/* ---- The child, between clone and execve: system calls only ---- */

typedef struct {
    const char *path;
    const char *const *argv;
    const char *const *envp;
    const char *cwd;
    const lbsb_config *config;
    int go_fd;       /* read end: the parent has written the id maps */
    int go_write_fd; /* the parent's end, closed here so that a dead parent is an end of file */
    int report_fd;   /* write end, close-on-exec: why execve was not reached */
    int output_fd;
    int null_fd;
    int in_user_ns;
    int drop_to_nobody;
    int limit_processes;
} child_plan;

static void child_fail(const child_plan *p, const char *stage) {
    int e = errno;
    char message[128];
    size_t n = 0;
    while (stage[n] && n < 100) { message[n] = stage[n]; n++; }
    message[n++] = ':';
    /* errno as decimal, async-signal-safe */
    char digits[12];
    int d = 0;
    do { digits[d++] = (char)('0' + e % 10); e /= 10; } while (e && d < 11);
    while (d) message[n++] = digits[--d];
    (void)!write(p->report_fd, message, n);
    _exit(127);
}

static void set_limit(const child_plan *p, int resource, int64_t value, const char *stage) {
    if (value <= 0) return;
    struct rlimit limit = { (rlim_t)value, (rlim_t)value };
    if (setrlimit(resource, &limit) != 0) child_fail(p, stage);
}

static void child_main(const child_plan *p) {
    /* Credentials change through raw system calls: glibc's wrappers would try to reach the
       parent's other threads, which do not exist in this process. */
    close(p->go_write_fd);
    if (p->in_user_ns) {
        char go;
        if (read(p->go_fd, &go, 1) != 1) child_fail(p, "waiting for the id maps");
        /* Become the namespace's uid 0, which is nobody (or the caller) outside. */
        if (p->drop_to_nobody && syscall(SYS_setgroups, 0, NULL) != 0) child_fail(p, "setgroups");
        if (syscall(SYS_setresgid, 0, 0, 0) != 0) child_fail(p, "setresgid");
        if (syscall(SYS_setresuid, 0, 0, 0) != 0) child_fail(p, "setresuid");
    }
    setpgid(0, 0);
    prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (chdir(p->cwd) != 0) child_fail(p, "chdir to the workspace");
    if (dup2(p->null_fd, 0) < 0 || dup2(p->output_fd, 1) < 0 || dup2(p->output_fd, 2) < 0) child_fail(p, "dup2");
    /* Every other descriptor (the engine's sockets, its store) closes at execve. */
    if (syscall(SYS_close_range, 3, ~0U, CLOSE_RANGE_CLOEXEC) != 0) {
        for (int fd = 3; fd < 65536; fd++) if (fd != p->report_fd) fcntl(fd, F_SETFD, FD_CLOEXEC);
    }
    const lbsb_config *c = p->config;
    set_limit(p, RLIMIT_CPU, c->cpu_seconds, "RLIMIT_CPU");
    set_limit(p, RLIMIT_AS, c->memory_bytes, "RLIMIT_AS");
    set_limit(p, RLIMIT_FSIZE, c->file_bytes, "RLIMIT_FSIZE");
    if (p->limit_processes) set_limit(p, RLIMIT_NPROC, c->processes, "RLIMIT_NPROC");
    struct rlimit no_core = { 0, 0 };
    setrlimit(RLIMIT_CORE, &no_core);
    if (!p->in_user_ns && p->drop_to_nobody) {
        if (syscall(SYS_setgroups, 0, NULL) != 0) child_fail(p, "setgroups");
        if (syscall(SYS_setresgid, NOBODY, NOBODY, NOBODY) != 0) child_fail(p, "setresgid nobody");
        if (syscall(SYS_setresuid, NOBODY, NOBODY, NOBODY) != 0) child_fail(p, "setresuid nobody");
    }
    prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0);
    /* The engine ignores SIGPIPE (and a test may ignore SIGXFSZ); ignored signals survive execve. */
    struct sigaction fallback;
    memset(&fallback, 0, sizeof fallback);
    fallback.sa_handler = SIG_DFL;
    for (int sig = 1; sig < 32; sig++) if (sig != SIGKILL && sig != SIGSTOP) sigaction(sig, &fallback, NULL);
    sigset_t none;
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, NULL);
    execve(p->path, (char *const *)p->argv, (char *const *)p->envp);
    child_fail(p, "execve");
}

/* ---- The parent ---- */

static pid_t clone_process(unsigned long flags) {
    /* fork(2) semantics with namespace flags: the child runs on a copy of this stack. */
    return (pid_t)syscall(SYS_clone, flags | SIGCHLD, NULL, NULL, NULL, NULL);
}

static int write_file(const char *path, const char *text) {
    int fd = open(path, O_WRONLY | O_CLOEXEC);
    if (fd < 0) return -1;
    ssize_t n = write(fd, text, strlen(text));
    int saved = errno;
    close(fd);
    errno = saved;
    return n == (ssize_t)strlen(text) ? 0 : -1;
}

static int write_id_maps(pid_t pid, int drop_to_nobody) {
    char path[64], map[64];
    uid_t uid = geteuid();
    gid_t gid = getegid();
    if (!drop_to_nobody) {
        /* An unprivileged process may map only itself, and must give up setgroups first. */
        snprintf(path, sizeof path, "/proc/%d/setgroups", (int)pid);
        if (write_file(path, "deny") != 0 && errno != ENOENT) return -1;
    }
    snprintf(path, sizeof path, "/proc/%d/uid_map", (int)pid);
    snprintf(map, sizeof map, "0 %u 1\n", drop_to_nobody ? NOBODY : (unsigned)uid);
    if (write_file(path, map) != 0) return -1;
    snprintf(path, sizeof path, "/proc/%d/gid_map", (int)pid);
    snprintf(map, sizeof map, "0 %u 1\n", drop_to_nobody ? NOBODY : (unsigned)gid);
    return write_file(path, map);
}

/* PATH lookup done before the fork (execvpe may allocate). */
static char *resolve_program(const char *name, const char *const *envp) {
    if (strchr(name, '/')) return strdup(name);
    const char *path = "/usr/local/bin:/usr/bin:/bin";
    for (const char *const *e = envp; e && *e; e++)
        if (strncmp(*e, "PATH=", 5) == 0) { path = *e + 5; break; }
    size_t name_len = strlen(name);
    while (*path) {
        const char *end = strchr(path, ':');
        size_t len = end ? (size_t)(end - path) : strlen(path);
        if (len > 0) {
            char *candidate = malloc(len + 1 + name_len + 1);
            if (!candidate) return NULL;
            memcpy(candidate, path, len);
            candidate[len] = '/';
            memcpy(candidate + len + 1, name, name_len + 1);
            if (access(candidate, X_OK) == 0) return candidate;
            free(candidate);
        }
        if (!end) break;
        path = end + 1;
    }
    return NULL;
}

static void fail(lbsb_result *r, const char *format, const char *detail) {
    r->outcome = LBSB_FAILED;
    snprintf(r->error, sizeof r->error, format, detail);
}

void lbsb_sandbox_owner(uint32_t *uid, uint32_t *gid) {
    int root = geteuid() == 0;
    *uid = root ? NOBODY : (uint32_t)geteuid();
    *gid = root ? NOBODY : (uint32_t)getegid();
}

int lbsb_run(const lbsb_config *config, lbsb_result *r) {
    memset(r, 0, sizeof *r);
    if (!config->argv || !config->argv[0]) { fail(r, "%s", "no program to run"); return -1; }
    char *path = resolve_program(config->argv[0], config->envp);
    if (!path) { fail(r, "program '%s' not found in the sandbox's PATH", config->argv[0]); return -1; }

    int output[2], report[2], go[2];
    if (pipe2(output, O_CLOEXEC) != 0) { free(path); fail(r, "pipe: %s", strerror(errno)); return -1; }
    if (pipe2(report, O_CLOEXEC) != 0) {
        close(output[0]); close(output[1]); free(path);
        fail(r, "pipe: %s", strerror(errno));
        return -1;
    }
    if (pipe2(go, O_CLOEXEC) != 0) {
        close(output[0]); close(output[1]); close(report[0]); close(report[1]); free(path);
        fail(r, "pipe: %s", strerror(errno));
        return -1;
    }
    int null_fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
    int root = geteuid() == 0;

    child_plan plan = {
        .path = path, .argv = config->argv, .envp = config->envp, .cwd = config->cwd, .config = config,
        .go_fd = go[0], .go_write_fd = go[1], .report_fd = report[1], .output_fd = output[1], .null_fd = null_fd,
    };

    /* Strongest first: user + network + PID namespaces; then network + PID (needs CAP_SYS_ADMIN);
       then none. */
    pid_t pid = -1;
    if (config->isolate) {
        plan.in_user_ns = 1;
        plan.drop_to_nobody = root;
        plan.limit_processes = 1;
        r->isolation = LBSB_ISOLATION_USER | LBSB_ISOLATION_NETWORK | LBSB_ISOLATION_PID | (root ? LBSB_ISOLATION_NOBODY : 0);
        pid = clone_process(CLONE_NEWUSER | CLONE_NEWNET | CLONE_NEWPID);
        if (pid < 0 && root) {
            plan.in_user_ns = 0;
            r->isolation = LBSB_ISOLATION_NETWORK | LBSB_ISOLATION_PID | LBSB_ISOLATION_NOBODY;
            pid = clone_process(CLONE_NEWNET | CLONE_NEWPID);
        }
    }
    if (pid < 0) {
        /* No namespaces: as root, still drop to nobody (whose process count is then system-wide);
           otherwise a process limit would count all of the caller's processes, so none is set. */
        plan.in_user_ns = 0;
        plan.drop_to_nobody = root;
        plan.limit_processes = root;
        r->isolation = root ? LBSB_ISOLATION_NOBODY : 0;
        pid = clone_process(0);
    }
    if (pid == 0) child_main(&plan);

    int64_t started = now_ms();
    close(output[1]);
    close(report[1]);
    close(go[0]);
    if (null_fd >= 0) close(null_fd);
    free(path);
    if (pid < 0) {
        close(output[0]); close(report[0]); close(go[1]);
        fail(r, "could not start the sandbox: %s", strerror(errno));
        return -1;
    }
    if (plan.in_user_ns && write_id_maps(pid, plan.drop_to_nobody) != 0) {
        snprintf(r->error, sizeof r->error, "could not write the sandbox's id maps: %s", strerror(errno));
        kill(pid, SIGKILL);
        waitpid(pid, NULL, 0);
        close(output[0]); close(report[0]); close(go[1]);
        r->outcome = LBSB_FAILED;
        return -1;
    }
    if (plan.in_user_ns) (void)!write(go[1], "g", 1);
    close(go[1]);

    /* The report pipe closes at execve; anything on it is why the program did not start. */
    char why[160];
    ssize_t why_len;
    do { why_len = read(report[0], why, sizeof why - 1); } while (why_len < 0 && errno == EINTR);
    close(report[0]);
    if (why_len > 0) {
        why[why_len] = 0;
        waitpid(pid, NULL, 0);
        close(output[0]);
        fail(r, "the sandbox could not start the program (%s)", why);
        return -1;
    }

    int64_t cap = config->output_bytes > 0 ? config->output_bytes : 65536;
    capture out = { 0 };
    out.head_cap = (size_t)(cap / 2);
    out.tail_cap = (size_t)(cap - cap / 2);
    out.head = malloc(out.head_cap + 1);
    out.tail = malloc(out.tail_cap + 1);

    int pidfd = (int)syscall(SYS_pidfd_open, pid, 0);
    int output_open = 1, exited = 0, killed_by_us = 0;
    int status = 0;
    struct rusage usage;
    memset(&usage, 0, sizeof usage);
    int64_t deadline = config->wall_ms > 0 ? started + config->wall_ms : INT64_MAX;
    char buffer[65536];

    while (output_open || !exited) {
        if (!exited && !killed_by_us) {
            int cancelled = config->cancelled && config->cancelled(config->cancel_context);
            if (cancelled || now_ms() >= deadline) {
                r->outcome = cancelled ? LBSB_CANCELLED : LBSB_TIMED_OUT;
                killed_by_us = 1;
                kill(pid, SIGKILL); /* the PID namespace's init: every process in it dies */
                kill(-pid, SIGKILL);
            }
        }
        struct pollfd fds[2];
        int n = 0;
        if (output_open) { fds[n].fd = output[0]; fds[n].events = POLLIN; fds[n].revents = 0; n++; }
        if (!exited && pidfd >= 0) { fds[n].fd = pidfd; fds[n].events = POLLIN; fds[n].revents = 0; n++; }
        int64_t wait = 50;
        if (!killed_by_us && deadline - now_ms() < wait) wait = deadline - now_ms() < 0 ? 0 : deadline - now_ms();
        if (n > 0) poll(fds, (nfds_t)n, (int)wait);
        else usleep(10000);

        if (output_open && (fds[0].revents & (POLLIN | POLLHUP | POLLERR))) {
            ssize_t got = read(output[0], buffer, sizeof buffer);
            if (got > 0) capture_add(&out, buffer, (size_t)got);
            else if (got == 0) output_open = 0;
            else if (errno != EINTR && errno != EAGAIN) output_open = 0;
            if (got > 0) continue; /* drain before looking at the clock again */
        }
        if (!exited) {
            pid_t done = wait4(pid, &status, WNOHANG, &usage);
            if (done == pid) {
                exited = 1;
                /* Without a PID namespace, whatever the program left behind goes with it. */
                if (!(r->isolation & LBSB_ISOLATION_PID)) kill(-pid, SIGKILL);
                if (output_open) {
                    /* Whatever still holds the pipe is being killed; read what remains without blocking. */
                    int flags = fcntl(output[0], F_GETFL);
                    fcntl(output[0], F_SETFL, flags | O_NONBLOCK);
                    int64_t drain_until = now_ms() + 200;
                    while (now_ms() < drain_until) {
                        ssize_t got = read(output[0], buffer, sizeof buffer);
                        if (got > 0) { capture_add(&out, buffer, (size_t)got); continue; }
                        if (got == 0) break;
                        if (errno == EAGAIN) { struct pollfd p = { output[0], POLLIN, 0 }; poll(&p, 1, 20); continue; }
                        if (errno != EINTR) break;
                    }
                    output_open = 0;
                }
            }
        }
    }
    if (pidfd >= 0) close(pidfd);
    close(output[0]);

    r->wall_ms = now_ms() - started;
    r->cpu_us = (int64_t)usage.ru_utime.tv_sec * 1000000 + usage.ru_utime.tv_usec
              + (int64_t)usage.ru_stime.tv_sec * 1000000 + usage.ru_stime.tv_usec;
    if (!killed_by_us) {
        if (WIFEXITED(status)) { r->outcome = LBSB_EXITED; r->exit_code = WEXITSTATUS(status); }
        else if (WIFSIGNALED(status)) { r->outcome = LBSB_SIGNALED; r->term_signal = WTERMSIG(status); }
    } else if (WIFSIGNALED(status)) {
        r->term_signal = WTERMSIG(status);
    }
    r->output = capture_text(&out, &r->output_length);
    r->output_total_bytes = out.total;
    free(out.head);
    free(out.tail);
    return 0;
}

void lbsb_result_free(lbsb_result *result) {
    free(result->output);
    result->output = NULL;
    result->output_length = 0;
}

/* ---- Removing a workspace the program may have made awkward ---- */

static int remove_entries(int dir_fd) {
    fchmod(dir_fd, 0700);
    int list_fd = dup(dir_fd);
    if (list_fd < 0) return -1;
    DIR *dir = fdopendir(list_fd);
    if (!dir) { close(list_fd); return -1; }
    int result = 0;
    struct dirent *entry;
    while ((entry = readdir(dir)) != NULL) {
        const char *name = entry->d_name;
        if (strcmp(name, ".") == 0 || strcmp(name, "..") == 0) continue;
        struct stat info;
        if (fstatat(dir_fd, name, &info, AT_SYMLINK_NOFOLLOW) != 0) { result = -1; continue; }
        if (S_ISDIR(info.st_mode)) {
            int child = openat(dir_fd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
            if (child < 0 && errno == EACCES) {
                fchmodat(dir_fd, name, 0700, 0);
                child = openat(dir_fd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
            }
            if (child < 0) { result = -1; continue; }
            if (remove_entries(child) != 0) result = -1;
            close(child);
            if (unlinkat(dir_fd, name, AT_REMOVEDIR) != 0) result = -1;
        } else if (unlinkat(dir_fd, name, 0) != 0) {
            result = -1;
        }
    }
    closedir(dir);
    return result;
}

int lbsb_remove_tree(const char *path) {
    int fd = open(path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    if (fd < 0) return -1;
    int result = remove_entries(fd);
    close(fd);
    if (rmdir(path) != 0) result = -1;
    return result;
}
