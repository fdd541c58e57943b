/*
 * The C test programs' checks: a failure count, CHECK, and a report of the
 * calling thread's last libversori error. Programs include it through
 * support.h, which holds the rest of what they share.
 */
#ifndef VERSORI_TEST_CHECK_H
#define VERSORI_TEST_CHECK_H

#include <stdio.h>
#include <unistd.h>

#include "versori.h"

static int failures = 0;

/* Counts and reports a failed condition (with the process id, as some
 * tests fork). */
#define CHECK(cond)                                                        \
  do {                                                                     \
    if (!(cond)) {                                                         \
      fprintf(stderr, "[%d] %s:%d: check failed: %s\n", (int)getpid(),    \
              __FILE__, __LINE__, #cond);                                  \
      failures++;                                                          \
    }                                                                      \
  } while (0)

/* Reports the calling thread's last error after `what` returned `st`. */
static inline void print_last_error(const char *what, VersoriStatus st) {
  const char *msg = versori_last_error_message();
  fprintf(stderr, "[%d] %s: status %d, http %u: %s\n", (int)getpid(), what, (int)st,
          (unsigned)versori_last_error_status(), msg ? msg : "(none)");
}

#endif /* VERSORI_TEST_CHECK_H */
