/* Compile-time checks that the ABI's layout is what Docs/plugin-abi.md promises on 64-bit targets. */
#include "llmbench_plugin.h"

_Static_assert(sizeof(void *) == 8 && sizeof(size_t) == 8, "the frozen sizes are those of 64-bit targets");

_Static_assert(offsetof(llmbench_plugin, abi_major) == 0, "abi_major first");
_Static_assert(offsetof(llmbench_plugin, struct_size) == 8, "struct_size third");
_Static_assert(offsetof(llmbench_host, struct_size) == 8, "struct_size third");
_Static_assert(offsetof(llmbench_call, struct_size) == 8, "struct_size third");
_Static_assert(offsetof(llmbench_event, struct_size) == 8, "struct_size third");

/* Fields are only appended: each version's size is where the next version's first field starts. */
#define ENDS_AT(type, field) (offsetof(type, field) + sizeof(((type *)0)->field))
_Static_assert(ENDS_AT(llmbench_plugin, score) == LLMBENCH_PLUGIN_SIZE_1_0, "llmbench_plugin 1.0 ends with score");
_Static_assert(offsetof(llmbench_plugin, aggregate) == LLMBENCH_PLUGIN_SIZE_1_0, "aggregate is 1.2's first field");
_Static_assert(sizeof(llmbench_plugin) == LLMBENCH_PLUGIN_SIZE_1_2, "llmbench_plugin is 1.2's size");
_Static_assert(ENDS_AT(llmbench_host, http) == LLMBENCH_HOST_SIZE_1_0, "llmbench_host 1.0 ends with http");
_Static_assert(offsetof(llmbench_host, provider_call) == LLMBENCH_HOST_SIZE_1_0, "provider_call is 1.2's first host field");
_Static_assert(sizeof(llmbench_host) == LLMBENCH_HOST_SIZE_1_2, "llmbench_host is 1.2's size");
_Static_assert(sizeof(llmbench_call) == LLMBENCH_CALL_SIZE_1_0, "llmbench_call has not grown since 1.0");
_Static_assert(ENDS_AT(llmbench_call, emit) == LLMBENCH_CALL_SIZE_1_0, "llmbench_call 1.0 ends with emit");
_Static_assert(sizeof(llmbench_event) == LLMBENCH_EVENT_SIZE_1_0, "llmbench_event has not grown since 1.0");
_Static_assert(ENDS_AT(llmbench_event, retry_after_ms) == LLMBENCH_EVENT_SIZE_1_0, "llmbench_event 1.0 ends with retry_after_ms");
_Static_assert(sizeof(llmbench_http_request) == LLMBENCH_HTTP_REQUEST_SIZE_1_1, "llmbench_http_request has not grown since 1.1");
_Static_assert(sizeof(llmbench_http_response) == LLMBENCH_HTTP_RESPONSE_SIZE_1_1, "llmbench_http_response has not grown since 1.1");
_Static_assert(sizeof(llmbench_http_handler) == LLMBENCH_HTTP_HANDLER_SIZE_1_1, "llmbench_http_handler has not grown since 1.1");
_Static_assert(sizeof(llmbench_http_service) == LLMBENCH_HTTP_SERVICE_SIZE_1_1, "llmbench_http_service has not grown since 1.1");
_Static_assert(sizeof(llmbench_http_header) == LLMBENCH_HTTP_HEADER_SIZE, "llmbench_http_header never grows");
