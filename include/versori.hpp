// versori.hpp: a header-only C++17 wrapper over the C ABI in versori.h.
//
//   versori::Emulator emu;                                  // for tests and demos
//   versori::Client client(versori::ClientOptions{}.base_url(emu.base_url())
//                              .organisation("01J8ZQ4N7G3Y5B2K9T6W1X00RG")
//                              .api_key("key"));
//   std::string user = client.call("CreateEndUser", R"({"body":{"externalId":"c-1"}})");
//   for (const std::string &system : client.paginate("ListSystems")) { ... }
//
// Every failure throws versori::Error (status, HTTP status, platform code,
// message). Client is thread-safe and cheap to move; Pager and Emulator are
// move-only. JSON goes in and out as std::string. Handles survive fork() (see
// versori.h); versori::set_log_callback() receives the library's log records.
#ifndef VERSORI_HPP
#define VERSORI_HPP

#include <cstdint>
#include <functional>
#include <iterator>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <utility>

#include "versori.h"

namespace versori {

/// A failed call: the VersoriStatus, the HTTP status (0 without a response),
/// the platform's error code (empty when none) and a readable message.
class Error : public std::runtime_error {
 public:
  Error(VersoriStatus status, std::uint16_t http_status, std::string code, const std::string &message)
      : std::runtime_error(message), status_(status), http_status_(http_status), code_(std::move(code)) {}

  /// The status the C function returned.
  VersoriStatus status() const noexcept { return status_; }
  /// The HTTP status (404, 422, ...), or 0 when no response was involved.
  std::uint16_t http_status() const noexcept { return http_status_; }
  /// The platform's error code (`"not_found"`, ...), empty when there is none.
  const std::string &code() const noexcept { return code_; }

 private:
  VersoriStatus status_;
  std::uint16_t http_status_;
  std::string code_;
};

namespace detail {

/// Takes ownership of a string from the library and copies it out.
inline std::string take(char *s) {
  if (s == nullptr) return std::string();
  std::string out(s);
  versori_string_free(s);
  return out;
}

/// Copies a string the library lends (NULL: empty); the library keeps it.
inline std::string copy(const char *s) { return s == nullptr ? std::string() : std::string(s); }

/// Throws the calling thread's last error when `status` is a failure.
inline void check(VersoriStatus status) {
  if (status == VERSORI_OK || status == VERSORI_DONE) return;
  std::uint16_t http = versori_last_error_status();
  // lent until this thread's next fallible call: copied before anything else
  std::string code = copy(versori_last_error_code());
  std::string message = copy(versori_last_error_message());
  if (message.empty()) message = "libversori call failed with status " + std::to_string(static_cast<int>(status));
  throw Error(status, http, std::move(code), message);
}

inline const char *c_str_or_null(const std::optional<std::string> &s) { return s ? s->c_str() : nullptr; }

/// Frees a handle of the C ABI with its `_free` function.
template <typename T, void (*Free)(T *)>
struct Freer {
  void operator()(T *handle) const noexcept { Free(handle); }
};

/// A handle of the C ABI owned by the wrapper, freed with `Free`.
template <typename T, void (*Free)(T *)>
using Owned = std::unique_ptr<T, Freer<T, Free>>;

}  // namespace detail

/// The library's version, "MAJOR.MINOR.PATCH".
inline std::string version() { return versori_version(); }

/// How to build a Client; anything left unset comes from the VERSORI_*
/// environment (or the library's defaults).
class ClientOptions {
 public:
  ClientOptions &base_url(std::string v) { base_url_ = std::move(v); return *this; }
  ClientOptions &organisation(std::string v) { organisation_ = std::move(v); return *this; }
  ClientOptions &api_key(std::string v) { api_key_ = std::move(v); return *this; }
  ClientOptions &jwt(std::string v) { jwt_ = std::move(v); return *this; }
  ClientOptions &user_agent(std::string v) { user_agent_ = std::move(v); return *this; }
  ClientOptions &request_timeout_ms(std::uint32_t v) { request_timeout_ms_ = v; return *this; }
  ClientOptions &connect_timeout_ms(std::uint32_t v) { connect_timeout_ms_ = v; return *this; }
  /// Retries after the first attempt; 0 never retries.
  ClientOptions &max_retries(std::int32_t v) { max_retries_ = v; return *this; }
  ClientOptions &allow_insecure_http(bool v) { allow_insecure_http_ = v; return *this; }
  /// The longest response body read, in bytes (0: the default, 64 MiB).
  ClientOptions &max_response_bytes(std::uint64_t v) { max_response_bytes_ = v; return *this; }

  /// The C struct; it borrows this object's strings.
  VersoriClientOptions c_options() const {
    VersoriClientOptions o{};
    o.base_url = detail::c_str_or_null(base_url_);
    o.organisation = detail::c_str_or_null(organisation_);
    o.api_key = detail::c_str_or_null(api_key_);
    o.jwt = detail::c_str_or_null(jwt_);
    o.user_agent = detail::c_str_or_null(user_agent_);
    o.request_timeout_ms = request_timeout_ms_;
    o.connect_timeout_ms = connect_timeout_ms_;
    o.max_retries = max_retries_;
    o.allow_insecure_http = allow_insecure_http_ ? 1 : 0;
    o.max_response_bytes = max_response_bytes_;
    return o;
  }

 private:
  std::optional<std::string> base_url_, organisation_, api_key_, jwt_, user_agent_;
  std::uint32_t request_timeout_ms_ = 0;
  std::uint32_t connect_timeout_ms_ = 0;
  std::int32_t max_retries_ = -1;
  bool allow_insecure_http_ = false;
  std::uint64_t max_response_bytes_ = 0;
};

/// Receives a log record: its level and the record as one line of text.
using LogSink = std::function<void(VersoriLogLevel, const std::string &)>;

namespace detail {

/// The sink the library's records go to (shared so that a record being
/// delivered keeps the sink it started with alive while it is replaced).
inline std::shared_ptr<const LogSink> &log_sink() {
  static std::shared_ptr<const LogSink> sink;
  return sink;
}

inline void log_trampoline(VersoriLogLevel level, const char *message, void *) {
  std::shared_ptr<const LogSink> sink = std::atomic_load(&log_sink());
  if (sink && *sink) {
    try {
      (*sink)(level, message);
    } catch (...) {
      // an exception must not cross into the library
    }
  }
}

}  // namespace detail

/// Sends the library's log records at `min_level` or more severe to `sink`,
/// from any thread (possibly several at once, so it must be thread-safe); an
/// empty `sink` stops logging. Records never contain a credential.
inline void set_log_callback(VersoriLogLevel min_level, LogSink sink) {
  if (!sink) {
    detail::check(versori_set_log_callback(static_cast<std::int32_t>(min_level), nullptr, nullptr));
    std::atomic_store(&detail::log_sink(), std::shared_ptr<const LogSink>());
    return;
  }
  std::atomic_store(&detail::log_sink(), std::shared_ptr<const LogSink>(std::make_shared<LogSink>(std::move(sink))));
  detail::check(versori_set_log_callback(static_cast<std::int32_t>(min_level), detail::log_trampoline, nullptr));
}

/// Every item of a paginated operation, as JSON strings; a single-pass
/// input range: `for (const std::string &item : pager) ...`. Move-only; not
/// for concurrent use.
class Pager {
 public:
  explicit Pager(VersoriPager *raw) : raw_(raw) {}
  Pager(Pager &&) noexcept = default;
  Pager &operator=(Pager &&) noexcept = default;

  /// The next item, or std::nullopt after the last one. Throws Error.
  std::optional<std::string> next() {
    char *item = nullptr;
    VersoriStatus st = versori_pager_next(raw_.get(), &item);
    detail::check(st);
    if (st == VERSORI_DONE) return std::nullopt;
    return detail::take(item);
  }

  class iterator {
   public:
    using iterator_category = std::input_iterator_tag;
    using value_type = std::string;
    using difference_type = std::ptrdiff_t;
    using pointer = const std::string *;
    using reference = const std::string &;

    iterator() = default;
    explicit iterator(Pager *pager) : pager_(pager) { advance(); }
    reference operator*() const { return *current_; }
    pointer operator->() const { return &*current_; }
    iterator &operator++() { advance(); return *this; }
    bool operator==(const iterator &other) const { return pager_ == other.pager_; }
    bool operator!=(const iterator &other) const { return !(*this == other); }

   private:
    void advance() {
      current_ = pager_->next();
      if (!current_) pager_ = nullptr;
    }
    Pager *pager_ = nullptr;
    std::optional<std::string> current_;
  };

  iterator begin() { return iterator(this); }
  iterator end() { return iterator(); }

 private:
  detail::Owned<VersoriPager, versori_pager_free> raw_;
};

/// A client of the Versori Platform API. Thread-safe: share one between
/// threads (by reference); calls block until they complete.
class Client {
 public:
  /// Everything from the VERSORI_* environment.
  Client() : Client(ClientOptions{}) {}

  explicit Client(const ClientOptions &options) {
    VersoriClientOptions o = options.c_options();
    VersoriClient *raw = nullptr;
    detail::check(versori_client_new(&o, &raw));
    raw_.reset(raw);
  }

  /// Calls any operation by operationId; `args_json` holds path and query
  /// parameters by spec name and "body". Returns the response body as JSON.
  std::string call(const std::string &operation_id, const std::string &args_json = "{}") const {
    char *out = nullptr;
    detail::check(versori_call(raw_.get(), operation_id.c_str(), args_json.c_str(), &out));
    return detail::take(out);
  }

  /// Every item of a paginated list operation.
  Pager paginate(const std::string &operation_id, const std::string &args_json = "{}") const {
    VersoriPager *raw = nullptr;
    detail::check(versori_paginate(raw_.get(), operation_id.c_str(), args_json.c_str(), &raw));
    return Pager(raw);
  }

  /// The C handle, for calling the C API directly.
  const VersoriClient *get() const noexcept { return raw_.get(); }

 private:
  detail::Owned<VersoriClient, versori_client_free> raw_;
};

/// The in-memory platform on loopback, for tests; stopped when destroyed.
class Emulator {
 public:
  /// Starts on `port` (0: any free port).
  explicit Emulator(std::uint16_t port = 0) {
    VersoriEmulator *raw = nullptr;
    detail::check(versori_emulator_start(port, &raw));
    raw_.reset(raw);
  }

  /// The base URL to give ClientOptions::base_url.
  std::string base_url() const {
    char *out = nullptr;
    detail::check(versori_emulator_base_url(raw_.get(), &out));
    return detail::take(out);
  }

 private:
  detail::Owned<VersoriEmulator, versori_emulator_free> raw_;
};

}  // namespace versori

#endif  // VERSORI_HPP
