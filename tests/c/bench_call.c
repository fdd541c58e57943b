/*
 * The C side of `cargo bench -p versori-ffi`: times versori_call for the
 * operation argv[2] with the arguments argv[3] (JSON) against the base URL
 * argv[1]. Reads a count per line on stdin, makes that many sequential calls,
 * and prints the elapsed nanoseconds; stops at EOF or 0.
 */
#define _POSIX_C_SOURCE 200809L

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "versori.h"

static long long now_ns(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (long long)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

int main(int argc, char **argv) {
  if (argc != 4) {
    fprintf(stderr, "usage: bench_call BASE_URL OPERATION ARGS_JSON\n");
    return 2;
  }
  VersoriClientOptions opts;
  memset(&opts, 0, sizeof opts);
  opts.base_url = argv[1];
  opts.organisation = "01J8ZQ4N7G3Y5B2K9T6W1X00RG";
  opts.api_key = "vk_bench";
  opts.max_retries = -1;
  VersoriClient *client = NULL;
  if (versori_client_new(&opts, &client) != VERSORI_OK) {
    const char *msg = versori_last_error_message();
    fprintf(stderr, "bench_call: %s\n", msg ? msg : "client creation failed");
    return 1;
  }
  char line[64];
  int rc = 0;
  while (rc == 0 && fgets(line, sizeof line, stdin) != NULL) {
    long n = strtol(line, NULL, 10);
    if (n <= 0) break;
    long long t0 = now_ns();
    for (long i = 0; i < n; i++) {
      char *out = NULL;
      if (versori_call(client, argv[2], argv[3], &out) != VERSORI_OK) {
        const char *msg = versori_last_error_message();
        fprintf(stderr, "bench_call: %s\n", msg ? msg : "call failed");
        rc = 1;
        break;
      }
      versori_string_free(out);
    }
    printf("%lld\n", now_ns() - t0);
    fflush(stdout);
  }
  versori_client_free(client);
  return rc;
}
