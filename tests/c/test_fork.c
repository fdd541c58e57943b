/*
 * fork() with libversori in use: four children call through the parent's
 * client (and a client made before the fork but first used in the child, and
 * one made in the child) while the parent keeps calling; every child must
 * exit cleanly and the parent must carry on. Each process runs under an
 * alarm, so a hang fails the test instead of stalling the suite.
 *
 * Built by `cargo xtask test` with -std=c11 -Wall -Wextra -Werror and run
 * plain and under valgrind.
 */
#define _POSIX_C_SOURCE 200809L

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "support.h"

#define ORG "01J8ZQ4N7G3Y5B2K9T6W1XF0RK"
#define CHILDREN 4
/* seconds any one process may take (valgrind is slow) */
#define ALARM 240


/* A client of ORG at `base_url` with an API key and a long timeout. */
static VersoriClient *new_client(const char *base_url) {
  VersoriClientOptions opts = client_options(base_url, ORG);
  opts.api_key = "fork-key";
  opts.request_timeout_ms = 20000;
  return open_client(&opts);
}

/* Creates end users `<who>-0..n-1`, reads each back, and lists them. */
static void work(const VersoriClient *c, const char *who, int n) {
  char args[256];
  for (int i = 0; i < n; i++) {
    char *out = NULL;
    snprintf(args, sizeof args, "{\"body\":{\"externalId\":\"%s-%d\"}}", who, i);
    VersoriStatus st = versori_call(c, "CreateEndUser", args, &out);
    if (st != VERSORI_OK) {
      print_last_error(args, st);
      failures++;
      continue;
    }
    versori_string_free(out);
    snprintf(args, sizeof args, "{\"user_id\":\"%s-%d\"}", who, i);
    st = versori_call(c, "GetEndUser", args, &out);
    CHECK(st == VERSORI_OK);
    if (st == VERSORI_OK) {
      char expected[128];
      snprintf(expected, sizeof expected, "\"externalId\":\"%s-%d\"", who, i);
      CHECK(strstr(out, expected) != NULL);
      versori_string_free(out);
    } else {
      print_last_error(args, st);
    }
  }
  VersoriPager *pager = NULL;
  VersoriStatus st = versori_paginate(c, "ListSystems", NULL, &pager);
  CHECK(st == VERSORI_OK);
  if (st == VERSORI_OK) {
    char *item = NULL;
    while ((st = versori_pager_next(pager, &item)) == VERSORI_OK) versori_string_free(item);
    CHECK(st == VERSORI_DONE);
  }
  versori_pager_free(pager);
}

/* The number of end users the organisation holds. */
static int count_users(const VersoriClient *c) {
  char *out = NULL;
  if (versori_call(c, "ListEndUsers", NULL, &out) != VERSORI_OK) {
    print_last_error("ListEndUsers", VERSORI_API_ERROR);
    failures++;
    return -1;
  }
  int n = 0;
  for (const char *p = out; (p = strstr(p, "\"externalId\"")) != NULL; p++) n++;
  versori_string_free(out);
  return n;
}

static int child(const char *base_url, const VersoriClient *inherited,
                 const VersoriClient *unused, int n) {
  char who[64];
  alarm(ALARM);
  snprintf(who, sizeof who, "child%d-inherited", n);
  work(inherited, who, 3);
  snprintf(who, sizeof who, "child%d-first-use", n);
  work(unused, who, 3);
  VersoriClient *fresh = new_client(base_url);
  if (fresh != NULL) {
    snprintf(who, sizeof who, "child%d-fresh", n);
    work(fresh, who, 3);
  }
  versori_client_free(fresh);
  return failures ? 1 : 0;
}

int main(void) {
  clear_versori_environment();
  alarm(ALARM);

  VersoriEmulator *emu = NULL;
  char *base_url = NULL;
  if (start_emulator(&emu, &base_url) != 0) return 1;
  VersoriClient *c = new_client(base_url);
  VersoriClient *unused = new_client(base_url); /* first used in the children */
  if (c == NULL || unused == NULL) return 1;
  /* the runtime, the pool and its connections exist before the fork */
  work(c, "parent-before", 3);

  pid_t pids[CHILDREN];
  for (int n = 0; n < CHILDREN; n++) {
    fflush(NULL);
    pids[n] = fork();
    if (pids[n] < 0) {
      perror("fork");
      return 1;
    }
    if (pids[n] == 0) {
      int rc = child(base_url, c, unused, n);
      /* the child's copies of the parent's handles: freeing them must leave
       * the parent's emulator and connections alone */
      versori_client_free(c);
      versori_client_free(unused);
      versori_string_free(base_url);
      versori_emulator_free(emu);
      exit(rc);
    }
  }

  /* the parent keeps calling while the children run */
  int rounds = 0, running = CHILDREN, status = 0;
  while (running > 0) {
    char who[64];
    snprintf(who, sizeof who, "parent-%d", rounds++);
    work(c, who, 1);
    for (int n = 0; n < CHILDREN; n++) {
      if (pids[n] == 0) continue;
      pid_t done = waitpid(pids[n], &status, WNOHANG);
      if (done == pids[n]) {
        if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
          fprintf(stderr, "child %d ended badly (status %d)\n", n, status);
          failures++;
        }
        pids[n] = 0;
        running--;
      }
    }
  }
  work(c, "parent-after", 3);
  work(unused, "parent-unused", 1);
  /* 3 before; every child 3 x 3; the parent's rounds; 3 + 1 after */
  int expected = 3 + CHILDREN * 9 + rounds + 4;
  int users = count_users(c);
  if (users != expected) fprintf(stderr, "%d users, expected %d\n", users, expected);
  CHECK(users == expected);

  versori_client_free(c);
  versori_client_free(unused);
  versori_string_free(base_url);
  versori_emulator_free(emu);
  printf("test_fork: %d children, %d parent rounds\n", CHILDREN, rounds);
  return finish("test_fork");
}
