#include <curl/curl.h>
// Typed wrappers for libcurl's variadic setopt/getinfo are added here by the client issue.
