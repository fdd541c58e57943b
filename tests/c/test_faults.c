/*
 * The fault-injection suite from C: libversori against the hostile loopback
 * server of python/tests/fault_server.py (started here as a subprocess).
 * Each case checks the status, the HTTP status, the error code and the
 * message, and that the credential appears in neither the message nor any
 * log record. Each is bounded by the client's timeout and one retry. The
 * credential is an API key, a JWT, or the token a signing key (given as PEM
 * text with a UTF-8 BOM and openssl's `Bag Attributes` lines) mints for an
 * end user.
 *
 * Usage: test_faults PYTHON SERVER_SCRIPT (cargo xtask test passes them).
 * Built with -std=c11 -Wall -Wextra -Werror and run plain and under valgrind.
 */
#define _POSIX_C_SOURCE 200809L

#include <arpa/inet.h>
#include <netinet/in.h>
#include <pthread.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "support.h"

extern char **environ;

#define ORG "01J8ZQ4N7G3Y5B2K9T6W1X00RG"
#define KEY "vk_fault_secret_c_5e7d"
#define JWT "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJmYXVsdC1jIn0.c2VjcmV0LXNpZ25hdHVyZS1j"
#define SIGNING_KEY_PEM "crates/versori/tests/fixtures/test-signing-key.pem" /* from the workspace root */
#define SIGNING_KEY_ID "01J8ZQ4N7G3Y5B2K9T6W1XSKEY"
#define REQUEST_ID "req-fault-1" /* the echo-json reply's x-request-id */
#define BIG_INT "1180591620717411303424"          /* 2**70 */
#define BIG_INT_PLUS_ONE "1180591620717411303425"

static int valgrind = 0;

/* ---- the server ---- */

static pid_t server_pid = -1;
static int server_stdin = -1;
static char server_url[128];

static int start_server(const char *python, const char *script) {
  int in[2], out[2];
  if (pipe(in) != 0 || pipe(out) != 0) return perror("pipe"), -1;
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, in[0], 0);
  posix_spawn_file_actions_adddup2(&actions, out[1], 1);
  posix_spawn_file_actions_addclose(&actions, in[1]);
  posix_spawn_file_actions_addclose(&actions, out[0]);
  char *argv[] = {(char *)python, (char *)script, NULL};
  int rc = posix_spawnp(&server_pid, python, &actions, NULL, argv, environ);
  posix_spawn_file_actions_destroy(&actions);
  close(in[0]);
  close(out[1]);
  if (rc != 0) {
    fprintf(stderr, "could not start %s %s: %s\n", python, script, strerror(rc));
    return -1;
  }
  server_stdin = in[1];
  /* the first line is the base URL */
  size_t n = 0;
  while (n + 1 < sizeof server_url) {
    ssize_t got = read(out[0], server_url + n, 1);
    if (got <= 0 || server_url[n] == '\n') break;
    n++;
  }
  server_url[n] = '\0';
  close(out[0]);
  if (strncmp(server_url, "http://127.0.0.1:", 17) != 0) {
    fprintf(stderr, "the fault server did not start (got \"%s\")\n", server_url);
    return -1;
  }
  return 0;
}

static void stop_server(void) {
  if (server_stdin >= 0) close(server_stdin); /* it serves until its stdin closes */
  if (server_pid > 0) {
    int status;
    for (int i = 0; i < 100 && waitpid(server_pid, &status, WNOHANG) == 0; i++) {
      struct timespec ts = {0, 50 * 1000 * 1000};
      nanosleep(&ts, NULL);
    }
    if (waitpid(server_pid, &status, WNOHANG) == 0) {
      kill(server_pid, SIGTERM);
      waitpid(server_pid, &status, 0);
    }
  }
}

/* GET `path` from the server with a plain socket; the body (free it) or NULL. */
static char *http_get(const char *path) {
  int port = atoi(server_url + 17);
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) return NULL;
  struct sockaddr_in addr;
  memset(&addr, 0, sizeof addr);
  addr.sin_family = AF_INET;
  addr.sin_port = htons((uint16_t)port);
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (connect(fd, (struct sockaddr *)&addr, sizeof addr) != 0) {
    close(fd);
    return NULL;
  }
  char req[256];
  int len = snprintf(req, sizeof req, "GET %s HTTP/1.1\r\nhost: x\r\n\r\n", path);
  if (write(fd, req, (size_t)len) != len) {
    close(fd);
    return NULL;
  }
  size_t cap = 65536, n = 0;
  char *buf = malloc(cap);
  ssize_t got;
  while (buf != NULL && n + 1 < cap && (got = read(fd, buf + n, cap - n - 1)) > 0) n += (size_t)got;
  close(fd);
  if (buf == NULL) return NULL;
  buf[n] = '\0';
  char *body = strstr(buf, "\r\n\r\n");
  char *out = body ? strdup(body + 4) : NULL;
  free(buf);
  return out;
}

/* ---- log records ---- */

static pthread_mutex_t log_lock = PTHREAD_MUTEX_INITIALIZER;
static int log_records = 0, log_retries = 0, log_responses = 0, log_leaks = 0, log_request_ids = 0;

static void on_log(VersoriLogLevel level, const char *message, void *user_data) {
  int *calls = user_data;
  pthread_mutex_lock(&log_lock);
  (*calls)++;
  log_records++;
  if (strstr(message, KEY) != NULL) log_leaks++;
  if (level == VERSORI_LOG_INFO && strncmp(message, "retrying ", 9) == 0 &&
      strstr(message, "operation_id=GetEndUser") != NULL && strstr(message, "reason=") != NULL &&
      strstr(message, "delay_ms=") != NULL)
    log_retries++;
  if (level == VERSORI_LOG_DEBUG && strncmp(message, "response ", 9) == 0 &&
      strstr(message, "operation_id=GetEndUser") != NULL && strstr(message, "status=") != NULL &&
      strstr(message, "method=GET") != NULL && strstr(message, "path=/o/{organisation_id}/users/{user_id}") != NULL &&
      strstr(message, "attempt=") != NULL && strstr(message, "latency_ms=") != NULL) {
    log_responses++;
    /* the echo-json reply's request id, as a field of the record */
    if (strstr(message, "status=403") != NULL && strstr(message, "request_id=" REQUEST_ID) != NULL)
      log_request_ids++;
  }
  pthread_mutex_unlock(&log_lock);
}

/* ---- cases ---- */

/* GetEndUser for `u`: the call every case makes unless it says otherwise. */
static VersoriStatus get_user(const VersoriClient *c, char **out) {
  return versori_call(c, "GetEndUser", "{\"user_id\":\"u\"}", out);
}

/* A client for case `c` with an API key, a JWT, or (both NULL) the
 * credentials of the environment. */
static VersoriClient *client_with(const char *c, uint64_t max_bytes, const char *api_key, const char *jwt) {
  char url[256];
  snprintf(url, sizeof url, "%s/%s", server_url, c);
  VersoriClientOptions opts = client_options(url, ORG);
  opts.api_key = api_key;
  opts.jwt = jwt;
  opts.request_timeout_ms = valgrind ? 3000 : 1000;
  opts.max_retries = 1;
  opts.max_response_bytes = max_bytes;
  VersoriClient *client = open_client(&opts);
  if (client == NULL) fprintf(stderr, "  (the client for case %s)\n", c);
  return client;
}

static VersoriClient *client_for(const char *c, uint64_t max_bytes) { return client_with(c, max_bytes, KEY, NULL); }

/* The last error matches; `fragments` is NULL-terminated. */
static void check_error(const char *name, VersoriStatus got, VersoriStatus want, unsigned http,
                        const char *code, const char *const *fragments) {
  const char *msg = versori_last_error_message();
  const char *got_code = versori_last_error_code();
  int ok = got == want && versori_last_error_status() == http && msg != NULL &&
           strstr(msg, KEY) == NULL &&
           (code == NULL ? got_code == NULL : (got_code != NULL && strcmp(got_code, code) == 0));
  for (const char *const *f = fragments; ok && *f != NULL; f++) ok = strstr(msg, *f) != NULL;
  if (!ok) {
    fprintf(stderr, "case %s: status %d (want %d), http %u (want %u), code %s (want %s): %s\n", name,
            (int)got, (int)want, (unsigned)versori_last_error_status(), http,
            got_code ? got_code : "NULL", code ? code : "NULL", msg ? msg : "(none)");
    failures++;
  }
}

struct single {
  const char *name;
  VersoriStatus status;
  unsigned http;
  const char *code;
  const char *fragments[4];
};

static const struct single SINGLE[] = {
    {"reset-headers", VERSORI_TRANSPORT_ERROR, 0, NULL, {"the request failed", "reset", NULL}},
    {"reset-body", VERSORI_TRANSPORT_ERROR, 0, NULL, {"the response body could not be read", "reset", NULL}},
    {"stall", VERSORI_TIMEOUT, 0, NULL, {"within the request timeout", "waiting for the response", NULL}},
    {"drip", VERSORI_TIMEOUT, 0, NULL, {"within the request timeout", "body was arriving", NULL}},
    {"truncated", VERSORI_TRANSPORT_ERROR, 0, NULL, {"the response body could not be read", "end of file", NULL}},
    {"chunked-cut", VERSORI_TRANSPORT_ERROR, 0, NULL, {"the response body could not be read", "EOF", NULL}},
    {"huge", VERSORI_DECODE_ERROR, 200, NULL, {"67108864 bytes", "max_response_bytes", NULL}},
    {"many-headers", VERSORI_TRANSPORT_ERROR, 0, NULL, {"message head is too large", NULL}},
    {"deep", VERSORI_DECODE_ERROR, 200, NULL, {"could not decode the response (HTTP 200)", "recursion limit", NULL}},
    {"redirect-loop", VERSORI_API_ERROR, 307, "redirect", {"HTTP 307", "does not follow", NULL}},
    {"redirect-none", VERSORI_API_ERROR, 302, "redirect", {"without a Location header", NULL}},
    {"echo", VERSORI_API_ERROR, 401, "http_401", {"Bearer <redacted>", NULL}},
    {"echo-json", VERSORI_API_ERROR, 403, "forbidden", {"credential <redacted> lacks access", NULL}},
    {"echo-ok", VERSORI_DECODE_ERROR, 200, NULL, {"welcome <redacted>", NULL}},
    {"echo-redirect", VERSORI_API_ERROR, 302, "redirect", {"key=<redacted>&next=%2F", NULL}},
};

/* The cases that echo the credential back, as any kind of client meets
 * them (an API key shows as `Bearer <redacted>`, a JWT as `JWT <redacted>`). */
static const struct single ECHO[] = {
    {"echo", VERSORI_API_ERROR, 401, "http_401", {"Authorization: ", "<redacted> was rejected", NULL}},
    {"echo-json", VERSORI_API_ERROR, 403, "forbidden", {"credential <redacted> lacks access", NULL}},
    {"echo-ok", VERSORI_DECODE_ERROR, 200, NULL, {"welcome <redacted>", NULL}},
    {"echo-redirect", VERSORI_API_ERROR, 302, "redirect", {"key=<redacted>&next=%2F", NULL}},
};
#define ECHO_CASES (sizeof ECHO / sizeof ECHO[0])

static void test_single_calls(void) {
  for (size_t i = 0; i < sizeof SINGLE / sizeof SINGLE[0]; i++) {
    const struct single *s = &SINGLE[i];
    VersoriClient *c = client_for(s->name, 0);
    if (c == NULL) continue;
    char *out = (char *)"untouched";
    time_t started = time(NULL);
    VersoriStatus st = get_user(c, &out);
    CHECK(strcmp(out, "untouched") == 0);
    check_error(s->name, st, s->status, s->http, s->code, s->fragments);
    CHECK(time(NULL) - started < (valgrind ? 60 : 15));
    versori_client_free(c);
  }
}

static void test_redirect_to_another_origin(void) {
  VersoriClient *c = client_for("redirect-cross", 0);
  if (c == NULL) return;
  char *out = NULL;
  /* a POST that read as a successful `{}` before */
  VersoriStatus st = versori_call(c, "CreateEndUser", "{\"body\":{\"externalId\":\"c-1\"}}", &out);
  const char *const fragments[] = {"HTTP 302", "http://localhost:", "/witness/", NULL};
  check_error("redirect-cross", st, VERSORI_API_ERROR, 302, "redirect", fragments);
  versori_client_free(c);
  char *stats = http_get("/_stats");
  CHECK(stats != NULL && strstr(stats, "\"witness\": []") != NULL); /* nothing followed it */
  free(stats);
}

static void test_listings(void) {
  const char *const cursor[] = {"handed back the cursor it was asked with", "\"c1\"", NULL};
  const char *const deep[] = {"recursion limit", NULL};
  struct {
    const char *name;
    unsigned http;
    const char *const *fragments;
  } cases[] = {{"cursor-repeat", 0, cursor}, {"deep-item", 200, deep}};
  for (size_t i = 0; i < 2; i++) {
    VersoriClient *c = client_for(cases[i].name, 0);
    VersoriPager *pager = NULL;
    if (c == NULL || versori_paginate(c, "ListSystems", NULL, &pager) != VERSORI_OK) {
      failures++;
      versori_client_free(c);
      continue;
    }
    char *item = NULL;
    int items = 0;
    VersoriStatus st;
    while ((st = versori_pager_next(pager, &item)) == VERSORI_OK) {
      versori_string_free(item);
      CHECK(++items <= 2); /* never more than the first page */
    }
    check_error(cases[i].name, st, VERSORI_DECODE_ERROR, cases[i].http, NULL, cases[i].fragments);
    CHECK(versori_pager_next(pager, &item) == VERSORI_DONE); /* finished after an error */
    versori_pager_free(pager);
    versori_client_free(c);
  }
}

static void test_body_limits(void) {
  /* a small limit, and 500 MB of chunks with no length: reading stops there */
  VersoriClient *c = client_for("huge-chunked", 1 << 20);
  if (c == NULL) return;
  struct rusage before, after;
  getrusage(RUSAGE_SELF, &before);
  char *out = NULL;
  VersoriStatus st = get_user(c, &out);
  getrusage(RUSAGE_SELF, &after);
  const char *const fragments[] = {"1048576 bytes", NULL};
  check_error("huge-chunked", st, VERSORI_DECODE_ERROR, 200, NULL, fragments);
  versori_client_free(c);

  /* a pager meets the same limit: 500 MB declared up front, refused at once */
  c = client_for("huge", 4096);
  VersoriPager *pager = NULL;
  if (c != NULL && versori_paginate(c, "ListSystems", NULL, &pager) == VERSORI_OK) {
    char *item = NULL;
    const char *const limit[] = {"4096 bytes", "max_response_bytes", NULL};
    check_error("huge (pager)", versori_pager_next(pager, &item), VERSORI_DECODE_ERROR, 200, NULL, limit);
    CHECK(item == NULL);
    CHECK(versori_pager_next(pager, &item) == VERSORI_DONE);
    versori_pager_free(pager);
  } else {
    failures++;
  }
  versori_client_free(c);
  if (!valgrind) {
    long grown_kib = after.ru_maxrss - before.ru_maxrss;
    if (grown_kib > 16 * 1024) fprintf(stderr, "RSS grew by %ld KiB\n", grown_kib);
    CHECK(grown_kib <= 16 * 1024);
  }
}

/* The last error is case `s`'s, holds `<redacted>` and nothing of a JWT
 * (every JWT starts with "eyJ"), nor `credential` when it is known: the
 * credential sent was echoed back and redacted. */
static void check_redacted(const char *name, const char *credential, VersoriStatus st,
                           const struct single *s) {
  check_error(name, st, s->status, s->http, s->code, s->fragments);
  const char *msg = versori_last_error_message();
  int ok = msg != NULL && strstr(msg, "<redacted>") != NULL && strstr(msg, "eyJ") == NULL &&
           (credential == NULL || strstr(msg, credential) == NULL);
  if (!ok) {
    fprintf(stderr, "case %s: the credential was not redacted: %s\n", name, msg ? msg : "(none)");
    failures++;
  }
}

static void test_an_echoed_jwt_is_redacted(void) {
  for (size_t i = 0; i < ECHO_CASES; i++) {
    VersoriClient *c = client_with(ECHO[i].name, 0, NULL, JWT);
    if (c == NULL) continue;
    char *out = NULL;
    char name[64];
    snprintf(name, sizeof name, "%s (jwt)", ECHO[i].name);
    check_redacted(name, JWT, get_user(c, &out), &ECHO[i]);
    versori_client_free(c);
  }
}

/* The whole of a small file (free it), or NULL. */
static char *read_file(const char *path) {
  FILE *f = fopen(path, "rb");
  if (f == NULL) return NULL;
  size_t cap = 1 << 16;
  char *buf = malloc(cap);
  if (buf != NULL) buf[fread(buf, 1, cap - 1, f)] = '\0';
  fclose(f);
  return buf;
}

/* Whether `text` holds any of the base64 lines of `pem` (every line but
 * the -----BEGIN/END ones). */
static int holds_a_line_of(const char *text, const char *pem) {
  for (const char *line = pem; *line != '\0';) {
    const char *end = strchr(line, '\n');
    size_t len = end ? (size_t)(end - line) : strlen(line);
    char piece[128];
    if (len > 0 && len < sizeof piece && strncmp(line, "-----", 5) != 0) {
      memcpy(piece, line, len);
      piece[len] = '\0';
      if (strstr(text, piece) != NULL) return 1;
    }
    if (end == NULL) break;
    line = end + 1;
  }
  return 0;
}

/* A signing key given as PEM text (VERSORI_SIGNING_KEY, the way the C ABI
 * takes one) with a UTF-8 BOM and the attribute lines `openssl pkcs12
 * -nodes` writes is accepted; the token it mints for the end user
 * (VERSORI_SUBJECT), echoed back, is redacted; a damaged key is refused
 * with a message holding no line of it. */
static void test_signing_keys(void) {
  char *pem = read_file(SIGNING_KEY_PEM);
  CHECK(pem != NULL && strstr(pem, "-----BEGIN") != NULL);
  const char *prefix = "\xEF\xBB\xBF"
                       "Bag Attributes\n    localKeyID: 01 02 03\n    friendlyName: signing\n"
                       "Key Attributes: <No Attributes>\n";
  size_t len = strlen(prefix) + (pem ? strlen(pem) : 0) + 1;
  char *text = pem ? malloc(len) : NULL;
  if (text == NULL) {
    free(pem);
    failures++;
    return;
  }
  snprintf(text, len, "%s%s", prefix, pem);
  setenv("VERSORI_SIGNING_KEY", text, 1);
  setenv("VERSORI_SIGNING_KEY_ID", SIGNING_KEY_ID, 1);
  setenv("VERSORI_SUBJECT", "customer-c", 1);
  for (size_t i = 0; i < ECHO_CASES; i++) {
    VersoriClient *c = client_with(ECHO[i].name, 0, NULL, NULL); /* the key from the environment */
    if (c == NULL) continue;
    char *out = NULL;
    char name[64];
    snprintf(name, sizeof name, "%s (signing key)", ECHO[i].name);
    check_redacted(name, NULL, get_user(c, &out), &ECHO[i]);
    CHECK(!holds_a_line_of(versori_last_error_message(), pem));
    versori_client_free(c);
  }

  /* damaged: the fourth line of the key's base64 cut to "AAAA" */
  char *line = strstr(text, "-----BEGIN");
  for (int i = 0; i < 4 && line != NULL; i++) {
    line = strchr(line, '\n');
    if (line != NULL) line++;
  }
  char *end = line ? strchr(line, '\n') : NULL;
  CHECK(end != NULL && end - line > 4);
  if (end != NULL && end - line > 4) {
    memcpy(line, "AAAA", 4);
    memmove(line + 4, end, strlen(end) + 1);
    setenv("VERSORI_SIGNING_KEY", text, 1);
    VersoriClientOptions opts = client_options(server_url, NULL);
    VersoriClient *c = NULL;
    VersoriStatus st = versori_client_new(&opts, &c);
    const char *msg = versori_last_error_message();
    int ok = st == VERSORI_AUTH_ERROR && c == NULL && msg != NULL && strstr(msg, "signing key") != NULL &&
             !holds_a_line_of(msg, pem);
    if (!ok) fprintf(stderr, "damaged key: status %d: %s\n", (int)st, msg ? msg : "(none)");
    CHECK(ok);
    versori_client_free(c);
  }
  unsetenv("VERSORI_SIGNING_KEY");
  unsetenv("VERSORI_SIGNING_KEY_ID");
  unsetenv("VERSORI_SUBJECT");
  free(text);
  free(pem);
}

static void test_big_integers(void) {
  VersoriClient *c = client_for("big-int", 0);
  if (c == NULL) return;
  char *out = NULL;
  VersoriStatus st = get_user(c, &out);
  CHECK(st == VERSORI_OK);
  if (st == VERSORI_OK) {
    /* the body text as the server sent it: every digit of each integer */
    int exact = strstr(out, "\"count\": " BIG_INT ",") != NULL &&
                strstr(out, "\"negative\": -" BIG_INT ",") != NULL &&
                strstr(out, "\"odd\": " BIG_INT_PLUS_ONE "}") != NULL;
    if (!exact) fprintf(stderr, "big-int: the integers lost digits: %s\n", out);
    CHECK(exact);
    versori_string_free(out);
  }
  versori_client_free(c);
}

static void test_retries_are_logged_without_secrets(void) {
  int calls = 0;
  CHECK(versori_set_log_callback(VERSORI_LOG_DEBUG, on_log, &calls) == VERSORI_OK);
  CHECK(versori_set_log_callback(42, on_log, &calls) == VERSORI_INVALID_ARGUMENT);
  VersoriClient *c = client_for("echo-json", 0);
  char *out = NULL;
  if (c != NULL) get_user(c, &out);
  versori_client_free(c);
  c = client_for("reset-headers", 0); /* one retry, logged at INFO */
  if (c != NULL) get_user(c, &out);
  versori_client_free(c);
  CHECK(versori_set_log_callback(VERSORI_LOG_DEBUG, NULL, NULL) == VERSORI_OK);
  int seen = calls;
  c = client_for("echo-json", 0);
  if (c != NULL) get_user(c, &out);
  versori_client_free(c);
  pthread_mutex_lock(&log_lock);
  CHECK(calls == seen); /* nothing after logging was turned off */
  CHECK(log_records > 0);
  CHECK(log_responses >= 1);
  CHECK(log_retries == 1);
  CHECK(log_request_ids == 1); /* the one echo-json call while logging was on */
  CHECK(log_leaks == 0);
  if (log_responses < 1 || log_retries != 1 || log_request_ids != 1)
    fprintf(stderr, "log: %d records, %d responses, %d retries, %d with request_id=" REQUEST_ID "\n",
            log_records, log_responses, log_retries, log_request_ids);
  pthread_mutex_unlock(&log_lock);
}

int main(int argc, char **argv) {
  if (argc != 3) {
    fprintf(stderr, "usage: %s PYTHON python/tests/fault_server.py\n", argv[0]);
    return 2;
  }
  const char *preload = getenv("LD_PRELOAD");
  valgrind = preload != NULL && strstr(preload, "vgpreload") != NULL;
  clear_versori_environment();
  signal(SIGPIPE, SIG_IGN);
  /* a hang anywhere ends the run (SIGALRM's default action) rather than the CI job */
  alarm(valgrind ? 900 : 180);
  if (start_server(argv[1], argv[2]) != 0) return 1;

  test_single_calls();
  test_redirect_to_another_origin();
  test_listings();
  test_body_limits();
  test_an_echoed_jwt_is_redacted();
  test_signing_keys();
  test_big_integers();
  test_retries_are_logged_without_secrets();

  stop_server();
  return finish("test_faults");
}
