//! A response body decoded straight into Python objects.
//!
//! The JSON text of a [`versori::RawResponse`] is read by serde_json's
//! parser with a [`DeserializeSeed`] whose visitor builds `dict`, `list`,
//! `str`, `int`, `float`, `bool` and `None` as it goes: no
//! `serde_json::Value` tree is built and dropped on the way. Object keys are
//! interned once per response and shared by every dict of it (a listing
//! repeats the same dozen keys in each of its items), and interned keys make
//! the models' lookups of literal field names identity comparisons.

use std::collections::HashMap;
use std::fmt;
use std::hash::{BuildHasherDefault, Hasher};
use std::sync::{Mutex, MutexGuard, TryLockError};

use pyo3::exceptions::{PyTypeError, PyValueError};
use pyo3::prelude::*;
use pyo3::types::{PyBool, PyBytes, PyDict, PyFloat, PyList, PyString};
use serde::de::{self, DeserializeSeed, MapAccess, SeqAccess, Visitor};

use crate::errors::to_py_err;

/// At most this many distinct keys are cached; past it (bodies made of ever
/// new keys) keys are still decoded, only not shared.
const KEY_CACHE: usize = 1024;

/// Keys longer than this are not cached (names of fields are short; long
/// keys are data, such as a map keyed by URLs).
const KEY_CACHE_LEN: usize = 64;

/// The success body of a call as Python objects; an empty body is an empty
/// dict (as the facade's `call` reads it). A body that is not JSON is the
/// facade's decode error (`APIResponseError` in Python), with the status
/// and the start of the body.
pub(crate) fn raw_to_py<'py>(
    py: Python<'py>,
    raw: &versori::RawResponse,
) -> PyResult<Bound<'py, PyAny>> {
    if raw.is_empty() {
        return Ok(PyDict::new(py).into_any());
    }
    decode(py, raw.body()).map_err(|e| match e {
        Failure::Python(err) => err,
        Failure::Json(e) => to_py_err(py, raw.decode_error(e)),
        Failure::Utf8(e) => to_py_err(py, raw.decode_error(e)),
    })
}

/// `json.loads` for JSON text (`bytes` or `str`), with this module's decoder.
/// Malformed text is a `ValueError` saying where.
#[pyfunction]
pub(crate) fn loads<'py>(py: Python<'py>, text: &Bound<'py, PyAny>) -> PyResult<Bound<'py, PyAny>> {
    let decoded = if let Ok(s) = text.cast::<PyString>() {
        decode(py, s.to_cow()?.as_bytes())
    } else if let Ok(b) = text.cast::<PyBytes>() {
        decode(py, b.as_bytes())
    } else {
        return Err(PyTypeError::new_err(format!(
            "loads() takes str or bytes, not {}",
            text.get_type().name()?
        )));
    };
    decoded.map_err(|e| match e {
        Failure::Python(err) => err,
        Failure::Json(e) => PyValueError::new_err(format!("invalid JSON: {e}")),
        Failure::Utf8(e) => PyValueError::new_err(format!("invalid JSON: {e}")),
    })
}

/// Why a decoding stopped.
pub(crate) enum Failure {
    /// A Python error raised while building objects (MemoryError, say).
    Python(PyErr),
    /// The text is not one JSON value.
    Json(serde_json::Error),
    /// The text is not UTF-8.
    Utf8(std::str::Utf8Error),
}

/// JSON text as Python objects.
fn decode<'py>(py: Python<'py>, text: &[u8]) -> Result<Bound<'py, PyAny>, Failure> {
    let mut decoder = Decoder::new(py);
    let mut de = serde_json::Deserializer::from_slice(text);
    let decoded = ValueSeed(&mut decoder)
        .deserialize(&mut de)
        .and_then(|value| de.end().map(|()| value));
    finish(&mut decoder, decoded)
}

/// JSON text already known to be UTF-8 as Python objects.
pub(crate) fn decode_str<'py>(py: Python<'py>, text: &str) -> Result<Bound<'py, PyAny>, Failure> {
    let mut decoder = Decoder::new(py);
    let mut de = serde_json::Deserializer::from_str(text);
    let decoded = ValueSeed(&mut decoder)
        .deserialize(&mut de)
        .and_then(|value| de.end().map(|()| value));
    finish(&mut decoder, decoded)
}

/// The outcome of a decoding: a Python error raised while building wins
/// over the parser error it was smuggled out as.
fn finish<'py>(
    decoder: &mut Decoder<'py>,
    decoded: Result<Bound<'py, PyAny>, serde_json::Error>,
) -> Result<Bound<'py, PyAny>, Failure> {
    decoded.map_err(|e| match decoder.failure.take() {
        Some(err) => Failure::Python(err),
        None => Failure::Json(e),
    })
}

/// The interned keys of every decoding so far: the same few field names
/// come back in every response, and each item of a listing is decoded on
/// its own. Bounded by [`KEY_CACHE`]; the strings live as long as the
/// process (they are interned, so Python keeps them anyway).
static SHARED_KEYS: Mutex<Option<KeyMap<Py<PyString>>>> = Mutex::new(None);

type KeyMap<V> = HashMap<Box<str>, V, BuildHasherDefault<KeyHasher>>;

/// The key cache one decoding uses: the shared one, or its own when the
/// shared one is busy (a decoding started by a finalizer that runs during
/// another one, or by another thread between two of its steps).
pub(crate) enum Keys<'g> {
    Shared(MutexGuard<'g, Option<KeyMap<Py<PyString>>>>),
    Own(KeyMap<Py<PyString>>),
}

impl Keys<'_> {
    /// The shared cache, or a cache of one's own when it is busy.
    pub(crate) fn take() -> Self {
        match SHARED_KEYS.try_lock() {
            Ok(guard) => Keys::Shared(guard),
            Err(TryLockError::Poisoned(poisoned)) => Keys::Shared(poisoned.into_inner()),
            Err(TryLockError::WouldBlock) => Keys::Own(KeyMap::default()),
        }
    }

    fn map(&mut self) -> &mut KeyMap<Py<PyString>> {
        match self {
            Keys::Shared(guard) => guard.get_or_insert_with(KeyMap::default),
            Keys::Own(map) => map,
        }
    }

    /// The interned Python string of the object key `k`.
    pub(crate) fn key<'py>(&mut self, py: Python<'py>, k: &str) -> Bound<'py, PyString> {
        let keys = self.map();
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

/// The state one decoding shares between its nested values.
struct Decoder<'py> {
    py: Python<'py>,
    keys: Keys<'static>,
    failure: Option<PyErr>,
}

impl<'py> Decoder<'py> {
    fn new(py: Python<'py>) -> Self {
        Decoder {
            py,
            keys: Keys::take(),
            failure: None,
        }
    }

    /// Keeps a Python error and gives the parser an error that stops it.
    fn fail<E: de::Error>(&mut self, err: PyErr) -> E {
        self.failure = Some(err);
        E::custom("a Python error occurred while decoding")
    }

    fn key(&mut self, k: &str) -> Bound<'py, PyString> {
        self.keys.key(self.py, k)
    }
}

/// Any JSON value.
struct ValueSeed<'s, 'py>(&'s mut Decoder<'py>);

impl<'de, 'py> DeserializeSeed<'de> for ValueSeed<'_, 'py> {
    type Value = Bound<'py, PyAny>;

    fn deserialize<D: de::Deserializer<'de>>(
        self,
        deserializer: D,
    ) -> Result<Self::Value, D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl<'de, 'py> Visitor<'de> for ValueSeed<'_, 'py> {
    type Value = Bound<'py, PyAny>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON value")
    }

    fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(self.0.py.None().into_bound(self.0.py))
    }

    fn visit_none<E: de::Error>(self) -> Result<Self::Value, E> {
        self.visit_unit()
    }

    fn visit_bool<E: de::Error>(self, v: bool) -> Result<Self::Value, E> {
        Ok(PyBool::new(self.0.py, v).to_owned().into_any())
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Self::Value, E> {
        let Ok(i) = v.into_pyobject(self.0.py);
        Ok(i.into_any())
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Self::Value, E> {
        let Ok(i) = v.into_pyobject(self.0.py);
        Ok(i.into_any())
    }

    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Self::Value, E> {
        Ok(PyFloat::new(self.0.py, v).into_any())
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
        Ok(PyString::new(self.0.py, v).into_any())
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
        let mut items = Vec::with_capacity(seq.size_hint().unwrap_or(0));
        while let Some(item) = seq.next_element_seed(ValueSeed(&mut *self.0))? {
            items.push(item);
        }
        match PyList::new(self.0.py, items) {
            Ok(list) => Ok(list.into_any()),
            Err(e) => Err(self.0.fail(e)),
        }
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let dict = PyDict::new(self.0.py);
        while let Some(key) = map.next_key_seed(KeySeed(&mut *self.0))? {
            let value = map.next_value_seed(ValueSeed(&mut *self.0))?;
            if let Err(e) = dict.set_item(key, value) {
                return Err(self.0.fail(e));
            }
        }
        Ok(dict.into_any())
    }
}

/// An object's key, shared through the decoder's cache.
struct KeySeed<'s, 'py>(&'s mut Decoder<'py>);

impl<'de, 'py> DeserializeSeed<'de> for KeySeed<'_, 'py> {
    type Value = Bound<'py, PyString>;

    fn deserialize<D: de::Deserializer<'de>>(
        self,
        deserializer: D,
    ) -> Result<Self::Value, D::Error> {
        deserializer.deserialize_str(self)
    }
}

impl<'de, 'py> Visitor<'de> for KeySeed<'_, 'py> {
    type Value = Bound<'py, PyString>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an object key")
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
        Ok(self.0.key(v))
    }
}

/// A fast non-cryptographic hash for the key cache (the multiply-rotate of
/// rustc's FxHasher); the cache is bounded, so collisions cost little.
#[derive(Default)]
pub(crate) struct KeyHasher(u64);

impl KeyHasher {
    const SEED: u64 = 0x51_7c_c1_b7_27_22_0a_95;

    fn add(&mut self, word: u64) {
        self.0 = (self.0.rotate_left(5) ^ word).wrapping_mul(Self::SEED);
    }
}

impl Hasher for KeyHasher {
    fn write(&mut self, bytes: &[u8]) {
        let mut chunks = bytes.chunks_exact(8);
        for chunk in &mut chunks {
            let mut word = [0u8; 8];
            word.copy_from_slice(chunk);
            self.add(u64::from_le_bytes(word));
        }
        let rest = chunks.remainder();
        if !rest.is_empty() {
            let mut word = [0u8; 8];
            word[..rest.len()].copy_from_slice(rest);
            self.add(u64::from_le_bytes(word));
        }
    }

    fn write_u8(&mut self, i: u8) {
        self.add(u64::from(i));
    }

    fn write_usize(&mut self, i: usize) {
        self.add(i as u64);
    }

    fn finish(&self) -> u64 {
        self.0
    }
}
