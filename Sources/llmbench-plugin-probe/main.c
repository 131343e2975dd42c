/*
 * llmbench-plugin-probe LIBRARY
 *
 * Loads LIBRARY the way llmbench does (dlopen RTLD_NOW | RTLD_LOCAL) and calls its entry function,
 * in a process of its own, so that a library whose constructors or entry crash, hang or call exit()
 * is found out before llmbench loads it into itself (Docs/security.md, "Plugins").
 *
 * It reports what it saw, one line, then "llmbench-probe: returned", and ends at once with
 * _exit(0), running no destructor of the library:
 *   llmbench-probe: not-loadable DLERROR
 *   llmbench-probe: no-entry
 *   llmbench-probe: null-table
 *   llmbench-probe: table ABI_MAJOR ABI_MINOR STRUCT_SIZE [KIND HAS_ID HAS_CREATE HAS_DESTROY HAS_COMPLETE HAS_SCORE]
 * The bracketed part only when the major is this header's and the table is at least ABI 1.0's
 * size, as llmbench reads it. llmbench judges these facts (PluginTableFacts.check), so a wrong
 * library is refused without ever being loaded into llmbench. Anything but that report followed by
 * exit status 0 means loading the library is not safe.
 */
#include <dlfcn.h>
#include <signal.h>
#include <stdio.h>
#include <unistd.h>
#include "llmbench_plugin.h"

int main(int argc, char **argv) {
    if (argc != 2) {
        fprintf(stderr, "usage: llmbench-plugin-probe LIBRARY\n");
        return 2;
    }
    /* SwiftPM links every executable with the Swift runtime, whose crash backtracer catches these
     * signals; a library that raise()s one would then carry on as if nothing happened. The default
     * action is what a crash must do here: end the probe, so the parent sees the signal. */
    const int fatal[] = {SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGABRT, SIGTRAP, SIGSYS};
    for (size_t i = 0; i < sizeof fatal / sizeof fatal[0]; i++) signal(fatal[i], SIG_DFL);
    void *handle = dlopen(argv[1], RTLD_NOW | RTLD_LOCAL);
    if (!handle) {
        const char *error = dlerror();
        printf("llmbench-probe: not-loadable ");
        for (const char *c = error ? error : "unknown dlopen error"; *c; c++) putchar(*c == '\n' || *c == '\r' ? ' ' : *c);
        putchar('\n');
    } else {
        void *symbol = dlsym(handle, LLMBENCH_PLUGIN_ENTRY_SYMBOL);
        if (!symbol) {
            printf("llmbench-probe: no-entry\n");
        } else {
            llmbench_plugin_entry_fn entry;
            *(void **)&entry = symbol;
            const llmbench_plugin *table = entry();
            if (!table) {
                printf("llmbench-probe: null-table\n");
            } else {
                printf("llmbench-probe: table %u %u %u", table->abi_major, table->abi_minor, table->struct_size);
                if (table->abi_major == LLMBENCH_ABI_MAJOR && table->struct_size >= LLMBENCH_PLUGIN_SIZE_1_0) {
                    printf(" %d %d %d %d %d %d", table->kind, table->id != NULL && table->id[0] != 0, table->create != NULL,
                           table->destroy != NULL, table->complete != NULL, table->score != NULL);
                }
                putchar('\n');
            }
        }
    }
    fflush(stdout);
    static const char line[] = "llmbench-probe: returned\n";
    if (write(STDOUT_FILENO, line, sizeof line - 1) != (ssize_t)(sizeof line - 1)) _exit(3);
    _exit(0);
}
