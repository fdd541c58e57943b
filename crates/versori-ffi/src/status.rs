//! The status every fallible function returns.

/// The outcome of a call into the library.
///
/// The values are part of the ABI: they are explicit, never change and are
/// never reused. The type is 32 bits wide and unsigned (`uint32_t`) in C
/// and C++ alike, whatever size a compiler picks for enums. After any
/// status other than `VERSORI_OK` and `VERSORI_DONE`,
/// `versori_last_error_message()` and its siblings describe the failure on
/// the calling thread.
#[repr(u32)]
#[allow(non_camel_case_types)]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum VersoriStatus {
    /// Success; out-parameters were written.
    VERSORI_OK = 0,
    /// A pager has no more items (`versori_pager_next` only); nothing was written.
    VERSORI_DONE = 1,
    /// An argument was rejected before anything was sent: a NULL pointer,
    /// text that is not UTF-8, JSON that does not parse, an unknown
    /// operation, or a missing or wrongly typed parameter.
    VERSORI_INVALID_ARGUMENT = 2,
    /// The platform answered with an error status (4xx or 5xx):
    /// `versori_last_error_status()` gives it and `versori_last_error_code()`
    /// the platform's error code. Also a redirect (3xx), which the library
    /// never follows: its status, the code `"redirect"`, and the `Location`
    /// in the message.
    VERSORI_API_ERROR = 3,
    /// The request could not be sent or its response not received
    /// (connection refused or reset, DNS, TLS).
    VERSORI_TRANSPORT_ERROR = 4,
    /// The request, or the call with its retries, took too long.
    VERSORI_TIMEOUT = 5,
    /// A response the library could not use: a success body that does not
    /// match the spec, a body over `max_response_bytes`, or a listing whose
    /// page hands back a cursor already followed.
    VERSORI_DECODE_ERROR = 6,
    /// Credentials are missing, unreadable or could not be used.
    VERSORI_AUTH_ERROR = 7,
    /// A bug inside the library was caught at the ABI boundary; the program
    /// can go on, but the call did nothing useful.
    VERSORI_PANIC = 8,
    /// The library could not get a resource it needs from the system (its
    /// runtime threads, a listening socket for the emulator).
    VERSORI_SYSTEM_ERROR = 9,
}
