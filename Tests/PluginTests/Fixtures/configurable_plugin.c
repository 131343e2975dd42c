#define _GNU_SOURCE
/*
 * A plugin whose table is shaped by -D flags, so tests can build each way a plugin can be wrong:
 *   -DABI_MAJOR_VALUE=2       another ABI major
 *   -DSTRUCT_SIZE_VALUE=16    a table too small for ABI 1.0; LLMBENCH_PLUGIN_SIZE_1_0 an ABI 1.0 or 1.1 table
 *   -DABI_MINOR_VALUE=1       the minor version the table claims (default 0)
 *   -DWITH_AGGREGATE          a scorer with `aggregate` (ABI 1.2) that answers 0.75 and echoes the request
 *                             in its details; set even when STRUCT_SIZE_VALUE ends the table before it,
 *                             which the engine must then read as absent
 *   -DKIND_VALUE=7            an unknown kind
 *   -DPLUGIN_ID_VALUE='"x"'   another id (e.g. one already taken)
 *   -DNO_ENTRY                no entry symbol at all
 *   -DCRASH_IN_ENTRY, -DRAISE_IN_ENTRY, -DABORT_IN_ENTRY, -DHANG_IN_ENTRY, -DEXIT_IN_ENTRY
 *                             an entry function that dereferences NULL, raises SIGSEGV, aborts,
 *                             never returns, or calls exit(0)
 *   -DEXIT_IN_CONSTRUCTOR     a library constructor that calls exit(0) when the library is loaded
 *   -DEXIT_IN_SCORE           a valid plugin whose score calls exit(0)
 *   -DMARK_LOAD_TO='"/path"'  a constructor that appends the loading process's pid to that file
 *   -DBLOCK_UNTIL_FILE='"/path"'  a slow scorer (LLMBENCH_CAP_SLOW) whose score waits until that file exists
 *   -DJUDGE_PROVIDER='"id"'  a scorer that asks that suite provider (ABI 1.2 provider_call, kind COMPLETE)
 *                             and scores 1 when the judge's text contains "Paris", else 0
 *   -DLOG_IN_SCORE            a valid scorer that logs each score request (a warning) and whether
 *                             its run is cancelled, through host->log and host->is_cancelled(ctx, NULL)
 * Without flags it is a valid scorer that gives 0.5 for any answer.
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "llmbench_plugin.h"

#ifdef MARK_LOAD_TO
__attribute__((constructor)) static void fixture_mark(void) {
    FILE *file = fopen(MARK_LOAD_TO, "a");
    if (file) {
        fprintf(file, "%d\n", (int)getpid());
        fclose(file);
    }
}
#endif

#ifdef EXIT_IN_CONSTRUCTOR
__attribute__((constructor)) static void fixture_constructor(void) { exit(0); }
#endif

#ifndef ABI_MAJOR_VALUE
#define ABI_MAJOR_VALUE LLMBENCH_ABI_MAJOR
#endif
#ifndef ABI_MINOR_VALUE
#define ABI_MINOR_VALUE 0
#endif
#ifndef STRUCT_SIZE_VALUE
#define STRUCT_SIZE_VALUE sizeof(llmbench_plugin)
#endif
#ifndef KIND_VALUE
#define KIND_VALUE LLMBENCH_KIND_SCORER
#endif
#ifndef PLUGIN_ID_VALUE
#define PLUGIN_ID_VALUE "fixture"
#endif

static const llmbench_host *fixture_host;

static int32_t fixture_create(const llmbench_host *host, const char *config, size_t len, void **out, char **error) {
    (void)config; (void)len; (void)error;
    fixture_host = host;
    *out = (void *)1;
    return LLMBENCH_OK;
}

static void fixture_destroy(void *instance) { (void)instance; }

static int32_t fixture_score(void *instance, const llmbench_call *call) {
    (void)instance;
#ifdef EXIT_IN_SCORE
    exit(0);
#endif
#ifdef BLOCK_UNTIL_FILE
    while (access(BLOCK_UNTIL_FILE, F_OK) != 0) usleep(1000);
#endif
#ifdef JUDGE_PROVIDER
    {
        if (fixture_host->struct_size < LLMBENCH_HOST_SIZE_1_2 || !fixture_host->provider_call) return LLMBENCH_ERR_INTERNAL;
        const char *ask = "{\"messages\":[{\"role\":\"user\",\"content\":\"What is the capital of France?\"}]}";
        char *answer = NULL, *problem = NULL;
        size_t answer_len = 0;
        int32_t status = fixture_host->provider_call(fixture_host->context, call->host_call, JUDGE_PROVIDER, strlen(JUDGE_PROVIDER),
                                                     LLMBENCH_PROVIDER_COMPLETE, ask, strlen(ask), &answer, &answer_len, &problem);
        if (status != LLMBENCH_OK) {
            llmbench_event error = {LLMBENCH_ABI_MAJOR, LLMBENCH_ABI_MINOR, sizeof error, LLMBENCH_EVENT_ERROR,
                                    problem ? problem : "", problem ? strlen(problem) : 0, status, 0, -1};
            call->emit(call->host_call, &error);
            fixture_host->free(fixture_host->context, problem);
            return status;
        }
        int right = memmem(answer, answer_len, "Paris", 5) != NULL;
        fixture_host->free(fixture_host->context, answer);
        const char *verdict = right ? "{\"value\":1,\"explanation\":\"the judge said Paris\"}" : "{\"value\":0,\"explanation\":\"the judge did not say Paris\"}";
        llmbench_event judged = {LLMBENCH_ABI_MAJOR, LLMBENCH_ABI_MINOR, sizeof judged, LLMBENCH_EVENT_RESULT, verdict, strlen(verdict), 0, 0, -1};
        call->emit(call->host_call, &judged);
        return LLMBENCH_OK;
    }
#endif
#ifdef LOG_IN_SCORE
    char line[4096];
    int cancelled = fixture_host->is_cancelled(fixture_host->context, NULL);
    int n = snprintf(line, sizeof line, "cancelled=%d request=%.*s", cancelled, (int)(call->request_len < 3000 ? call->request_len : 3000),
                     call->request_json);
    fixture_host->log(fixture_host->context, 2, line, (size_t)(n < (int)sizeof line ? n : (int)sizeof line - 1));
#endif
    const char *result = "{\"value\":0.5,\"explanation\":\"fixture\"}";
    llmbench_event event = {LLMBENCH_ABI_MAJOR, LLMBENCH_ABI_MINOR, sizeof event, LLMBENCH_EVENT_RESULT,
                            result, strlen(result), 0, 0, -1};
    call->emit(call->host_call, &event);
    return LLMBENCH_OK;
}

#ifdef WITH_AGGREGATE
static int32_t fixture_aggregate(void *instance, const llmbench_call *call) {
    (void)instance;
    static const char head[] = "{\"value\":0.75,\"explanation\":\"aggregate\",\"details\":{\"request\":";
    size_t len = sizeof head - 1 + call->request_len + 2;
    char *result = malloc(len);
    memcpy(result, head, sizeof head - 1);
    memcpy(result + sizeof head - 1, call->request_json, call->request_len);
    memcpy(result + len - 2, "}}", 2);
    llmbench_event event = {LLMBENCH_ABI_MAJOR, LLMBENCH_ABI_MINOR, sizeof event, LLMBENCH_EVENT_RESULT, result, len, 0, 0, -1};
    call->emit(call->host_call, &event);
    free(result);
    return LLMBENCH_OK;
}
#endif

static const llmbench_plugin fixture_plugin = {
    .abi_major = ABI_MAJOR_VALUE,
    .abi_minor = ABI_MINOR_VALUE,
    .struct_size = STRUCT_SIZE_VALUE,
    .kind = KIND_VALUE,
    .id = PLUGIN_ID_VALUE,
    .display_name = "Fixture",
    .version = "0.0.1",
#ifdef BLOCK_UNTIL_FILE
    .capabilities = LLMBENCH_CAP_SLOW,
#else
    .capabilities = 0,
#endif
    .create = fixture_create,
    .destroy = fixture_destroy,
    .score = fixture_score,
#ifdef WITH_AGGREGATE
    .aggregate = fixture_aggregate,
#endif
};

#ifndef NO_ENTRY
LLMBENCH_EXPORT const llmbench_plugin *llmbench_plugin_entry(void) {
#if defined(CRASH_IN_ENTRY)
    *(volatile int *)0 = 1;
#elif defined(RAISE_IN_ENTRY)
    raise(SIGSEGV);
#elif defined(ABORT_IN_ENTRY)
    abort();
#elif defined(HANG_IN_ENTRY)
    for (;;) pause();
#elif defined(EXIT_IN_ENTRY)
    exit(0);
#endif
    return &fixture_plugin;
}
#else
LLMBENCH_EXPORT const llmbench_plugin *some_other_symbol(void) { return &fixture_plugin; }
#endif
