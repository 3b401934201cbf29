// Invariant checks: ASSERT in debug builds, RELEASE_ASSERT always. Untrusted input never reaches
// these: it is dropped and counted (data path) or answered with an error (control path).
// Threading: any thread.
#pragma once

#include <cstdio>
#include <cstdlib>

#define RELEASE_ASSERT(cond, msg)                                                      \
  do {                                                                                 \
    if (!(cond)) {                                                                     \
      std::fprintf(stderr, "RELEASE_ASSERT failed at %s:%d: %s (%s)\n", __FILE__,      \
                   __LINE__, #cond, msg);                                              \
      std::abort();                                                                    \
    }                                                                                  \
  } while (0)

#ifdef NDEBUG
#define ASSERT(cond, msg) ((void)0)
#else
#define ASSERT(cond, msg) RELEASE_ASSERT(cond, msg)
#endif
