/*
 * llmbench_plugin.h — the only thing the LLMBench engine and its plugins share.
 *
 * A plugin is a shared library exporting one C function, `llmbench_plugin_entry`, that returns a
 * pointer to a static `llmbench_plugin` table. Every struct in this header starts with
 * `abi_major`, `abi_minor`, `struct_size`; fields are only ever appended, so a reader checks
 * `struct_size` before touching a field added in a later minor version.
 *
 * Rules that hold everywhere:
 *  - Strings are UTF-8, passed as pointer + length; they are NOT NUL-terminated unless stated.
 *  - A pointer handed to a callee is borrowed: valid only until that call returns. Copy to keep.
 *  - Requests, results and details cross the boundary as JSON text (see Docs/plugin-abi.md).
 *  - No C++ or Swift type crosses. Plugins never unload; the engine never calls dlclose.
 *
 * See Docs/plugin-abi.md for the JSON shapes and a walk-through.
 */
#ifndef LLMBENCH_PLUGIN_H
#define LLMBENCH_PLUGIN_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define LLMBENCH_ABI_MAJOR 1
#define LLMBENCH_ABI_MINOR 2

/*
 * Each struct's size in the minor version that introduced it, and in each minor version that
 * appended to it (64-bit targets; abi_layout.c pins them). They never change: a reader accepts
 * any struct at least as large as its first size and treats a field that ends past the writer's
 * struct_size as absent (NULL, 0). `sizeof` is today's size, which grows with every appended field.
 */
#define LLMBENCH_PLUGIN_SIZE_1_0 88        /* llmbench_plugin, through `score`; unchanged in 1.1 */
#define LLMBENCH_PLUGIN_SIZE_1_2 96        /* ... through `aggregate` */
#define LLMBENCH_HOST_SIZE_1_0 64          /* llmbench_host; 1.0 reserved `http`, which 1.1 fills */
#define LLMBENCH_HOST_SIZE_1_2 72          /* ... through `provider_call` */
#define LLMBENCH_CALL_SIZE_1_0 48          /* llmbench_call */
#define LLMBENCH_EVENT_SIZE_1_0 48         /* llmbench_event */
#define LLMBENCH_HTTP_REQUEST_SIZE_1_1 64  /* the HTTP service's structs, new in 1.1 */
#define LLMBENCH_HTTP_RESPONSE_SIZE_1_1 40
#define LLMBENCH_HTTP_HANDLER_SIZE_1_1 40
#define LLMBENCH_HTTP_SERVICE_SIZE_1_1 24
#define LLMBENCH_HTTP_HEADER_SIZE 32       /* an array element, so it has no struct_size and never grows */

/* The one exported symbol's name. */
#define LLMBENCH_PLUGIN_ENTRY_SYMBOL "llmbench_plugin_entry"

#if defined(_WIN32)
#define LLMBENCH_EXPORT __declspec(dllexport)
#else
#define LLMBENCH_EXPORT __attribute__((visibility("default")))
#endif

/* ---- Status and error codes (DESIGN.md "Failures are codes with a message") ---------------- */
typedef enum llmbench_status {
    LLMBENCH_OK = 0,
    LLMBENCH_ERR_INVALID_REQUEST = 1,  /* the request (or plugin config) is wrong; not retried */
    LLMBENCH_ERR_AUTH = 2,             /* missing or rejected credentials */
    LLMBENCH_ERR_NOT_FOUND = 3,        /* unknown model or endpoint */
    LLMBENCH_ERR_RATE_LIMITED = 4,     /* retry after `retry_after_ms` if >= 0 */
    LLMBENCH_ERR_TIMEOUT = 5,
    LLMBENCH_ERR_SERVER = 6,           /* the provider failed (5xx) */
    LLMBENCH_ERR_NETWORK = 7,          /* connection refused, reset, DNS ... */
    LLMBENCH_ERR_MALFORMED_RESPONSE = 8,
    LLMBENCH_ERR_CONTENT_FILTER = 9,
    LLMBENCH_ERR_CANCELLED = 10,       /* the host asked to stop */
    LLMBENCH_ERR_INTERNAL = 11         /* a bug or unexpected state inside the plugin */
} llmbench_status;

typedef enum llmbench_plugin_kind {
    LLMBENCH_KIND_PROVIDER = 1,
    LLMBENCH_KIND_SCORER = 2
} llmbench_plugin_kind;

/* Capability bits in llmbench_plugin.capabilities. */
#define LLMBENCH_CAP_STREAMING  (1ull << 0) /* provider: emits deltas as they arrive */
#define LLMBENCH_CAP_EMBEDDINGS (1ull << 1) /* provider: `embed` is non-NULL */
#define LLMBENCH_CAP_SIMULATED  (1ull << 2) /* provider: answers are simulated (reports say so) */
#define LLMBENCH_CAP_NETWORK    (1ull << 3) /* provider: talks to a remote API through host->http */
#define LLMBENCH_CAP_SLOW       (1ull << 4) /* scorer (ABI 1.2): `score` may block for seconds (runs programs,
                                               calls providers): the engine calls it off the request
                                               workers, under the scorer's deadline */

typedef enum llmbench_log_level {
    LLMBENCH_LOG_DEBUG = 0,
    LLMBENCH_LOG_INFO = 1,
    LLMBENCH_LOG_WARNING = 2,
    LLMBENCH_LOG_ERROR = 3
} llmbench_log_level;

/* ---- Events: everything a call produces travels as events -------------------------------- */
typedef enum llmbench_event_kind {
    LLMBENCH_EVENT_TEXT_DELTA = 1,      /* data: visible text appended to the answer */
    LLMBENCH_EVENT_REASONING_DELTA = 2, /* data: reasoning/thinking text (not part of the answer) */
    LLMBENCH_EVENT_USAGE = 3,           /* data: JSON usage object, see Docs/plugin-abi.md */
    LLMBENCH_EVENT_FINISH = 4,          /* data: finish reason ("stop", "length", ...) */
    LLMBENCH_EVENT_ERROR = 5,           /* error_code, data: message, http_status, retry_after_ms */
    LLMBENCH_EVENT_RESULT = 6           /* data: JSON result of score/embed calls */
} llmbench_event_kind;

typedef struct llmbench_event {
    uint32_t abi_major;
    uint32_t abi_minor;
    uint32_t struct_size;      /* sizeof(llmbench_event) as the emitter compiled it */
    int32_t kind;              /* llmbench_event_kind */
    const char *data;          /* borrowed for the duration of emit(); may be NULL when data_len == 0 */
    size_t data_len;
    int32_t error_code;        /* llmbench_status, for LLMBENCH_EVENT_ERROR; else 0 */
    int32_t http_status;       /* the HTTP status behind an error, 0 if none */
    int64_t retry_after_ms;    /* for rate limits: how long the provider asked to wait; -1 if not said
                                  (the engine then reads the response's Retry-After; a value >= 0 wins) */
} llmbench_event;

/*
 * One call (a completion, a score, an embedding). Built by the engine, borrowed by the plugin for
 * the duration of the call that receives it.
 */
typedef struct llmbench_call {
    uint32_t abi_major;
    uint32_t abi_minor;
    uint32_t struct_size;
    uint32_t reserved0;
    void *host_call;           /* opaque; pass back to emit() and host->is_cancelled() */
    const char *request_json;  /* borrowed; the request as JSON (Docs/plugin-abi.md) */
    size_t request_len;
    /*
     * Emit one event. Call it from the thread that received the call, or from any one thread at a
     * time if the plugin hands work elsewhere, never concurrently for the same call and never
     * after the call has returned. The engine copies what it needs and stamps the event with its
     * own monotonic clock. Returns 0 to go on, non-zero when the host wants the call to stop
     * (the plugin should then return LLMBENCH_ERR_CANCELLED promptly).
     */
    int32_t (*emit)(void *host_call, const llmbench_event *event);
} llmbench_call;

/* ---- The HTTP service (ABI 1.1; host->http is NULL in 1.0 hosts) ---------------------------- */
/*
 * The engine owns the network: connection reuse, HTTP/2, proxies (the usual environment
 * variables), TLS verification, timeouts and timing happen once, in the engine, on libcurl. A
 * provider plugin builds the request, reads the status and headers, and turns body bytes into
 * events. Retries are the engine's: the plugin only classifies the failure.
 */
typedef struct llmbench_http_header {
    const char *name;            /* borrowed; not NUL-terminated */
    size_t name_len;
    const char *value;
    size_t value_len;
} llmbench_http_header;

/* llmbench_http_request.flags */
#define LLMBENCH_HTTP_STREAM (1u << 0) /* a streamed body: the gap timeout applies, and TTFT is measured */

/*
 * Response sizes the engine enforces (Docs/http.md), so that no server can make a call hold
 * memory without bound. A body that is not streamed is handed over up to
 * LLMBENCH_HTTP_MAX_BODY_BYTES (a plugin buffers it whole to parse it), a streamed one up to
 * LLMBENCH_HTTP_MAX_STREAM_BYTES; past that the engine stops the transfer before the chunk that
 * crosses the limit reaches on_body, and perform returns LLMBENCH_ERR_MALFORMED_RESPONSE. The
 * answer a call emits (TEXT_DELTA and REASONING_DELTA together) is kept up to
 * LLMBENCH_MAX_ANSWER_BYTES: the engine keeps that much, cut on a UTF-8 character boundary, marks
 * the result truncated, fails the call as malformed_response and asks it to stop (emit returns
 * non-zero).
 */
#define LLMBENCH_HTTP_MAX_BODY_BYTES (32u << 20)
#define LLMBENCH_HTTP_MAX_STREAM_BYTES (256u << 20)
#define LLMBENCH_MAX_ANSWER_BYTES (16u << 20)

typedef struct llmbench_http_request {
    uint32_t abi_major;
    uint32_t abi_minor;
    uint32_t struct_size;
    uint32_t flags;              /* LLMBENCH_HTTP_* */
    const char *method;          /* NUL-terminated: "GET", "POST" */
    const char *url;             /* NUL-terminated, absolute */
    const llmbench_http_header *headers; /* borrowed; may hold the API key: the engine never logs header values */
    size_t header_count;
    const char *body;            /* borrowed; may be NULL when body_len == 0 */
    size_t body_len;
} llmbench_http_request;

typedef struct llmbench_http_response {
    uint32_t abi_major;
    uint32_t abi_minor;
    uint32_t struct_size;
    int32_t status;              /* 200, 429, ... */
    int32_t http_version;        /* 10, 11, 20 or 30 */
    uint32_t reserved0;
    const llmbench_http_header *headers; /* borrowed for the duration of on_response; names lower-cased */
    size_t header_count;
} llmbench_http_response;

typedef struct llmbench_http_handler {
    uint32_t abi_major;
    uint32_t abi_minor;
    uint32_t struct_size;
    uint32_t reserved0;
    void *context;               /* the plugin's; passed back to the callbacks */
    /* Status and headers are known. Called once per response, before any body byte. Return 0 to go on. */
    int32_t (*on_response)(void *context, const llmbench_http_response *response);
    /*
     * Body bytes as they arrive, in order (chunk boundaries are the network's, not the protocol's).
     * The engine stamped the chunk's arrival on its monotonic clock before this call, and events
     * emitted from inside it carry that stamp. Return 0 to go on, non-zero to abort the transfer.
     */
    int32_t (*on_body)(void *context, const char *data, size_t len);
} llmbench_http_handler;

typedef struct llmbench_http_service {
    uint32_t abi_major;
    uint32_t abi_minor;
    uint32_t struct_size;
    uint32_t reserved0;
    /*
     * Performs one request. Blocking; call it only from inside complete/embed, on the thread that
     * received the call, passing that call's host_call. The callbacks run on that same thread.
     * Returns LLMBENCH_OK when the response was received completely, whatever its HTTP status
     * (the plugin classifies statuses from on_response); else LLMBENCH_ERR_TIMEOUT,
     * LLMBENCH_ERR_NETWORK, LLMBENCH_ERR_MALFORMED_RESPONSE (the body passed its limit, above) or
     * LLMBENCH_ERR_CANCELLED, with the engine's own message recorded on the call — the plugin
     * should return that same code. If one of the plugin's own callbacks aborted the transfer,
     * returns LLMBENCH_ERR_CANCELLED with no message recorded: the plugin then emits its own ERROR
     * and returns its own classification (the problem it found), not CANCELLED. `error_out`, when
     * not NULL, receives a message allocated with host->alloc (the plugin frees it with
     * host->free), or NULL. `host_context` is the host table's `context`.
     */
    int32_t (*perform)(void *host_context, void *host_call, const llmbench_http_request *request,
                       const llmbench_http_handler *handler, char **error_out);
} llmbench_http_service;

/* ---- The provider service (ABI 1.2): a scorer calls a provider of the run's suite ---------- */
typedef enum llmbench_provider_call_kind {
    LLMBENCH_PROVIDER_EMBED = 1,    /* request {"inputs": [..]}; result {"embeddings": [[..]], "usage"?: {..}} */
    LLMBENCH_PROVIDER_COMPLETE = 2  /* request {"messages": [..], "options"?: {..}}; result {"text", "reasoning"?, "finish_reason"?, "usage"?} */
} llmbench_provider_call_kind;

/* ---- The host table, handed to every plugin instance ------------------------------------- */
typedef struct llmbench_host {
    uint32_t abi_major;
    uint32_t abi_minor;
    uint32_t struct_size;
    uint32_t reserved0;
    void *context;             /* opaque; pass back to the functions below */
    /* Log a message. Any thread. `message` is borrowed. Never pass secrets. */
    void (*log)(void *context, int32_t level, const char *message, size_t message_len);
    /* Memory that outlives a call and is freed by the other side. Any thread. */
    void *(*alloc)(void *context, size_t size);
    void (*free)(void *context, void *pointer);
    /* Non-zero once the host wants `host_call` (or the whole run, when host_call is NULL) to stop. Any thread. */
    int32_t (*is_cancelled)(void *context, void *host_call);
    /* The engine's HTTP service (ABI 1.1). NULL from a 1.0 host: check before use. */
    const llmbench_http_service *http;

    /* ---- ABI 1.2 (a host whose struct_size is LLMBENCH_HOST_SIZE_1_0 has none of these) ------ */
    /*
     * Calls a provider of the run's suite (`provider_id`, a suite provider id, possibly one marked
     * `under_test: false`) through its plugin instance, with the engine's transport and that
     * provider's retry policy and timeouts (Docs/plugin-abi.md "The provider service"). `kind` is a
     * llmbench_provider_call_kind; the engine sets the request's "model" to the provider's.
     * Blocking; call it only from inside `score` (or `aggregate`), on the thread that received the
     * call, passing that call's host_call. Everything passed in is borrowed. Returns LLMBENCH_OK and
     * sets *result_out / *result_len to the result JSON (allocated with host->alloc, not
     * NUL-terminated; the plugin frees it with host->free); or a non-OK status (the provider's last
     * error, or LLMBENCH_ERR_NOT_FOUND for an unknown provider id, or LLMBENCH_ERR_INVALID_REQUEST
     * outside a run) and, when `error_out` is not NULL, a NUL-terminated message allocated with
     * host->alloc (the plugin frees it), or NULL. NULL from a 1.0 or 1.1 host: check struct_size.
     */
    int32_t (*provider_call)(void *context, void *host_call, const char *provider_id, size_t provider_id_len,
                             int32_t kind, const char *request_json, size_t request_len,
                             char **result_out, size_t *result_len, char **error_out);
} llmbench_host;

/* ---- The plugin table, returned by llmbench_plugin_entry --------------------------------- */
typedef struct llmbench_plugin {
    uint32_t abi_major;          /* LLMBENCH_ABI_MAJOR the plugin was built with; must equal the engine's */
    uint32_t abi_minor;
    uint32_t struct_size;        /* sizeof(llmbench_plugin) as the plugin compiled it */
    int32_t kind;                /* llmbench_plugin_kind */
    const char *id;              /* NUL-terminated, static: "openai", "exact_match" ... */
    const char *display_name;    /* NUL-terminated, static */
    const char *version;         /* NUL-terminated, static: the plugin's own version */
    uint64_t capabilities;       /* LLMBENCH_CAP_* bits */

    /*
     * Make an instance from a JSON config (provider: Docs/plugin-abi.md "Provider config"; scorer:
     * its options). On failure return a non-OK status and write a message to *error_out (allocated
     * with host->alloc, NUL-terminated; the host frees it). Called from one thread at a time.
     * `host` outlives every instance.
     */
    int32_t (*create)(const llmbench_host *host, const char *config_json, size_t config_len,
                      void **instance_out, char **error_out);
    /* Release an instance. Called once per successful create, after all its calls returned. */
    void (*destroy)(void *instance);

    /*
     * Provider: run one completion. Emits TEXT_DELTA/REASONING_DELTA as text arrives, USAGE, then
     * FINISH; or an ERROR event and the matching non-OK return. Blocking. May be called from many
     * threads at once on the same instance: it must be reentrant. NULL for scorers.
     */
    int32_t (*complete)(void *instance, const llmbench_call *call);
    /* Provider, optional (LLMBENCH_CAP_EMBEDDINGS): emits one RESULT {"embeddings": [[...]], "usage": {...}}. */
    int32_t (*embed)(void *instance, const llmbench_call *call);
    /*
     * Scorer: score one output. Emits one RESULT event with {"value", "passed", "explanation",
     * "details"}; or an ERROR event and a non-OK return. Reentrant, like complete. NULL for providers.
     */
    int32_t (*score)(void *instance, const llmbench_call *call);

    /* ---- ABI 1.2 (a table whose struct_size is LLMBENCH_PLUGIN_SIZE_1_0 has none of these) ---- */
    /*
     * Scorer, optional: one figure for a group of results (a provider x model x category, a JSONL
     * file), computed from what `score` put in each result's "details" — corpus BLEU sums
     * per-sentence n-gram counts, which no mean of sentence scores gives. The request is
     * {"options": {...the scorer's options}, "items": [{...one result's details}, ...]}, items in
     * no particular order; emits one RESULT event {"value": 0..1, "explanation"?, "details"?: {...}},
     * or an ERROR event and a non-OK return. Blocking and reentrant, like score, and may run while
     * score calls on the same instance are in flight. NULL when the scorer has no such figure
     * (and for providers): the engine then reports none.
     */
    int32_t (*aggregate)(void *instance, const llmbench_call *call);
} llmbench_plugin;

/* The entry point every plugin exports. Returns a static table; never NULL. Any thread, idempotent. */
typedef const llmbench_plugin *(*llmbench_plugin_entry_fn)(void);

#ifdef __cplusplus
}
#endif

#endif /* LLMBENCH_PLUGIN_H */
