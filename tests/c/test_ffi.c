/*
 * The C ABI against the emulator (started through the ABI): every tag's
 * representative operation, pagination, each error status, NULL and
 * invalid input, how long the error texts stay valid, and one client
 * shared by several threads.
 *
 * Built by `cargo xtask test` with -std=c11 -Wall -Wextra -Werror and run
 * plain and under valgrind (--leak-check=full --error-exitcode=1).
 */
#define _POSIX_C_SOURCE 200809L

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "support.h"

#define ORG "01J8ZQ4N7G3Y5B2K9T6W1X00RG"

/* ---- calling helpers ---- */

/* Calls and expects `status`, the HTTP status, and (unless NULL) the code. */
static void call_fails(const VersoriClient *c, const char *op, const char *args,
                       VersoriStatus status, unsigned http, const char *code) {
  char *out = (char *)"untouched";
  VersoriStatus st = versori_call(c, op, args, &out);
  if (st != status) {
    fprintf(stderr, "call %s %s: expected status %d\n", op,
            args ? args : "NULL", (int)status);
    print_last_error(op, st);
    failures++;
    if (st == VERSORI_OK) versori_string_free(out);
    return;
  }
  CHECK(strcmp(out, "untouched") == 0); /* out-params only on success */
  CHECK(versori_last_error_status() == http);
  const char *msg = versori_last_error_message();
  CHECK(msg != NULL && strlen(msg) > 0);
  const char *got = versori_last_error_code();
  if (http < 400) {
    CHECK(got == NULL); /* only the platform's errors carry a code */
  } else if (code != NULL) {
    CHECK(got != NULL && strcmp(got, code) == 0);
  } else {
    CHECK(got != NULL);
  }
}

/* For operations the emulator may not model yet: the request must reach it
 * (success, or an API error with an HTTP status), never a local failure. */
static void call_reaches(const VersoriClient *c, const char *op, const char *args) {
  char *out = NULL;
  VersoriStatus st = versori_call(c, op, args, &out);
  if (st == VERSORI_OK) {
    versori_string_free(out);
    return;
  }
  if (st != VERSORI_API_ERROR || versori_last_error_status() < 400) {
    fprintf(stderr, "call %s %s did not reach the platform\n", op, args);
    print_last_error(op, st);
    failures++;
  }
}

/* The message of the last error contains `needle`. */
static int last_message_has(const char *needle) {
  const char *msg = versori_last_error_message();
  int has = msg != NULL && strstr(msg, needle) != NULL;
  if (!has) fprintf(stderr, "  message %s lacks %s\n", msg ? msg : "(none)", needle);
  return has;
}

/* A client of ORG at `base_url` with `api_key`, a request timeout and a
 * number of retries (0 and -1: the defaults). */
static VersoriClient *new_client(const char *base_url, const char *api_key,
                                 uint32_t timeout_ms, int32_t retries) {
  VersoriClientOptions opts = client_options(base_url, ORG);
  opts.api_key = api_key;
  opts.request_timeout_ms = timeout_ms;
  opts.max_retries = retries;
  return open_client(&opts);
}

/* ---- the tests ---- */

static void test_version(void) {
  CHECK(strcmp(versori_version(), VERSORI_VERSION_STRING) == 0);
  char expected[64];
  snprintf(expected, sizeof expected, "%d.%d.%d", VERSORI_VERSION_MAJOR,
           VERSORI_VERSION_MINOR, VERSORI_VERSION_PATCH);
  CHECK(strcmp(versori_version(), expected) == 0);
}

static void test_every_tag(const VersoriClient *c) {
  char *s;
  /* End Users */
  free(call_ok_string(c, "CreateEndUser",
                      "{\"body\":{\"externalId\":\"c-1\",\"displayName\":\"One\"}}", "id"));
  s = call_ok(c, "GetEndUser", "{\"user_id\":\"c-1\"}");
  char *ext = json_string(s, "externalId");
  CHECK(ext != NULL && strcmp(ext, "c-1") == 0);
  free(ext);
  versori_string_free(s);
  /* snake_case operation ids work too */
  versori_string_free(call_ok(c, "get_end_user", "{\"user_id\":\"c-1\",\"organisation_id\":\"" ORG "\"}"));

  /* Projects, then Environments through a deployment */
  char *project = call_ok_string(c, "CreateProject", "{\"body\":{\"name\":\"c-abi\"}}", "id");
  CHECK(project != NULL);
  char args[1024];
  snprintf(args, sizeof args,
           "{\"project_id\":\"%s\",\"project_env\":\"production\",\"body\":{\"files\":"
           "[{\"filename\":\"index.ts\",\"content\":\"webhook('orders');\"}],"
           "\"labels\":{},\"versionName\":\"v0\"}}",
           project ? project : "");
  s = call_ok(c, "DeployProject", args);
  const char *envs = json_member(s, "environments");
  char *env = envs != NULL && *envs == '[' ? json_string(envs + 1, "id") : NULL;
  CHECK(env != NULL);
  versori_string_free(s);
  snprintf(args, sizeof args,
           "{\"environment_id\":\"%s\",\"body\":{\"deploymentSpec\":{}}}", env ? env : "");
  versori_string_free(call_ok(c, "PatchEnvironmentConfig", args));

  /* Versions, Schedulers, Automations: the request must reach the platform */
  snprintf(args, sizeof args, "{\"project_id\":\"%s\"}", project ? project : "");
  call_reaches(c, "ListProjectVersions", args);
  snprintf(args, sizeof args, "{\"environment_id\":\"%s\"}", env ? env : "");
  call_reaches(c, "ListSchedulers", args);
  call_reaches(c, "ListAutomations", "{}");

  /* Systems, Connection Templates, Connections */
  char *system = call_ok_string(c, "CreateSystem",
                                "{\"body\":{\"name\":\"CRM\",\"domain\":\"crm.example.com\","
                                "\"templateBaseUrl\":\"https://crm.example.com\","
                                "\"authSchemeConfigs\":[]}}",
                                "id");
  snprintf(args, sizeof args,
           "{\"project_id\":\"%s\",\"body\":{\"systemId\":\"%s\",\"name\":\"crm\","
           "\"environmentId\":\"%s\"}}",
           project ? project : "", system ? system : "", env ? env : "");
  /* a template's own id is connectionTemplateId; its id is the system's */
  char *tmpl = call_ok_string(c, "CreateConnectionTemplate", args, "connectionTemplateId");
  snprintf(args, sizeof args,
           "{\"body\":{\"connectionTemplateId\":\"%s\",\"connection\":{\"name\":\"CRM\","
           "\"credentials\":[]}}}",
           tmpl ? tmpl : "");
  versori_string_free(call_ok(c, "CreateConnection", args));
  snprintf(args, sizeof args, "{\"system_id\":\"%s\"}", system ? system : "");
  s = call_ok(c, "ListConnections", args);
  CHECK(json_member(s, "items") != NULL);
  versori_string_free(s);

  /* Activations */
  snprintf(args, sizeof args, "{\"environment_id\":\"%s\"}", env ? env : "");
  versori_string_free(call_ok(c, "ListActivations", args));

  /* Issues, Notifications, Metrics, Execution Pools */
  versori_string_free(call_ok(c, "ListIssues", "{\"first\":5}"));
  versori_string_free(call_ok(c, "ListNotificationChannels", NULL));
  versori_string_free(call_ok(c, "GetOrganisationMetricsSummary", "{}"));
  versori_string_free(call_ok(c, "ListExecutionPools", "null"));

  /* KV Store: a body of any JSON value, an empty response body */
  char *store = call_ok_string(c, "CreateStore", "{\"body\":{\"name\":\"c-store\"}}", "id");
  snprintf(args, sizeof args,
           "{\"store\":\"%s\",\"key\":\"greeting\",\"body\":{\"value\":{\"text\":\"h\\u00e9llo \\u2603\"}}}",
           store ? store : "");
  versori_string_free(call_ok(c, "SetKV", args));
  snprintf(args, sizeof args, "{\"store\":\"%s\",\"key\":\"greeting\"}", store ? store : "");
  s = call_ok(c, "GetKV", args);
  CHECK(s != NULL && strstr(s, "h\xc3\xa9llo \xe2\x98\x83") != NULL); /* UTF-8 out */
  versori_string_free(s);

  free(project);
  free(env);
  free(system);
  free(tmpl);
  free(store);
}

static int count_items(VersoriPager *p, const char *must_have) {
  int n = 0;
  char *item = NULL;
  VersoriStatus st;
  while ((st = versori_pager_next(p, &item)) == VERSORI_OK) {
    CHECK(item != NULL && item[0] == '{');
    if (must_have != NULL) CHECK(strstr(item, must_have) != NULL);
    versori_string_free(item);
    item = NULL;
    n++;
  }
  CHECK(st == VERSORI_DONE);
  CHECK(item == NULL);
  /* done stays done */
  CHECK(versori_pager_next(p, &item) == VERSORI_DONE);
  return n;
}

static void test_pagination(const VersoriClient *c) {
  char args[512];
  for (int i = 0; i < 7; i++) {
    snprintf(args, sizeof args,
             "{\"body\":{\"name\":\"paged-%d\",\"domain\":\"p%d.example.com\","
             "\"templateBaseUrl\":\"https://p.example.com\",\"authSchemeConfigs\":[]}}",
             i, i);
    versori_string_free(call_ok(c, "CreateSystem", args));
  }
  VersoriPager *p = NULL;
  CHECK(versori_paginate(c, "ListSystems", "{\"first\":3,\"search\":\"paged-\"}", &p) == VERSORI_OK);
  CHECK(count_items(p, "paged-") == 7);
  versori_pager_free(p);

  /* the KV cursor style */
  char *store = call_ok_string(c, "CreateStore", "{\"body\":{\"name\":\"paged\"}}", "id");
  for (int i = 0; i < 5; i++) {
    snprintf(args, sizeof args, "{\"store\":\"%s\",\"key\":\"k%d\",\"body\":{\"value\":%d}}",
             store ? store : "", i, i);
    versori_string_free(call_ok(c, "SetKV", args));
  }
  snprintf(args, sizeof args, "{\"store\":\"%s\",\"body\":{\"options\":{\"limit\":2}}}",
           store ? store : "");
  p = NULL;
  CHECK(versori_paginate(c, "ListKV", args, &p) == VERSORI_OK);
  CHECK(count_items(p, "\"key\"") == 5);
  versori_pager_free(p);
  free(store);

  /* NULL arguments: every system */
  p = NULL;
  CHECK(versori_paginate(c, "ListSystems", NULL, &p) == VERSORI_OK);
  CHECK(count_items(p, NULL) >= 8);
  versori_pager_free(p);

  /* misuse */
  p = NULL;
  CHECK(versori_paginate(c, "GetEndUser", "{}", &p) == VERSORI_INVALID_ARGUMENT);
  CHECK(p == NULL && last_message_has("not paginated"));
  CHECK(versori_paginate(c, "NoSuchList", "{}", &p) == VERSORI_INVALID_ARGUMENT);
  CHECK(versori_paginate(c, "ListSystems", "{\"first\":", &p) == VERSORI_INVALID_ARGUMENT);
  CHECK(versori_paginate(NULL, "ListSystems", "{}", &p) == VERSORI_INVALID_ARGUMENT);
  CHECK(versori_paginate(c, "ListSystems", "{}", NULL) == VERSORI_INVALID_ARGUMENT);
  char *item = NULL;
  CHECK(versori_pager_next(NULL, &item) == VERSORI_INVALID_ARGUMENT);
  CHECK(last_message_has("pager"));
  /* an error while paging ends the pager */
  CHECK(versori_paginate(c, "ListKV", "{\"store\":\"01J8ZQ4N7G3Y5B2K9T6W1XN0NE\",\"body\":{}}", &p) ==
        VERSORI_OK);
  VersoriStatus st = versori_pager_next(p, &item);
  CHECK(st == VERSORI_API_ERROR && versori_last_error_status() == 404);
  CHECK(versori_pager_next(p, &item) == VERSORI_DONE);
  versori_pager_free(p);
}

static void test_pager_outlives_client(const char *base_url) {
  VersoriClient *c = new_client(base_url, "key", 0, -1);
  VersoriPager *p = NULL;
  CHECK(versori_paginate(c, "ListSystems", "{\"first\":2}", &p) == VERSORI_OK);
  versori_client_free(c);
  CHECK(count_items(p, NULL) >= 8);
  versori_pager_free(p);
}

/* The error texts are the library's: the same pointers until the thread's
 * next fallible call, untouched by work outside the library and by the
 * calls that do not fail, and replaced by the next failure. */
static void test_error_text_lifetime(const VersoriClient *c) {
  char *out = NULL;
  CHECK(versori_call(c, "GetEndUser", "{\"user_id\":\"lifetime-first\"}", &out) ==
        VERSORI_API_ERROR);
  const char *msg = versori_last_error_message();
  const char *code = versori_last_error_code();
  CHECK(msg != NULL && strstr(msg, "lifetime-first") != NULL);
  CHECK(code != NULL && strcmp(code, "not_found") == 0);
  if (msg == NULL || code == NULL) return;
  char kept_msg[512];
  snprintf(kept_msg, sizeof kept_msg, "%s", msg);

  /* work that does not touch the library, including the allocator */
  char *noise = malloc(4096);
  CHECK(noise != NULL);
  if (noise != NULL) memset(noise, 'x', 4096);
  free(noise);
  /* calls that read the record or return no status leave it alone */
  CHECK(versori_last_error_status() == 404);
  CHECK(versori_last_error_message() == msg);
  CHECK(versori_last_error_code() == code);
  CHECK(strlen(versori_version()) > 0);
  versori_string_free(NULL);
  versori_pager_free(NULL);
  CHECK(strcmp(msg, kept_msg) == 0);
  CHECK(strcmp(code, "not_found") == 0);

  /* a new failure replaces both (the old pointers are not read again) */
  CHECK(versori_call(c, "NoSuchOperation", NULL, &out) == VERSORI_INVALID_ARGUMENT);
  const char *next = versori_last_error_message();
  CHECK(next != NULL && strstr(next, "NoSuchOperation") != NULL);
  CHECK(next != NULL && strstr(next, "lifetime-first") == NULL);
  CHECK(versori_last_error_code() == NULL);
  CHECK(versori_last_error_status() == 0);

  /* a success clears them */
  CHECK(versori_call(c, "ListSystems", "{\"first\":1}", &out) == VERSORI_OK);
  versori_string_free(out);
  CHECK(versori_last_error_message() == NULL);
  CHECK(versori_last_error_code() == NULL);
}

static void test_invalid_input(const VersoriClient *c) {
  char *out = NULL;
  CHECK(versori_call(NULL, "GetEndUser", "{}", &out) == VERSORI_INVALID_ARGUMENT);
  CHECK(last_message_has("client"));
  CHECK(versori_last_error_status() == 0);
  CHECK(versori_call(c, NULL, "{}", &out) == VERSORI_INVALID_ARGUMENT);
  CHECK(last_message_has("operation_id"));
  CHECK(versori_call(c, "ListSystems", "{}", NULL) == VERSORI_INVALID_ARGUMENT);
  CHECK(last_message_has("out_json"));
  CHECK(out == NULL);

  /* refused before anything is sent: the operation, its arguments and what
   * the message names (NULL: anything) */
  static const char *const refused[][3] = {
      {"GetEndUser", "{\"user_id\": ", "not valid JSON"},
      {"GetEndUser", "[1,2]", NULL},
      {"GetEndUser", "{\"user_id\":\"\xff\xfe\"}", "UTF-8"},
      {"Get\xc3\x28User", "{}", "UTF-8"},
      {"GetEndUsr", "{}", "GetEndUsr"},
      {"GetEndUser", "{}", "user_id"},
      {"GetEndUser", "{\"user_id\":42}", "user_id"},
      {"GetEndUser", "{\"user_id\":\"a\",\"colour\":1}", "colour"},
      {"CreateEndUser", "{\"body\":[1]}", "body"},
  };
  for (size_t i = 0; i < sizeof refused / sizeof refused[0]; i++) {
    call_fails(c, refused[i][0], refused[i][1], VERSORI_INVALID_ARGUMENT, 0, NULL);
    if (refused[i][2] != NULL) CHECK(last_message_has(refused[i][2]));
  }

  VersoriClient *bad = NULL;
  VersoriClientOptions opts = client_options("ftp://example.com", NULL);
  opts.api_key = "k";
  CHECK(versori_client_new(&opts, &bad) == VERSORI_INVALID_ARGUMENT && bad == NULL);
  CHECK(last_message_has("ftp"));
  opts.base_url = "http://platform.example.com"; /* credentials over plain http */
  CHECK(versori_client_new(&opts, &bad) == VERSORI_INVALID_ARGUMENT && bad == NULL);
  opts.base_url = "http://127.0.0.1:9";
  opts.organisation = "\xff";
  CHECK(versori_client_new(&opts, &bad) == VERSORI_INVALID_ARGUMENT && bad == NULL);
  CHECK(last_message_has("opts->organisation"));
  CHECK(versori_client_new(&opts, NULL) == VERSORI_INVALID_ARGUMENT);

  VersoriEmulator *emu = NULL;
  CHECK(versori_emulator_start(0, NULL) == VERSORI_INVALID_ARGUMENT);
  CHECK(versori_emulator_base_url(NULL, &out) == VERSORI_INVALID_ARGUMENT);
  CHECK(emu == NULL && out == NULL);

  /* frees accept NULL */
  versori_client_free(NULL);
  versori_pager_free(NULL);
  versori_emulator_free(NULL);
  versori_string_free(NULL);
}

/* Answers one request with a 200 whose body is not JSON. */
static void *serve_garbage(void *arg) {
  int fd = *(int *)arg;
  int conn = accept(fd, NULL, NULL);
  if (conn < 0) return NULL;
  char buf[4096];
  read_request_head(conn, buf, sizeof buf);
  const char *reply =
      "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 8\r\n"
      "connection: close\r\n\r\nnot json";
  ssize_t w = write(conn, reply, strlen(reply));
  (void)w;
  close(conn);
  return NULL;
}

static void test_error_statuses(const VersoriClient *c, const char *base_url) {
  /* the platform's statuses and codes */
  call_fails(c, "GetEndUser", "{\"user_id\":\"nobody\"}", VERSORI_API_ERROR, 404, "not_found");
  versori_string_free(call_ok(c, "CreateEndUser", "{\"body\":{\"externalId\":\"dup\"}}"));
  call_fails(c, "CreateEndUser", "{\"body\":{\"externalId\":\"dup\"}}", VERSORI_API_ERROR, 409,
             "conflict");
  call_fails(c, "UpdateEndUser", "{\"user_id\":\"dup\",\"body\":{\"externalId\":\"other\"}}",
             VERSORI_API_ERROR, 422, "rule_violation");
  call_fails(c, "CreateConnection", "{\"body\":{}}", VERSORI_API_ERROR, 400, NULL);
  CHECK(versori_last_error_status() == 400);

  /* no credentials: 401 (nothing in the environment either) */
  VersoriClient *anon = new_client(base_url, NULL, 0, 0);
  call_fails(anon, "ListSystems", "{}", VERSORI_API_ERROR, 401, "unauthorized");
  versori_client_free(anon);

  /* connection refused */
  int port = 0;
  int fd = listen_loopback(&port);
  close(fd);
  char url[64];
  snprintf(url, sizeof url, "http://127.0.0.1:%d", port);
  VersoriClient *refused = new_client(url, "k", 2000, 0);
  call_fails(refused, "ListSystems", "{}", VERSORI_TRANSPORT_ERROR, 0, NULL);
  versori_client_free(refused);

  /* a server that accepts but never answers */
  fd = listen_loopback(&port);
  snprintf(url, sizeof url, "http://127.0.0.1:%d", port);
  VersoriClient *slow = new_client(url, "k", 300, 0);
  call_fails(slow, "ListSystems", "{}", VERSORI_TIMEOUT, 0, NULL);
  versori_client_free(slow);
  close(fd);

  /* a 200 whose body is not JSON */
  fd = listen_loopback(&port);
  pthread_t server;
  CHECK(pthread_create(&server, NULL, serve_garbage, &fd) == 0);
  snprintf(url, sizeof url, "http://127.0.0.1:%d", port);
  VersoriClient *garbage = new_client(url, "k", 5000, 0);
  call_fails(garbage, "ListSystems", "{}", VERSORI_DECODE_ERROR, 200, NULL);
  versori_client_free(garbage);
  pthread_join(server, NULL);
  close(fd);

  /* conflicting credentials in the environment */
  setenv("VERSORI_API_KEY", "key", 1);
  setenv("VERSORI_JWT", "token", 1);
  VersoriClient *conflicted = NULL;
  CHECK(versori_client_new(NULL, &conflicted) == VERSORI_AUTH_ERROR && conflicted == NULL);
  CHECK(last_message_has("VERSORI_API_KEY"));
  /* explicit credentials take precedence over the environment's */
  VersoriClient *explicit_key = new_client(base_url, "explicit", 0, -1);
  CHECK(explicit_key != NULL);
  versori_client_free(explicit_key);
  unsetenv("VERSORI_API_KEY");
  unsetenv("VERSORI_JWT");

  /* NULL fields come from the environment */
  setenv("VERSORI_BASE_URL", base_url, 1);
  setenv("VERSORI_ORG", ORG, 1);
  setenv("VERSORI_API_KEY", "from-env", 1);
  VersoriClient *from_env = NULL;
  CHECK(versori_client_new(NULL, &from_env) == VERSORI_OK);
  versori_string_free(call_ok(from_env, "GetEndUser", "{\"user_id\":\"dup\"}"));
  versori_client_free(from_env);
  unsetenv("VERSORI_BASE_URL");
  unsetenv("VERSORI_ORG");
  unsetenv("VERSORI_API_KEY");
}

#define THREADS 4
#define CALLS_PER_THREAD 10

struct worker {
  const VersoriClient *client;
  int index;
  int failed;
};

static void *work(void *arg) {
  struct worker *w = arg;
  char args[256];
  for (int i = 0; i < CALLS_PER_THREAD; i++) {
    char *out = NULL;
    snprintf(args, sizeof args, "{\"body\":{\"externalId\":\"thread-%d-%d\"}}", w->index, i);
    if (versori_call(w->client, "CreateEndUser", args, &out) != VERSORI_OK) w->failed++;
    versori_string_free(out);
    out = NULL;
    snprintf(args, sizeof args, "{\"user_id\":\"thread-%d-%d\"}", w->index, i);
    char *ext = NULL;
    if (versori_call(w->client, "GetEndUser", args, &out) != VERSORI_OK ||
        (ext = json_string(out, "externalId")) == NULL || strncmp(ext, "thread-", 7) != 0 ||
        strstr(args, ext) == NULL) {
      w->failed++;
    }
    free(ext);
    versori_string_free(out);
    /* this thread's error stays this thread's */
    snprintf(args, sizeof args, "{\"user_id\":\"missing-%d\"}", w->index);
    out = NULL;
    if (versori_call(w->client, "GetEndUser", args, &out) != VERSORI_API_ERROR ||
        versori_last_error_status() != 404) {
      w->failed++;
    }
    const char *msg = versori_last_error_message();
    char mine[32];
    snprintf(mine, sizeof mine, "missing-%d", w->index);
    if (msg == NULL || strstr(msg, mine) == NULL) w->failed++;
  }
  return NULL;
}

static void test_threads(const VersoriClient *c) {
  pthread_t threads[THREADS];
  struct worker workers[THREADS];
  for (int i = 0; i < THREADS; i++) {
    workers[i] = (struct worker){c, i, 0};
    CHECK(pthread_create(&threads[i], NULL, work, &workers[i]) == 0);
  }
  for (int i = 0; i < THREADS; i++) {
    pthread_join(threads[i], NULL);
    if (workers[i].failed) fprintf(stderr, "thread %d: %d failures\n", i, workers[i].failed);
    CHECK(workers[i].failed == 0);
  }
  char *s = call_ok(c, "ListEndUsers", "{\"search\":\"thread-\"}");
  int n = 0;
  for (const char *p = s; p && (p = strstr(p, "\"externalId\":\"thread-")); p++) n++;
  CHECK(n == THREADS * CALLS_PER_THREAD);
  versori_string_free(s);
}

int main(void) {
  clear_versori_environment();
  test_version();

  VersoriEmulator *emu = NULL;
  char *base_url = NULL;
  if (start_emulator(&emu, &base_url) != 0) {
    versori_emulator_free(emu);
    return 1;
  }

  VersoriClient *c = new_client(base_url, "test-key", 0, -1);
  if (c != NULL) {
    test_every_tag(c);
    test_pagination(c);
    test_pager_outlives_client(base_url);
    test_invalid_input(c);
    test_error_statuses(c, base_url);
    test_error_text_lifetime(c);
    test_threads(c);
  }
  versori_client_free(c);
  versori_string_free(base_url);
  versori_emulator_free(emu);
  return finish("test_ffi");
}
