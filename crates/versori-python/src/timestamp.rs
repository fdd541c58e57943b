//! A `format: date-time` value read from a body as an aware `datetime`.
//!
//! The commonest form, RFC 3339 in UTC as the platform writes it
//! (`2026-01-02T03:04:05.678Z`), is read here and the `datetime` made
//! through the C API of the `datetime` module (its `datetime.datetime_CAPI`
//! capsule), with no Python string and no parse in Python: what
//! `datetime.fromisoformat` would give, at a third of the cost. Any other
//! text goes to `datetime.fromisoformat` (Python 3.11+), or to the field's
//! Python converter (`None` here), which also warns about a malformed one.
//!
//! The capsule's structure is `datetime.h`'s, outside the stable ABI this
//! module is built for; CPython has only ever added members at its end, and
//! the two members this reads first (the `datetime` class and
//! `timezone.utc`) are checked against the module's own before the capsule
//! is used, so a layout that ever differed would leave the fast form unused
//! rather than misread.

use std::ffi::{c_int, c_void};

use pyo3::ffi;
use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::PyString;

/// A UTC timestamp's parts, as `datetime`'s constructor takes them.
#[derive(Debug, PartialEq, Eq)]
struct Parts {
    year: c_int,
    month: c_int,
    day: c_int,
    hour: c_int,
    minute: c_int,
    second: c_int,
    micro: c_int,
}

/// `YYYY-MM-DDTHH:MM:SS[.fraction](Z|+00:00|-00:00)` (a space may stand for
/// the `T`) as parts, fractions past microseconds dropped, as
/// `datetime.fromisoformat` (3.11+) and the package's RFC 3339 reading
/// (before 3.11) both read it. Anything else is None, ranges unchecked (the
/// constructor checks them).
fn parse_utc(text: &str) -> Option<Parts> {
    let b = text.as_bytes();
    if b.len() < 20 || b[4] != b'-' || b[7] != b'-' || !matches!(b[10], b'T' | b' ') {
        return None;
    }
    if b[13] != b':' || b[16] != b':' {
        return None;
    }
    let num = |range: std::ops::Range<usize>| -> Option<c_int> {
        b.get(range)?.iter().try_fold(0, |n: c_int, &d| {
            d.is_ascii_digit().then(|| n * 10 + c_int::from(d - b'0'))
        })
    };
    let mut rest = &b[19..];
    let mut micro = 0;
    if let [b'.', tail @ ..] = rest {
        let digits = tail.iter().take_while(|d| d.is_ascii_digit()).count();
        if digits == 0 {
            return None;
        }
        micro = tail[..digits.min(6)]
            .iter()
            .fold(0, |n: c_int, &d| n * 10 + c_int::from(d - b'0'));
        for _ in digits..6 {
            micro *= 10;
        }
        rest = &tail[digits..];
    }
    if !matches!(rest, b"Z" | b"+00:00" | b"-00:00") {
        return None;
    }
    Some(Parts {
        year: num(0..4)?,
        month: num(5..7)?,
        day: num(8..10)?,
        hour: num(11..13)?,
        minute: num(14..16)?,
        second: num(17..19)?,
        micro,
    })
}

/// The start of `PyDateTime_CAPI` (`datetime.h`), up to the constructor
/// used here.
#[repr(C)]
struct CapiHead {
    date_type: *mut ffi::PyTypeObject,
    datetime_type: *mut ffi::PyTypeObject,
    time_type: *mut ffi::PyTypeObject,
    delta_type: *mut ffi::PyTypeObject,
    tzinfo_type: *mut ffi::PyTypeObject,
    timezone_utc: *mut ffi::PyObject,
    date_from_date: *mut c_void,
    datetime_from_date_and_time: unsafe extern "C" fn(
        c_int,
        c_int,
        c_int,
        c_int,
        c_int,
        c_int,
        c_int,
        *mut ffi::PyObject,
        *mut ffi::PyTypeObject,
    ) -> *mut ffi::PyObject,
}

/// What the reads use, looked up once.
struct Api {
    /// The capsule (held, so its structure stays alive), when it is usable.
    capsule: Option<(Py<PyAny>, *const CapiHead)>,
    /// `datetime.datetime.fromisoformat` on Python 3.11+ (earlier ones read
    /// no `Z`).
    fromisoformat: Option<Py<PyAny>>,
}

// SAFETY: the pointer is to the `datetime` module's C API structure, which
// lives as long as the capsule held beside it, and is only read, with the
// interpreter attached.
unsafe impl Send for Api {}
// SAFETY: as for `Send`: the structure is never written.
unsafe impl Sync for Api {}

static API: PyOnceLock<Api> = PyOnceLock::new();

fn api(py: Python<'_>) -> PyResult<&Api> {
    API.get_or_try_init(py, || {
        let module = py.import("datetime")?;
        let class = module.getattr("datetime")?;
        let utc = module.getattr("timezone")?.getattr("utc")?;
        let capsule = module.getattr("datetime_CAPI").ok().and_then(|capsule| {
            // SAFETY: `PyCapsule_GetPointer` checks that `capsule` is a
            // capsule of that name (null, with an exception, if not; the
            // exception is cleared); the members read are pointers at the
            // start of the structure `datetime.h` declares, and are used only
            // when they are the module's own class and UTC.
            let head = unsafe {
                let p =
                    ffi::PyCapsule_GetPointer(capsule.as_ptr(), c"datetime.datetime_CAPI".as_ptr());
                if p.is_null() {
                    let _ = PyErr::take(py);
                    return None;
                }
                p.cast::<CapiHead>()
            };
            // SAFETY: `head` points at the live structure (see above).
            let (class_ptr, utc_ptr) = unsafe { ((*head).datetime_type, (*head).timezone_utc) };
            let same =
                class_ptr.cast::<ffi::PyObject>() == class.as_ptr() && utc_ptr == utc.as_ptr();
            same.then(|| (capsule.unbind(), head.cast_const()))
        });
        let fromisoformat = if py.version_info() >= (3, 11) {
            Some(class.getattr("fromisoformat")?.unbind())
        } else {
            None
        };
        Ok(Api {
            capsule,
            fromisoformat,
        })
    })
}

/// `text` as an aware `datetime`: a UTC RFC 3339 timestamp natively, any
/// other text with a UTC offset by `datetime.fromisoformat` (3.11+). None
/// when neither reads it (the field's converter then decides).
pub(crate) fn read<'py>(py: Python<'py>, text: &str) -> Option<Bound<'py, PyAny>> {
    let api = api(py).ok()?;
    if let (Some((_, head)), Some(p)) = (&api.capsule, parse_utc(text)) {
        // SAFETY: `head` is the checked C API structure, alive while the
        // capsule is held; the constructor is called as `datetime.h`'s
        // `PyDateTime_FromDateAndTime` calls it (with `timezone.utc` from
        // the same structure), and gives a new reference, or null with an
        // exception set (a day or an hour out of range), which
        // `from_owned_ptr_or_err` takes.
        let made = unsafe {
            let head = &**head;
            (head.datetime_from_date_and_time)(
                p.year,
                p.month,
                p.day,
                p.hour,
                p.minute,
                p.second,
                p.micro,
                head.timezone_utc,
                head.datetime_type,
            )
        };
        // SAFETY: see above.
        if let Ok(made) = unsafe { Bound::from_owned_ptr_or_err(py, made) } {
            return Some(made);
        }
    }
    let parse = api.fromisoformat.as_ref()?;
    let offset = matches!(
        text.as_bytes(),
        [.., b'Z' | b'z'] | [.., b'+' | b'-', _, _, b':', _, _]
    );
    if !offset {
        return None;
    }
    let text = PyString::new(py, text);
    // one argument through the vectorcall protocol (the stable ABI's
    // `PyObject_CallFunctionObjArgs`): no argument tuple is made per read, as
    // `call1` makes one under the stable ABI before Python 3.12
    // SAFETY: `parse` and `text` are live objects this attached thread holds
    // references to, and the argument list ends with a null pointer, as the
    // function requires; it gives a new reference, or null with an
    // exception set, which `from_owned_ptr_or_err` takes (so a text that does
    // not parse leaves no exception behind).
    unsafe {
        let parsed = ffi::PyObject_CallFunctionObjArgs(
            parse.as_ptr(),
            text.as_ptr(),
            std::ptr::null_mut::<ffi::PyObject>(),
        );
        Bound::from_owned_ptr_or_err(py, parsed).ok()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parts(
        y: c_int,
        mo: c_int,
        d: c_int,
        h: c_int,
        mi: c_int,
        s: c_int,
        us: c_int,
    ) -> Option<Parts> {
        Some(Parts {
            year: y,
            month: mo,
            day: d,
            hour: h,
            minute: mi,
            second: s,
            micro: us,
        })
    }

    #[test]
    fn reads_utc_rfc3339() {
        assert_eq!(
            parse_utc("2026-01-02T03:04:05Z"),
            parts(2026, 1, 2, 3, 4, 5, 0)
        );
        assert_eq!(
            parse_utc("2026-01-02 03:04:05.5Z"),
            parts(2026, 1, 2, 3, 4, 5, 500_000)
        );
        assert_eq!(
            parse_utc("2026-01-02T03:04:05.123456789+00:00"),
            parts(2026, 1, 2, 3, 4, 5, 123_456)
        );
        assert_eq!(
            parse_utc("2026-12-31T23:59:59.000001-00:00"),
            parts(2026, 12, 31, 23, 59, 59, 1)
        );
        // ranges are the constructor's to check
        assert_eq!(
            parse_utc("2026-02-30T24:00:60Z"),
            parts(2026, 2, 30, 24, 0, 60, 0)
        );
    }

    #[test]
    fn leaves_every_other_form_to_fromisoformat() {
        for text in [
            "2026-01-02T03:04:05+01:00",
            "2026-01-02T03:04:05",
            "2026-01-02T03:04:05.Z",
            "2026-01-02t03:04:05Z",
            "2026-01-02T03:04:05z",
            "2026-01-02T03:04Z",
            "20260102T030405Z",
            "2026-01-02T03:04:05ZZ",
            "2026-01-0xT03:04:05Z",
            "+026-01-02T03:04:05Z",
            "２026-01-02T03:04:05Z",
            "",
        ] {
            assert_eq!(parse_utc(text), None, "{text:?}");
        }
    }
}
