/*
 * What the C test programs share beyond CHECK (check.h, included here): a
 * clean VERSORI_* environment, clients, the emulator, calls that must
 * succeed, loopback servers, and the program's exit status. Each program
 * defines _POSIX_C_SOURCE before including it, once.
 */
#ifndef VERSORI_TEST_SUPPORT_H
#define VERSORI_TEST_SUPPORT_H

#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "check.h"
#include "versori.h"

/* Unsets every VERSORI_* variable a client reads, so that only what a test
 * sets counts. */
static inline void clear_versori_environment(void) {
  const char *vars[] = {"VERSORI_BASE_URL", "VERSORI_ORG", "VERSORI_API_KEY", "VERSORI_JWT",
                        "VERSORI_SIGNING_KEY", "VERSORI_SIGNING_KEY_ID", "VERSORI_SUBJECT"};
  for (size_t i = 0; i < sizeof vars / sizeof vars[0]; i++) unsetenv(vars[i]);
}

/* Client options for `base_url` and `organisation` (either may be NULL),
 * every other field zero: its default, or the environment's value. */
static inline VersoriClientOptions client_options(const char *base_url, const char *organisation) {
  VersoriClientOptions opts;
  memset(&opts, 0, sizeof opts);
  opts.base_url = base_url;
  opts.organisation = organisation;
  return opts;
}

/* A client built from `opts`; NULL, reported and counted as a failure, when
 * it cannot be built. */
static inline VersoriClient *open_client(const VersoriClientOptions *opts) {
  VersoriClient *c = NULL;
  VersoriStatus st = versori_client_new(opts, &c);
  if (st != VERSORI_OK) {
    print_last_error("versori_client_new", st);
    failures++;
    return NULL;
  }
  return c;
}

/* Starts the emulator through the ABI and writes it and its base URL (free
 * both); 0 on success, else -1 (reported and counted as a failure). */
static inline int start_emulator(VersoriEmulator **emu, char **base_url) {
  *emu = NULL;
  *base_url = NULL;
  if (versori_emulator_start(0, emu) != VERSORI_OK) {
    print_last_error("versori_emulator_start", VERSORI_SYSTEM_ERROR);
    failures++;
    return -1;
  }
  CHECK(versori_emulator_base_url(*emu, base_url) == VERSORI_OK);
  CHECK(*base_url != NULL && strncmp(*base_url, "http://127.0.0.1:", 17) == 0);
  return *base_url != NULL ? 0 : -1;
}

/* Calls and expects success; returns the JSON (free it) or NULL. */
static inline char *call_ok(const VersoriClient *c, const char *op, const char *args) {
  char *out = NULL;
  VersoriStatus st = versori_call(c, op, args, &out);
  if (st != VERSORI_OK) {
    fprintf(stderr, "call %s %s failed\n", op, args ? args : "NULL");
    print_last_error(op, st);
    failures++;
    return NULL;
  }
  CHECK(out != NULL);
  CHECK(versori_last_error_message() == NULL);
  return out;
}

/* A few JSON readers: enough to pull ids out of the library's compact answers. */

/* The value of `key` among the members of the object that starts at `obj`. */
static inline const char *json_member(const char *obj, const char *key) {
  size_t klen = strlen(key);
  int depth = 0;
  if (obj == NULL) return NULL;
  for (const char *p = obj; *p; p++) {
    if (*p == '"') {
      const char *start = ++p;
      while (*p && *p != '"') {
        if (*p == '\\' && p[1]) p++;
        p++;
      }
      if (!*p) return NULL;
      if (depth == 1 && (size_t)(p - start) == klen &&
          strncmp(start, key, klen) == 0 && p[1] == ':') {
        return p + 2;
      }
    } else if (*p == '{' || *p == '[') {
      depth++;
    } else if (*p == '}' || *p == ']') {
      if (--depth == 0) return NULL;
    }
  }
  return NULL;
}

/* A copy of the string member `key` (no escapes expected), or NULL. */
static inline char *json_string(const char *obj, const char *key) {
  const char *v = json_member(obj, key);
  if (v == NULL || *v != '"') return NULL;
  const char *end = strchr(v + 1, '"');
  if (end == NULL) return NULL;
  size_t n = (size_t)(end - v - 1);
  char *out = malloc(n + 1);
  if (out == NULL) return NULL;
  memcpy(out, v + 1, n);
  out[n] = '\0';
  return out;
}

/* Calls and expects success; a copy of the string member `key` of the answer
 * (free it), or NULL. */
static inline char *call_ok_string(const VersoriClient *c, const char *op, const char *args,
                                   const char *key) {
  char *s = call_ok(c, op, args);
  char *value = json_string(s, key);
  versori_string_free(s);
  return value;
}

/* A TCP listener on a free loopback port; returns the fd and writes the
 * port. Exits the program when there is none. */
static inline int listen_loopback(int *port) {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  struct sockaddr_in addr;
  memset(&addr, 0, sizeof addr);
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof addr;
  if (fd < 0 || bind(fd, (struct sockaddr *)&addr, sizeof addr) != 0 || listen(fd, 16) != 0 ||
      getsockname(fd, (struct sockaddr *)&addr, &len) != 0) {
    perror("listen_loopback");
    exit(2);
  }
  *port = ntohs(addr.sin_port);
  return fd;
}

/* Reads a request from `conn` into `buf` (of `cap` bytes, NUL-terminated)
 * up to the blank line that ends its head, or as much as fits; its length. */
static inline size_t read_request_head(int conn, char *buf, size_t cap) {
  size_t got = 0;
  buf[0] = '\0';
  while (got < cap - 1) {
    ssize_t n = read(conn, buf + got, cap - 1 - got);
    if (n <= 0) break;
    got += (size_t)n;
    buf[got] = '\0';
    if (strstr(buf, "\r\n\r\n")) break;
  }
  return got;
}

/* The program's exit status, with its last line: the number of failed
 * checks, or that all passed. */
static inline int finish(const char *program) {
  if (failures) {
    fprintf(stderr, "%s: %d check(s) failed\n", program, failures);
    return 1;
  }
  printf("%s: all checks passed\n", program);
  return 0;
}

#endif /* VERSORI_TEST_SUPPORT_H */
