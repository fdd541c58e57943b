/*
 * KV keys through the C ABI: a key travels as the platform's official client
 * sends it (/store/{store}/kv/orders/1042, each segment escaped on its own),
 * whether given to versori_call as a path string or as a JSON array of
 * segments; a key that cannot travel is VERSORI_INVALID_ARGUMENT naming it;
 * against the emulator, 1-, 2- and 5-segment keys and escaped segments round
 * trip and list as their segments.
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

/* One key: its segments as JSON, its path form as a JSON string (both as
   they appear inside an args object), and the path the official client
   sends for it. */
struct key_case {
  const char *segments_json;
  const char *path_json;
  const char *wire;
};

static const struct key_case KEYS[] = {
    {"[\"orders\"]", "\"orders\"", "orders"},
    {"[\"orders\",\"1042\"]", "\"orders/1042\"", "orders/1042"},
    {"[\"a\",\"b\",\"c\",\"d\",\"e\"]", "\"a/b/c/d/e\"", "a/b/c/d/e"},
    {"[\"with space\",\"50%\"]", "\"with space/50%\"", "with%20space/50%25"},
    {"[\"what?\",\"#tag\"]", "\"what?/#tag\"", "what%3F/%23tag"},
    {"[\"caf\\u00e9\",\"\\u2713\"]", "\"caf\\u00e9/\\u2713\"", "caf%C3%A9/%E2%9C%93"},
};
#define KEY_COUNT (sizeof KEYS / sizeof KEYS[0])

/* A client of ORG at `base_url` with an API key, that never retries. */
static VersoriClient *new_client(const char *base_url) {
  VersoriClientOptions opts = client_options(base_url, ORG);
  opts.api_key = "test-key";
  opts.max_retries = 0;
  return open_client(&opts);
}

/* ---- a loopback server that records each request's target ---- */

#define MAX_SEEN 64

struct recorder {
  int fd;
  int expected;
  char targets[MAX_SEEN][512];
  int seen;
};

/* Answers `expected` requests (one per connection) with a 200 and records
   their request targets. */
static void *record(void *arg) {
  struct recorder *r = arg;
  static const char body[] =
      "{\"value\":1,\"versionstamp\":\"v\",\"createdAt\":\"2026-01-02T03:04:05Z\"}";
  while (r->seen < r->expected && r->seen < MAX_SEEN) {
    int conn = accept(r->fd, NULL, NULL);
    if (conn < 0) return NULL;
    char buf[8192];
    read_request_head(conn, buf, sizeof buf);
    /* "METHOD TARGET HTTP/1.1" */
    const char *start = strchr(buf, ' ');
    const char *end = start ? strchr(start + 1, ' ') : NULL;
    if (start && end && (size_t)(end - start - 1) < sizeof r->targets[0]) {
      memcpy(r->targets[r->seen], start + 1, (size_t)(end - start - 1));
      r->targets[r->seen][end - start - 1] = '\0';
    }
    r->seen++;
    char reply[256];
    int len = snprintf(reply, sizeof reply,
                       "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\n"
                       "content-length: %zu\r\nconnection: close\r\n\r\n%s",
                       strlen(body), body);
    ssize_t w = write(conn, reply, (size_t)len);
    (void)w;
    close(conn);
  }
  return NULL;
}

/* Every key, as a string and as segments, for GetKV, SetKV and DeleteKV,
   reaches the server at the official client's path. */
static void test_wire_form(void) {
  int port = 0;
  struct recorder r;
  memset(&r, 0, sizeof r);
  r.fd = listen_loopback(&port);
  r.expected = (int)(KEY_COUNT * 4);
  pthread_t server;
  pthread_create(&server, NULL, record, &r);
  char base[64];
  snprintf(base, sizeof base, "http://127.0.0.1:%d", port);
  VersoriClient *c = new_client(base);
  for (size_t i = 0; c != NULL && i < KEY_COUNT; i++) {
    char args[512];
    snprintf(args, sizeof args, "{\"store\":\"s1\",\"key\":%s}", KEYS[i].path_json);
    versori_string_free(call_ok(c, "GetKV", args));
    snprintf(args, sizeof args, "{\"store\":\"s1\",\"key\":%s}", KEYS[i].segments_json);
    versori_string_free(call_ok(c, "GetKV", args));
    snprintf(args, sizeof args, "{\"store\":\"s1\",\"key\":%s,\"body\":{\"value\":1}}",
             KEYS[i].segments_json);
    versori_string_free(call_ok(c, "SetKV", args));
    snprintf(args, sizeof args, "{\"store\":\"s1\",\"key\":%s,\"body\":{}}", KEYS[i].path_json);
    versori_string_free(call_ok(c, "DeleteKV", args));
  }
  pthread_join(server, NULL);
  close(r.fd);
  CHECK(r.seen == r.expected);
  for (int n = 0; n < r.seen; n++) {
    char want[512];
    snprintf(want, sizeof want, "/store/s1/kv/%s", KEYS[n / 4].wire);
    if (strcmp(r.targets[n], want) != 0) {
      fprintf(stderr, "  request %d went to %s, not %s\n", n, r.targets[n], want);
      failures++;
    }
  }
  versori_client_free(c);
}

/* A key that cannot travel is refused before anything is sent, naming it. */
static void test_bad_keys(void) {
  /* nothing listens on port 9: anything sent would be a transport error */
  VersoriClient *c = new_client("http://127.0.0.1:9");
  const char *bad[][2] = {
      {"{\"store\":\"s1\",\"key\":[\"orders\",\"10/42\"]}", "\"10/42\""},
      {"{\"store\":\"s1\",\"key\":\"orders//1042\"}", "empty segment"},
      {"{\"store\":\"s1\",\"key\":\"orders/..\"}", "\"..\""},
      {"{\"store\":\"s1\",\"key\":[]}", "at least one segment"},
      {"{\"store\":\"s1\",\"key\":[\"a\",3]}", "must be a string"},
  };
  for (size_t i = 0; c != NULL && i < sizeof bad / sizeof bad[0]; i++) {
    char *out = NULL;
    VersoriStatus st = versori_call(c, "GetKV", bad[i][0], &out);
    CHECK(st == VERSORI_INVALID_ARGUMENT);
    CHECK(out == NULL);
    const char *msg = versori_last_error_message();
    if (msg == NULL || strstr(msg, "key") == NULL || strstr(msg, bad[i][1]) == NULL) {
      fprintf(stderr, "  %s: message %s lacks %s\n", bad[i][0], msg ? msg : "(none)",
              bad[i][1]);
      failures++;
    }
  }
  versori_client_free(c);
}

/* Against the emulator every key round trips and lists as its segments. */
static void test_round_trip(const char *base_url) {
  VersoriClient *c = new_client(base_url);
  if (c == NULL) return;
  char *store = call_ok_string(c, "CreateStore", "{\"body\":{\"name\":\"c-keys\"}}", "id");
  CHECK(store != NULL);
  if (store == NULL) {
    versori_client_free(c);
    return;
  }
  char args[512];
  for (size_t i = 0; i < KEY_COUNT; i++) {
    snprintf(args, sizeof args, "{\"store\":\"%s\",\"key\":%s,\"body\":{\"value\":%zu}}", store,
             KEYS[i].segments_json, i);
    versori_string_free(call_ok(c, "SetKV", args));
    snprintf(args, sizeof args, "{\"store\":\"%s\",\"key\":%s}", store, KEYS[i].path_json);
    char *got = call_ok(c, "GetKV", args);
    char want[32];
    snprintf(want, sizeof want, "\"value\":%zu", i);
    CHECK(got != NULL && strstr(got, want) != NULL);
    versori_string_free(got);
    /* stored under its segments */
    snprintf(args, sizeof args, "{\"store\":\"%s\",\"body\":{\"keys\":[%s]}}", store,
             KEYS[i].segments_json);
    char *batch = call_ok(c, "BatchGetKV", args);
    char key[256];
    snprintf(key, sizeof key, "\"key\":%s", KEYS[i].segments_json);
    /* the emulator writes non-ASCII as UTF-8, so compare the ASCII keys only */
    if (strstr(KEYS[i].segments_json, "\\u") == NULL) {
      if (batch == NULL || strstr(batch, key) == NULL) {
        fprintf(stderr, "  %s lacks %s\n", batch ? batch : "(null)", key);
        failures++;
      }
    } else {
      CHECK(batch != NULL && strstr(batch, "\"caf\xc3\xa9\",\"\xe2\x9c\x93\"") != NULL);
    }
    versori_string_free(batch);
  }
  snprintf(args, sizeof args, "{\"store\":\"%s\",\"body\":{\"selector\":{\"prefix\":[\"a\",\"b\"]}}}",
           store);
  char *count = call_ok(c, "CountKV", args);
  CHECK(count != NULL && strstr(count, "\"count\":1") != NULL);
  versori_string_free(count);
  /* deleting by the path form removes the key its segments name */
  snprintf(args, sizeof args, "{\"store\":\"%s\",\"key\":\"a/b/c/d/e\",\"body\":{}}", store);
  versori_string_free(call_ok(c, "DeleteKV", args));
  snprintf(args, sizeof args, "{\"store\":\"%s\",\"body\":{}}", store);
  count = call_ok(c, "CountKV", args);
  CHECK(count != NULL && strstr(count, "\"count\":5") != NULL);
  versori_string_free(count);
  free(store);
  versori_client_free(c);
}

int main(void) {
  clear_versori_environment();
  test_wire_form();
  test_bad_keys();

  VersoriEmulator *emu = NULL;
  char *base_url = NULL;
  if (start_emulator(&emu, &base_url) == 0) test_round_trip(base_url);
  versori_string_free(base_url);
  versori_emulator_free(emu);
  return finish("test_kv_keys");
}
