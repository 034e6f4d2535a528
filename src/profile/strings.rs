//! Interned strings: every distinct string of a profile is stored once.
//!
//! A profile's string table may hold the same text under several indices;
//! pprof compares names by text, so ppt maps every index to one canonical
//! [`StrId`] per distinct text at load time. Everything after that compares
//! ids instead of bytes.

use rustc_hash::FxHasher;
use std::hash::Hasher;
use std::sync::Arc;

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

/// Distinct byte strings, stored back to back in one buffer, except the
/// very long ones, which the decoder hands over in buffers of their own
/// (`StringTable::lend`).
///
/// Strings are bytes, not `str`: profiles written by C and C++ tools can carry
/// any bytes in names, and ppt shows them rather than rejecting the profile.
#[derive(Debug, Clone)]
pub struct StringTable {
    bytes: Vec<u8>,
    /// `starts[i]..starts[i + 1]` is string `i` in `bytes`; one more entry
    /// than strings. A lent string has an empty range there (only string 0
    /// is really empty: texts are distinct).
    starts: Vec<usize>,
    /// The lent strings, by increasing id: (id, buffer, start, end).
    lent: Vec<(StrId, Arc<Vec<u8>>, usize, usize)>,
    /// Every string's id, found by the hash of its text. The table holds
    /// ids only, not a second copy of each text as a key.
    index: hashbrown::HashTable<StrId>,
}

impl Default for StringTable {
    fn default() -> Self {
        let mut table = StringTable {
            bytes: Vec::new(),
            starts: vec![0],
            lent: Vec::new(),
            index: hashbrown::HashTable::new(),
        };
        table.intern(b"");
        table
    }
}

fn hash_of(text: &[u8]) -> u64 {
    let mut h = FxHasher::default();
    h.write(text);
    h.write_usize(text.len());
    h.finish()
}

/// The parts of a table that hold text, apart from its index, so that the
/// index can hash and compare texts while it changes.
struct Texts<'a> {
    bytes: &'a [u8],
    starts: &'a [usize],
    lent: &'a [(StrId, Arc<Vec<u8>>, usize, usize)],
}

impl<'a> Texts<'a> {
    fn get(&self, id: StrId) -> &'a [u8] {
        let i = id.0 as usize;
        let (start, end) = (self.starts[i], self.starts[i + 1]);
        if start == end
            && i != 0
            && let Ok(k) = self.lent.binary_search_by_key(&id, |&(id, ..)| id)
        {
            let (_, buffer, start, end) = &self.lent[k];
            return &buffer[*start..*end];
        }
        &self.bytes[start..end]
    }
}

impl StringTable {
    fn texts(&self) -> Texts<'_> {
        Texts {
            bytes: &self.bytes,
            starts: &self.starts,
            lent: &self.lent,
        }
    }

    fn next_id(&self) -> StrId {
        StrId(u32::try_from(self.len()).expect(
            "more than 4 billion distinct strings cannot be decoded within the input size limit",
        ))
    }

    /// Records `id` (just added) in the index under `hash`.
    fn index_new(&mut self, hash: u64, id: StrId) {
        let texts = Texts {
            bytes: &self.bytes,
            starts: &self.starts,
            lent: &self.lent,
        };
        self.index
            .insert_unique(hash, id, |&other| hash_of(texts.get(other)));
    }

    /// Returns the id of `text`, adding it if it is new.
    pub fn intern(&mut self, text: &[u8]) -> StrId {
        let hash = hash_of(text);
        if let Some(id) = self.find_hashed(hash, text) {
            return id;
        }
        let id = self.next_id();
        self.bytes.extend_from_slice(text);
        self.starts.push(self.bytes.len());
        self.index_new(hash, id);
        id
    }

    /// Returns the id of the text at `range` of `lender`, adding it if it
    /// is new, without copying it: the table keeps `lender` alive instead.
    /// For the decoder's very long strings, which a copy would double in
    /// memory (a profile may be one string of gigabytes).
    pub(super) fn lend(&mut self, lender: &Arc<Vec<u8>>, range: std::ops::Range<usize>) -> StrId {
        let text = &lender[range.clone()];
        if text.is_empty() {
            return StrId::EMPTY;
        }
        let hash = hash_of(text);
        if let Some(id) = self.find_hashed(hash, text) {
            return id;
        }
        let id = self.next_id();
        self.starts.push(self.bytes.len());
        self.lent
            .push((id, Arc::clone(lender), range.start, range.end));
        self.index_new(hash, id);
        id
    }

    fn find_hashed(&self, hash: u64, text: &[u8]) -> Option<StrId> {
        let texts = self.texts();
        self.index.find(hash, |&id| texts.get(id) == text).copied()
    }

    /// The id of `text` if the table has it.
    pub fn find(&self, text: &[u8]) -> Option<StrId> {
        self.find_hashed(hash_of(text), text)
    }

    /// The bytes of string `id`.
    pub fn get(&self, id: StrId) -> &[u8] {
        self.texts().get(id)
    }

    /// Where string `id` lives when the table borrows it (see
    /// `StringTable::lend`): the buffer and the range, so that a copy of
    /// it elsewhere can borrow it too.
    pub fn lent(&self, id: StrId) -> Option<(&Arc<Vec<u8>>, std::ops::Range<usize>)> {
        let k = self.lent.binary_search_by_key(&id, |&(id, ..)| id).ok()?;
        let (_, buffer, start, end) = &self.lent[k];
        Some((buffer, *start..*end))
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
    fn lent_strings_read_and_deduplicate_like_copied_ones() {
        let lender = Arc::new(b"xxmain.hugeyyruntime.main".to_vec());
        let mut t = StringTable::default();
        let copied = t.intern(b"runtime.main");
        let huge = t.lend(&lender, 2..11);
        assert_eq!(t.get(huge), b"main.huge");
        assert_eq!(t.lend(&lender, 13..25), copied, "found by text");
        assert_eq!(t.intern(b"main.huge"), huge);
        assert_eq!(t.find(b"main.huge"), Some(huge));
        assert_eq!(t.lend(&lender, 0..0), StrId::EMPTY);
        let after = t.intern(b"after");
        assert_eq!(t.get(after), b"after");
        assert_eq!(t.get(copied), b"runtime.main");
        assert_eq!(t.len(), 4);
        let clone = t.clone();
        drop(t);
        assert_eq!(clone.get(huge), b"main.huge");
    }

    #[test]
    fn non_utf8_bytes_are_kept() {
        let mut t = StringTable::default();
        let id = t.intern(b"bad\xffname");
        assert_eq!(t.get(id), b"bad\xffname");
        assert_eq!(t.text(id), "bad\u{fffd}name");
    }
}
