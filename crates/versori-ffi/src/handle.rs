//! Handle ownership, written once for every opaque type the library hands
//! out (`VersoriClient`, `VersoriPager`, `VersoriEmulator`).
//!
//! A handle is a `Box<T>` turned into a raw pointer: [`hand_out`] gives it
//! to the caller through an out-parameter, [`borrow`] and [`borrow_mut`]
//! look at it during a call (NULL is an error naming the argument), and
//! [`free`] takes it back, NULL-safe and inside a panic boundary, and lets
//! the type release what it holds ([`Handle::release`]).

use crate::error::{shielded, Failure};
use crate::runtime;
use crate::strings::check_out;

/// A Rust value the library hands to C as an opaque `T *`, owned by the
/// caller until it passes the pointer to the type's `_free` function.
pub(crate) trait Handle: Sized {
    /// The name of the parameter that carries the handle in the C API
    /// (`"client"`), for the message when it is NULL.
    const ARG: &'static str;

    /// Releases the value once its `_free` has taken it back.
    ///
    /// By default it is dropped inside the library's runtime, since
    /// connection pools release their sockets there; without a runtime it
    /// is dropped plainly.
    fn release(self: Box<Self>) {
        match runtime::runtime() {
            Ok(rt) => {
                let _guard = rt.enter();
                drop(self);
            }
            Err(_) => drop(self),
        }
    }
}

/// Gives `value` to the caller: writes a new handle to `*out`.
///
/// Exports check `out` before doing any work; it is checked here again so
/// that a NULL `out` is never written through (the value is then released
/// as `_free` would).
///
/// # Safety
/// `out` is NULL or valid for writing a pointer.
pub(crate) unsafe fn hand_out<T: Handle>(out: *mut *mut T, value: T) -> Result<(), Failure> {
    if let Err(e) = check_out(out, "out") {
        Box::new(value).release();
        return Err(e);
    }
    let handle = Box::into_raw(Box::new(value));
    // SAFETY: `out` is non-NULL (checked above) and writable by the
    // caller's contract.
    unsafe { out.write(handle) };
    Ok(())
}

/// The value behind a handle, for the length of a call; NULL is
/// `VERSORI_INVALID_ARGUMENT` naming the argument.
///
/// # Safety
/// `handle` is NULL or a handle of this type handed out by [`hand_out`],
/// not yet freed, that no thread mutates during `'a`.
pub(crate) unsafe fn borrow<'a, T: Handle>(handle: *const T) -> Result<&'a T, Failure> {
    // SAFETY: NULL or a live `Box<T>` allocation by the caller's contract.
    unsafe { handle.as_ref() }.ok_or_else(|| null(T::ARG))
}

/// Like [`borrow`], for a call that changes the value.
///
/// # Safety
/// `handle` is NULL or a live handle of this type that no other thread uses
/// during `'a`.
pub(crate) unsafe fn borrow_mut<'a, T: Handle>(handle: *mut T) -> Result<&'a mut T, Failure> {
    // SAFETY: NULL or a live, unshared `Box<T>` allocation by the caller's
    // contract.
    unsafe { handle.as_mut() }.ok_or_else(|| null(T::ARG))
}

/// Takes a handle back and releases it; NULL is allowed and ignored, and a
/// panic while releasing stays inside the library.
///
/// # Safety
/// `handle` is NULL or a handle of this type handed out by [`hand_out`],
/// not yet freed and not in use by another thread.
pub(crate) unsafe fn free<T: Handle>(handle: *mut T) {
    if handle.is_null() {
        return;
    }
    shielded((), || {
        // SAFETY: non-NULL, made by `Box::into_raw` in `hand_out`, and given
        // back exactly once by the caller's contract.
        let boxed = unsafe { Box::from_raw(handle) };
        boxed.release();
    });
}

fn null(arg: &str) -> Failure {
    Failure::invalid(format!("`{arg}` is NULL"))
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::{AtomicUsize, Ordering};

    use super::*;

    /// A handle that counts its releases (each test has its own counter).
    struct Probe(u32, &'static AtomicUsize);

    impl Handle for Probe {
        const ARG: &'static str = "probe";

        fn release(self: Box<Self>) {
            self.1.fetch_add(1, Ordering::SeqCst);
        }
    }

    #[test]
    fn a_handle_goes_out_is_borrowed_and_comes_back_once() {
        static RELEASED: AtomicUsize = AtomicUsize::new(0);
        let mut out: *mut Probe = std::ptr::null_mut();
        // SAFETY: `out` is a writable local.
        unsafe { hand_out(&mut out, Probe(7, &RELEASED)) }.expect("handed out");
        // SAFETY: a live handle, used by this thread only.
        unsafe { borrow_mut(out) }.expect("live").0 += 1;
        // SAFETY: as above.
        assert_eq!(unsafe { borrow(out) }.map(|p| p.0).ok(), Some(8));
        assert_eq!(RELEASED.load(Ordering::SeqCst), 0);
        // SAFETY: a live handle, freed once.
        unsafe { free(out) };
        assert_eq!(RELEASED.load(Ordering::SeqCst), 1);
    }

    #[test]
    fn null_is_named_and_freeing_it_does_nothing() {
        static RELEASED: AtomicUsize = AtomicUsize::new(0);
        // SAFETY: NULL is allowed.
        let err = unsafe { borrow::<Probe>(std::ptr::null()) }.err();
        assert_eq!(err.map(|e| e.message).as_deref(), Some("`probe` is NULL"));
        // SAFETY: NULL is allowed.
        let err = unsafe { borrow_mut::<Probe>(std::ptr::null_mut()) }.err();
        assert_eq!(err.map(|e| e.message).as_deref(), Some("`probe` is NULL"));
        // SAFETY: NULL is allowed.
        unsafe { free::<Probe>(std::ptr::null_mut()) };
        assert_eq!(RELEASED.load(Ordering::SeqCst), 0);
    }

    #[test]
    fn a_null_out_is_an_error_and_the_value_is_released() {
        static RELEASED: AtomicUsize = AtomicUsize::new(0);
        // SAFETY: NULL is allowed; nothing is written.
        let err = unsafe { hand_out(std::ptr::null_mut(), Probe(1, &RELEASED)) }.err();
        assert!(err.is_some_and(|e| e.message.contains("`out` is NULL")));
        assert_eq!(RELEASED.load(Ordering::SeqCst), 1);
    }
}
