#ifndef YAML_BASELINE_H
#define YAML_BASELINE_H
#include <stddef.h>
/// Parses `length` bytes with libyaml's bare event loop and returns the
/// number of events, or -1 on a parse error: the benchmark's C floor.
long yaml_baseline_count_events(const unsigned char *input, size_t length);
#endif
