/*
 * c-echo: a provider plugin in plain C, built against llmbench_plugin.h alone.
 *
 *   cc -shared -fPIC -I ../../../Sources/CLLMBenchPluginABI/include -o libc_echo.so c_echo.c
 *
 * It answers with the last "content" string of the request (the user's prompt), optionally
 * prefixed by the config option "prefix", in word-sized deltas, then reports usage and finishes.
 * It parses only the few JSON strings it needs, which is enough for an example; a real plugin
 * would use a JSON library.
 */
#include <stdlib.h>
#include <string.h>
#include <stdio.h>

#include "llmbench_plugin.h"

typedef struct echo_instance {
    const llmbench_host *host;
    char *prefix;
} echo_instance;

/* Finds the string value after the last occurrence of "key": in json, unescaping \" and \\ only.
   Returns a malloc'd copy or NULL. */
static char *last_string_value(const char *json, size_t len, const char *key) {
    char pattern[64];
    snprintf(pattern, sizeof pattern, "\"%s\":\"", key);
    size_t plen = strlen(pattern);
    const char *found = NULL;
    for (size_t i = 0; i + plen <= len; i++) {
        if (memcmp(json + i, pattern, plen) == 0) found = json + i + plen;
    }
    if (!found) return NULL;
    char *out = malloc(len + 1);
    size_t n = 0;
    for (const char *p = found; p < json + len && *p != '"'; p++) {
        if (*p == '\\' && p + 1 < json + len) {
            p++;
            out[n++] = (*p == 'n') ? '\n' : *p;
        } else {
            out[n++] = *p;
        }
    }
    out[n] = '\0';
    return out;
}

static void emit(const llmbench_call *call, int32_t kind, const char *data, size_t len) {
    llmbench_event event = {0};
    event.abi_major = LLMBENCH_ABI_MAJOR;
    event.abi_minor = LLMBENCH_ABI_MINOR;
    event.struct_size = sizeof event;
    event.kind = kind;
    event.data = data;
    event.data_len = len;
    event.retry_after_ms = -1;
    call->emit(call->host_call, &event);
}

static int32_t echo_create(const llmbench_host *host, const char *config, size_t config_len, void **instance_out,
                           char **error_out) {
    /* Uses only fields that every host has had since ABI 1.0; a newer field would need
       host->struct_size to reach past it (a field past a table's struct_size is absent). */
    if (host == NULL || host->struct_size < LLMBENCH_HOST_SIZE_1_0) {
        return LLMBENCH_ERR_INVALID_REQUEST;
    }
    echo_instance *instance = calloc(1, sizeof *instance);
    instance->host = host;
    instance->prefix = last_string_value(config, config_len, "prefix");
    if (instance->prefix && strlen(instance->prefix) > 256) {
        const char *message = "c-echo option 'prefix' must be at most 256 bytes";
        char *copy = host->alloc(host->context, strlen(message) + 1);
        strcpy(copy, message);
        *error_out = copy;
        free(instance->prefix);
        free(instance);
        return LLMBENCH_ERR_INVALID_REQUEST;
    }
    *instance_out = instance;
    return LLMBENCH_OK;
}

static void echo_destroy(void *instance) {
    echo_instance *echo = instance;
    free(echo->prefix);
    free(echo);
}

/* Reentrant: all state is on the stack of the calling thread. */
static int32_t echo_complete(void *instance, const llmbench_call *call) {
    echo_instance *echo = instance;
    char *prompt = last_string_value(call->request_json, call->request_len, "content");
    if (prompt == NULL) {
        const char *message = "request has no message content";
        llmbench_event event = {LLMBENCH_ABI_MAJOR, LLMBENCH_ABI_MINOR, sizeof event, LLMBENCH_EVENT_ERROR,
                                message, strlen(message), LLMBENCH_ERR_INVALID_REQUEST, 0, -1};
        call->emit(call->host_call, &event);
        return LLMBENCH_ERR_INVALID_REQUEST;
    }
    if (echo->prefix) emit(call, LLMBENCH_EVENT_TEXT_DELTA, echo->prefix, strlen(echo->prefix));
    int words = 0;
    size_t start = 0, n = strlen(prompt);
    for (size_t i = 0; i <= n; i++) {
        if (i == n || (prompt[i] == ' ' && i > start)) {
            if (echo->host->is_cancelled(echo->host->context, call->host_call)) {
                free(prompt);
                return LLMBENCH_ERR_CANCELLED;
            }
            if (i > start) {
                emit(call, LLMBENCH_EVENT_TEXT_DELTA, prompt + start, i - start);
                words++;
            }
            start = i;
        }
    }
    char usage[96];
    int usage_len = snprintf(usage, sizeof usage, "{\"input_tokens\":%d,\"output_tokens\":%d}", words, words);
    emit(call, LLMBENCH_EVENT_USAGE, usage, (size_t)usage_len);
    emit(call, LLMBENCH_EVENT_FINISH, "stop", 4);
    free(prompt);
    return LLMBENCH_OK;
}

static const llmbench_plugin echo_plugin = {
    .abi_major = LLMBENCH_ABI_MAJOR,
    .abi_minor = LLMBENCH_ABI_MINOR,
    .struct_size = sizeof(llmbench_plugin),
    .kind = LLMBENCH_KIND_PROVIDER,
    .id = "c-echo",
    .display_name = "Echo (C example)",
    .version = "1.0.0",
    .capabilities = LLMBENCH_CAP_STREAMING,
    .create = echo_create,
    .destroy = echo_destroy,
    .complete = echo_complete,
    .embed = NULL,     /* no LLMBENCH_CAP_EMBEDDINGS */
    .score = NULL,     /* scorers only */
    .aggregate = NULL, /* ABI 1.2, scorers only: a figure for a group of results (Docs/plugin-abi.md) */
};

LLMBENCH_EXPORT const llmbench_plugin *llmbench_plugin_entry(void) { return &echo_plugin; }
