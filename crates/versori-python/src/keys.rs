//! The cache of object keys: the same few field names come back in every
//! response and in every item of a listing, so each is made into a Python
//! string once and shared (interned, which also makes the models' look-ups
//! of literal field names identity comparisons).

use std::sync::{Mutex, MutexGuard, TryLockError};

use ahash::AHashMap;
use pyo3::prelude::*;
use pyo3::types::PyString;

/// At most this many distinct keys are cached; past it (bodies made of ever
/// new keys) keys are still made, only not shared.
const KEY_CACHE: usize = 1024;

/// Keys longer than this are not cached (names of fields are short; long
/// keys are data, such as a map keyed by URLs).
const KEY_CACHE_LEN: usize = 64;

type KeyMap = AHashMap<Box<str>, Py<PyString>>;

/// The keys of every decoding so far, bounded by [`KEY_CACHE`]; the strings
/// live as long as the process (they are interned, so Python keeps them
/// anyway).
static SHARED: Mutex<Option<KeyMap>> = Mutex::new(None);

/// The key cache one decoding uses: the shared one, or its own when the
/// shared one is busy (a decoding started by a finalizer that runs during
/// another one, or by another thread between two of its steps).
pub(crate) enum Keys<'g> {
    Shared(MutexGuard<'g, Option<KeyMap>>),
    Own(KeyMap),
}

impl Keys<'_> {
    /// The shared cache, or a cache of one's own when it is busy.
    pub(crate) fn take() -> Keys<'static> {
        match SHARED.try_lock() {
            Ok(guard) => Keys::Shared(guard),
            Err(TryLockError::Poisoned(poisoned)) => Keys::Shared(poisoned.into_inner()),
            Err(TryLockError::WouldBlock) => Keys::Own(KeyMap::default()),
        }
    }

    /// The Python string of the object key `k`.
    pub(crate) fn key<'py>(&mut self, py: Python<'py>, k: &str) -> Bound<'py, PyString> {
        let keys = match self {
            Keys::Shared(guard) => guard.get_or_insert_with(KeyMap::default),
            Keys::Own(map) => map,
        };
        if let Some(s) = keys.get(k) {
            return s.bind(py).clone();
        }
        if k.len() > KEY_CACHE_LEN {
            return PyString::new(py, k);
        }
        let s = PyString::intern(py, k);
        if keys.len() < KEY_CACHE {
            keys.insert(k.into(), s.clone().unbind());
        }
        s
    }
}
