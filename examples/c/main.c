/*
 * A C program using an installed libversori: it prints the library's
 * version, starts the embedded emulator, creates an end user, reads it back
 * and shows how a missing one fails.
 *
 *   cargo xtask install --prefix "$HOME/.local"
 *   export PKG_CONFIG_PATH="$HOME/.local/lib/pkgconfig"
 *   cc -std=c11 examples/c/main.c -o versori_c_example \
 *      $(pkg-config --cflags --libs versori) -Wl,-rpath,"$HOME/.local/lib"
 *   ./versori_c_example
 *
 * With `pkg-config --cflags --libs versori-static` it links libversori.a.
 */
#include <stdio.h>
#include <string.h>

#include "versori.h"

/* Reports the last failure on this thread. The message belongs to the
 * library and stays valid until this thread's next call that returns a
 * VersoriStatus, so it is read at once and not freed. */
static int fail(const char *what) {
  const char *why = versori_last_error_message();
  fprintf(stderr, "%s failed: %s\n", what, why ? why : "(no message)");
  return 1;
}

/* Creates an end user, reads it back and looks up one that does not exist. */
static int use(VersoriClient *client) {
  char *created = NULL;
  if (versori_call(client, "CreateEndUser", "{\"body\":{\"externalId\":\"customer-123\"}}",
                   &created) != VERSORI_OK)
    return fail("CreateEndUser");
  printf("created %s\n", created);
  versori_string_free(created);

  char *found = NULL;
  if (versori_call(client, "GetEndUser", "{\"user_id\":\"customer-123\"}", &found) != VERSORI_OK)
    return fail("GetEndUser");
  printf("found %s\n", found);
  versori_string_free(found);

  char *missing = NULL;
  VersoriStatus st = versori_call(client, "GetEndUser", "{\"user_id\":\"nobody\"}", &missing);
  if (st == VERSORI_API_ERROR && versori_last_error_status() == 404) {
    printf("as expected: %s\n", versori_last_error_message());
    return 0;
  }
  versori_string_free(missing);
  fprintf(stderr, "the lookup of an unknown user did not fail with 404\n");
  return 1;
}

int main(void) {
  /* the header and the library must come from the same release */
  printf("libversori %s (header %s)\n", versori_version(), VERSORI_VERSION_STRING);
  if (strcmp(versori_version(), VERSORI_VERSION_STRING) != 0) {
    fprintf(stderr, "the library and the header disagree on the version\n");
    return 1;
  }

  VersoriEmulator *emulator = NULL;
  if (versori_emulator_start(0, &emulator) != VERSORI_OK) return fail("versori_emulator_start");
  char *base_url = NULL;
  if (versori_emulator_base_url(emulator, &base_url) != VERSORI_OK) {
    int failed = fail("versori_emulator_base_url");
    versori_emulator_free(emulator);
    return failed;
  }

  VersoriClientOptions options = {0};
  options.base_url = base_url;
  options.organisation = "01J8ZQ4N7G3Y5B2K9T6W1X00RG";
  options.api_key = "example-key";
  VersoriClient *client = NULL;
  int status = versori_client_new(&options, &client) == VERSORI_OK ? use(client)
                                                                   : fail("versori_client_new");
  versori_client_free(client);
  versori_string_free(base_url);
  versori_emulator_free(emulator);
  return status;
}
