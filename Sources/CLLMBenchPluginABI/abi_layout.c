/* Compile-time checks that the ABI's layout is what Docs/plugin-abi.md promises on 64-bit targets. */
#include "llmbench_plugin.h"

_Static_assert(offsetof(llmbench_plugin, abi_major) == 0, "abi_major first");
_Static_assert(offsetof(llmbench_plugin, struct_size) == 8, "struct_size third");
_Static_assert(offsetof(llmbench_host, struct_size) == 8, "struct_size third");
_Static_assert(offsetof(llmbench_call, struct_size) == 8, "struct_size third");
_Static_assert(offsetof(llmbench_event, struct_size) == 8, "struct_size third");
