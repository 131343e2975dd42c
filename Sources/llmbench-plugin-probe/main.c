/*
 * llmbench-plugin-probe LIBRARY
 *
 * Loads LIBRARY the way llmbench does (dlopen RTLD_NOW | RTLD_LOCAL) and calls its entry function,
 * in a process of its own, so that a library whose constructors or entry crash, hang or call exit()
 * is found out before llmbench loads it into itself (Docs/security.md, "Plugins").
 *
 * It prints exactly one line, "llmbench-probe: returned", once loading and the entry call are
 * over, and ends at once with _exit(0), running no destructor of the library. Everything else
 * (a library dlopen refuses, no entry symbol, a NULL table, the ABI checks) is harmless here and is
 * judged by llmbench itself, which gives those refusals their reasons. Anything but that line
 * followed by exit status 0 means loading the library is not safe: llmbench refuses it.
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
    if (handle) {
        void *symbol = dlsym(handle, LLMBENCH_PLUGIN_ENTRY_SYMBOL);
        if (symbol) {
            llmbench_plugin_entry_fn entry;
            *(void **)&entry = symbol;
            (void)entry();
        }
    }
    static const char line[] = "llmbench-probe: returned\n";
    if (write(STDOUT_FILENO, line, sizeof line - 1) != (ssize_t)(sizeof line - 1)) _exit(3);
    _exit(0);
}
