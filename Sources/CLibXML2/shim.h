/*
 * libxml2 as Debian builds it is ICU-enabled, so its encoding.h pulls in the system ICU headers,
 * whose UErrorCode clashes with the newer ICU that Foundation bundles (_FoundationICU) whenever
 * one compiler job sees both modules. LLMBench never touches the ICU-only fields of
 * xmlCharEncodingHandler (it only passes pointers to libxml2), so the ICU part is hidden here.
 */
#include <libxml/xmlversion.h>
#undef LIBXML_ICU_ENABLED
#include <libxml/parser.h>
#include <libxml/tree.h>
#include <libxml/xmlwriter.h>
#include <libxml/xmlschemas.h>
#include <libxml/xmlerror.h>
