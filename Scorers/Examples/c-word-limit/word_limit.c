/*
 * c-word-limit: a template for a scorer plugin in plain C, built against llmbench_plugin.h alone.
 *
 *   cc -shared -fPIC -I ../../../Sources/CLLMBenchPluginABI/include -o libc_word_limit.so word_limit.c
 *
 * It scores how well an answer keeps to a word limit: 1 when the output has at most `max_words`
 * words (an option, default 50), else max_words / words. It shows what every scorer does: check
 * its options once in `create` (refusing bad ones with a message), read the score request in
 * `score` (reentrant, called from many threads at once), and answer with one RESULT event, or one
 * ERROR event and the same status. It reads the two JSON values it needs by hand, which is enough
 * for a template; a real plugin would use a JSON library.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "llmbench_plugin.h"

typedef struct word_limit {
    const llmbench_host *host;
    long max_words;
} word_limit;

/* The text after the first `"key":` (spaces allowed after the colon), or NULL. */
static const char *value_of(const char *json, size_t len, const char *key) {
    char pattern[64];
    int plen = snprintf(pattern, sizeof pattern, "\"%s\":", key);
    for (size_t i = 0; i + (size_t)plen <= len; i++) {
        if (memcmp(json + i, pattern, (size_t)plen) != 0) continue;
        const char *p = json + i + plen;
        while (p < json + len && *p == ' ') p++;
        return p;
    }
    return NULL;
}

/* Words of the JSON string starting at `p` (at its opening quote): runs of characters other than
   spaces and the escapes \n, \t, \r. -1 when `p` is not a string. */
static long count_words(const char *p, const char *end) {
    if (p == NULL || p >= end || *p != '"') return -1;
    long words = 0;
    int in_word = 0;
    for (p++; p < end && *p != '"'; p++) {
        int space = isspace((unsigned char)*p);
        if (*p == '\\' && p + 1 < end) {
            p++;
            space = (*p == 'n' || *p == 't' || *p == 'r');
        }
        if (!space && !in_word) words++;
        in_word = !space;
    }
    return words;
}

/* A message for *error_out, allocated as the ABI asks (the engine frees it with host->free). */
static char *host_copy(const llmbench_host *host, const char *text) {
    char *copy = host->alloc(host->context, strlen(text) + 1);
    if (copy) strcpy(copy, text);
    return copy;
}

static void emit(const llmbench_call *call, int32_t kind, int32_t code, const char *data, size_t len) {
    llmbench_event event = {0};
    event.abi_major = LLMBENCH_ABI_MAJOR;
    event.abi_minor = LLMBENCH_ABI_MINOR;
    event.struct_size = sizeof event;
    event.kind = kind;
    event.error_code = code;
    event.data = data;
    event.data_len = len;
    event.retry_after_ms = -1;
    call->emit(call->host_call, &event);
}

/* The config is the scorer's `options` from the suite, e.g. {"max_words": 10}. */
static int32_t word_limit_create(const llmbench_host *host, const char *config, size_t config_len, void **instance_out,
                                 char **error_out) {
    /* Uses only fields every host has had since ABI 1.0 (a field past a table's struct_size is absent). */
    if (host == NULL || host->struct_size < LLMBENCH_HOST_SIZE_1_0) return LLMBENCH_ERR_INVALID_REQUEST;
    long max_words = 50;
    const char *raw = value_of(config, config_len, "max_words");
    if (raw != NULL) {
        char *end = NULL;
        max_words = strtol(raw, &end, 10);
        if (end == raw || max_words < 1 || (end < config + config_len && *end == '.')) {
            *error_out = host_copy(host, "c-word-limit option 'max_words' must be a whole number >= 1");
            return LLMBENCH_ERR_INVALID_REQUEST;
        }
    }
    word_limit *instance = calloc(1, sizeof *instance);
    if (instance == NULL) return LLMBENCH_ERR_INTERNAL;
    instance->host = host;
    instance->max_words = max_words;
    *instance_out = instance;
    return LLMBENCH_OK;
}

static void word_limit_destroy(void *instance) { free(instance); }

/* Reentrant: the instance is only read, everything else is on this thread's stack. The request is
   {"output", "expected": [..], "options", "test", ...}; `options` equal the config given to create. */
static int32_t word_limit_score(void *instance, const llmbench_call *call) {
    const word_limit *limit = instance;
    const char *end = call->request_json + call->request_len;
    long words = count_words(value_of(call->request_json, call->request_len, "output"), end);
    if (words < 0) {
        const char *message = "c-word-limit: the request has no \"output\" string";
        emit(call, LLMBENCH_EVENT_ERROR, LLMBENCH_ERR_INVALID_REQUEST, message, strlen(message));
        return LLMBENCH_ERR_INVALID_REQUEST;
    }
    double value = words <= limit->max_words ? 1.0 : (double)limit->max_words / (double)words;
    char result[256];
    int len = snprintf(result, sizeof result,
                       "{\"value\":%.6f,\"explanation\":\"%ld of at most %ld words\",\"details\":{\"words\":%ld,\"max_words\":%ld}}",
                       value, words, limit->max_words, words, limit->max_words);
    emit(call, LLMBENCH_EVENT_RESULT, 0, result, (size_t)len);
    return LLMBENCH_OK;
}

static const llmbench_plugin word_limit_plugin = {
    .abi_major = LLMBENCH_ABI_MAJOR,
    .abi_minor = LLMBENCH_ABI_MINOR,
    .struct_size = sizeof(llmbench_plugin),
    .kind = LLMBENCH_KIND_SCORER,
    .id = "c-word-limit",
    .display_name = "Word limit (C template)",
    .version = "1.0.0",
    .capabilities = 0,  /* LLMBENCH_CAP_SLOW if score may block for seconds */
    .create = word_limit_create,
    .destroy = word_limit_destroy,
    .complete = NULL,   /* providers only */
    .embed = NULL,      /* providers only */
    .score = word_limit_score,
    .aggregate = NULL,  /* ABI 1.2: a figure for a group of results, when a mean of scores is not it */
};

LLMBENCH_EXPORT const llmbench_plugin *llmbench_plugin_entry(void) { return &word_limit_plugin; }
