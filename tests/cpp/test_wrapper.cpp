// The C++ wrapper (versori.hpp) against the emulator: RAII, exceptions with
// status/code/message, range-for pagination, and one client shared by
// several threads. Built by `cargo xtask test` with -std=c++17 -Wall
// -Wextra -Werror and run plain and under valgrind.
#include <cstdio>
#include <cstdlib>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "versori.hpp"

static int failures = 0;

#define CHECK(cond)                                                                   \
  do {                                                                                \
    if (!(cond)) {                                                                    \
      std::fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, __LINE__, #cond); \
      failures++;                                                                     \
    }                                                                                 \
  } while (0)

static const char *const kOrg = "01J8ZQ4N7G3Y5B2K9T6W1X00RG";

// Runs `f`, which must throw versori::Error with `status` and `http`.
template <typename F>
static void expect_error(F f, VersoriStatus status, unsigned http, const std::string &code) {
  try {
    f();
    std::fprintf(stderr, "expected an error with status %d\n", static_cast<int>(status));
    failures++;
  } catch (const versori::Error &e) {
    if (e.status() != status || e.http_status() != http || e.code() != code) {
      std::fprintf(stderr, "unexpected error: status %d http %u code '%s': %s\n",
                   static_cast<int>(e.status()), static_cast<unsigned>(e.http_status()),
                   e.code().c_str(), e.what());
      failures++;
    }
    CHECK(std::string(e.what()).size() > 0);
  }
}

int main() {
  try {
    CHECK(versori::version() == VERSORI_VERSION_STRING);
    versori::Emulator emu;
    versori::Client client(versori::ClientOptions{}.base_url(emu.base_url()).organisation(kOrg).api_key("key"));

    std::string user = client.call("CreateEndUser", R"({"body":{"externalId":"cpp-1","displayName":"C++"}})");
    CHECK(user.find("\"externalId\":\"cpp-1\"") != std::string::npos);
    CHECK(client.call("GetEndUser", R"({"user_id":"cpp-1"})").find("cpp-1") != std::string::npos);
    CHECK(client.call("ListExecutionPools").size() > 2);

    for (int i = 0; i < 5; i++) {
      client.call("CreateSystem", R"({"body":{"name":"sys-)" + std::to_string(i) +
                                      R"(","domain":"d","templateBaseUrl":"https://d","authSchemeConfigs":[]}})");
    }
    int n = 0;
    for (const std::string &system : client.paginate("ListSystems", R"({"first":2})")) {
      CHECK(system.find("\"name\":\"sys-") != std::string::npos);
      n++;
    }
    CHECK(n == 5);
    versori::Pager pager = client.paginate("ListSystems");
    int m = 0;
    while (auto item = pager.next()) m++;
    CHECK(m == 5);
    CHECK(!pager.next());

    expect_error([&] { client.call("GetEndUser", R"({"user_id":"nobody"})"); }, VERSORI_API_ERROR, 404, "not_found");
    expect_error([&] { client.call("CreateEndUser", R"({"body":{"externalId":"cpp-1"}})"); }, VERSORI_API_ERROR, 409,
                 "conflict");
    expect_error([&] { client.call("GetEndUser", "{not json"); }, VERSORI_INVALID_ARGUMENT, 0, "");
    expect_error([&] { client.call("NoSuchOperation"); }, VERSORI_INVALID_ARGUMENT, 0, "");
    expect_error([&] { client.paginate("GetEndUser"); }, VERSORI_INVALID_ARGUMENT, 0, "");
    expect_error([&] { versori::Client bad(versori::ClientOptions{}.base_url("not a url").api_key("k")); },
                 VERSORI_INVALID_ARGUMENT, 0, "");
    expect_error(
        [&] {
          versori::Client refused(
              versori::ClientOptions{}.base_url("http://127.0.0.1:9").organisation(kOrg).api_key("k").max_retries(0));
          refused.call("ListSystems");
        },
        VERSORI_TRANSPORT_ERROR, 0, "");

    // one client, several threads
    std::vector<std::thread> threads;
    std::vector<int> failed(4, 0);
    for (int t = 0; t < 4; t++) {
      threads.emplace_back([&client, &failed, t] {
        for (int i = 0; i < 5; i++) {
          std::string id = "cpp-thread-" + std::to_string(t) + "-" + std::to_string(i);
          try {
            client.call("CreateEndUser", R"({"body":{"externalId":")" + id + R"("}})");
            if (client.call("GetEndUser", R"({"user_id":")" + id + R"("})").find(id) == std::string::npos) failed[t]++;
          } catch (const versori::Error &e) {
            std::fprintf(stderr, "thread %d: %s\n", t, e.what());
            failed[t]++;
          }
        }
      });
    }
    for (auto &th : threads) th.join();
    for (int f : failed) CHECK(f == 0);
    std::string all = client.call("ListEndUsers", R"({"search":"cpp-thread-"})");
    int count = 0;
    for (std::size_t p = all.find("cpp-thread-"); p != std::string::npos; p = all.find("\"externalId\":\"cpp-thread-", p + 1)) {
      count++;
    }
    CHECK(count >= 20);

    // the response size limit
    expect_error(
        [&] {
          versori::Client tiny(
              versori::ClientOptions{}.base_url(emu.base_url()).organisation(kOrg).api_key("k").max_response_bytes(16));
          tiny.call("GetEndUser", R"({"user_id":"cpp-1"})");
        },
        VERSORI_DECODE_ERROR, 200, "");

    // log records through a std::function
    std::mutex log_mutex;
    std::vector<std::string> lines;
    versori::set_log_callback(VERSORI_LOG_DEBUG, [&](VersoriLogLevel level, const std::string &line) {
      std::lock_guard<std::mutex> lock(log_mutex);
      if (level == VERSORI_LOG_DEBUG) lines.push_back(line);
    });
    client.call("GetEndUser", R"({"user_id":"cpp-1"})");
    versori::set_log_callback(VERSORI_LOG_DEBUG, nullptr);
    client.call("GetEndUser", R"({"user_id":"cpp-1"})");
    {
      std::lock_guard<std::mutex> lock(log_mutex);
      CHECK(lines.size() == 1);
      CHECK(!lines.empty() && lines[0].find("response operation_id=GetEndUser method=GET") == 0);
      CHECK(!lines.empty() && lines[0].find("status=200") != std::string::npos);
    }

    // moving keeps one owner
    versori::Client moved = std::move(client);
    CHECK(moved.call("GetEndUser", R"({"user_id":"cpp-1"})").find("cpp-1") != std::string::npos);
  } catch (const versori::Error &e) {
    std::fprintf(stderr, "unexpected versori::Error: %s\n", e.what());
    return 1;
  }
  if (failures) {
    std::fprintf(stderr, "test_wrapper: %d check(s) failed\n", failures);
    return 1;
  }
  std::printf("test_wrapper: all checks passed\n");
  return 0;
}
