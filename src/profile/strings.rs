//! Interned strings: every distinct string of a profile is stored once.
//!
//! A profile's string table may hold the same text under several indices;
//! pprof compares names by text, so ppt maps every index to one canonical
//! [`StrId`] per distinct text at load time. Everything after that compares
//! ids instead of bytes.

use rustc_hash::FxHashMap;

/// An index into a [`StringTable`]. `StrId::EMPTY` is the empty string.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default)]
pub struct StrId(pub u32);

impl StrId {
    /// The empty string, always present at index 0.
    pub const EMPTY: StrId = StrId(0);

    /// Whether this is the empty string.
    pub fn is_empty(self) -> bool {
        self == StrId::EMPTY
    }
}

/// Distinct byte strings, stored back to back in one buffer.
///
/// Strings are bytes, not `str`: profiles written by C and C++ tools can carry
/// any bytes in names, and ppt shows them rather than rejecting the profile.
#[derive(Debug, Clone)]
pub struct StringTable {
    bytes: Vec<u8>,
    /// `starts[i]..starts[i + 1]` is string `i`; one more entry than strings.
    starts: Vec<usize>,
    index: FxHashMap<Box<[u8]>, StrId>,
}

impl Default for StringTable {
    fn default() -> Self {
        let mut table = StringTable {
            bytes: Vec::new(),
            starts: vec![0],
            index: FxHashMap::default(),
        };
        table.intern(b"");
        table
    }
}

impl StringTable {
    /// Returns the id of `text`, adding it if it is new.
    pub fn intern(&mut self, text: &[u8]) -> StrId {
        if let Some(&id) = self.index.get(text) {
            return id;
        }
        let id = StrId(u32::try_from(self.len()).expect(
            "more than 4 billion distinct strings cannot be decoded within the input size limit",
        ));
        self.bytes.extend_from_slice(text);
        self.starts.push(self.bytes.len());
        self.index.insert(text.into(), id);
        id
    }

    /// The id of `text` if the table has it.
    pub fn find(&self, text: &[u8]) -> Option<StrId> {
        self.index.get(text).copied()
    }

    /// The bytes of string `id`.
    pub fn get(&self, id: StrId) -> &[u8] {
        let i = id.0 as usize;
        &self.bytes[self.starts[i]..self.starts[i + 1]]
    }

    /// The string as text, with invalid UTF-8 replaced (for messages and UI).
    pub fn text(&self, id: StrId) -> std::borrow::Cow<'_, str> {
        String::from_utf8_lossy(self.get(id))
    }

    /// Number of distinct strings (including the empty string).
    pub fn len(&self) -> usize {
        self.starts.len() - 1
    }

    /// Always false: the empty string is always present.
    pub fn is_empty(&self) -> bool {
        false
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn interning_deduplicates_by_content() {
        let mut t = StringTable::default();
        let a = t.intern(b"main.main");
        let b = t.intern(b"runtime.main");
        assert_eq!(t.intern(b"main.main"), a);
        assert_ne!(a, b);
        assert_eq!(t.intern(b""), StrId::EMPTY);
        assert_eq!(t.get(b), b"runtime.main");
        assert_eq!(t.len(), 3);
    }

    #[test]
    fn non_utf8_bytes_are_kept() {
        let mut t = StringTable::default();
        let id = t.intern(b"bad\xffname");
        assert_eq!(t.get(id), b"bad\xffname");
        assert_eq!(t.text(id), "bad\u{fffd}name");
    }
}
