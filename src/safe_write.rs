//! Writing a file ppt makes (a flame graph SVG) without ever leaving it
//! half-written or replacing a file nobody asked to replace.
//!
//! The bytes go to a temporary file in the same directory, synced, then
//! moved into place in one step: a reader (or a crash) sees the old file
//! or the new one, never part of it. Without `overwrite`, the move is a
//! hard link, which fails if the name is taken in the meantime, so an
//! existing file is kept even when it appears while writing; where hard
//! links are not supported, the name is checked just before a rename.

use std::ffi::OsString;
use std::io::{self, Write};
use std::path::{Path, PathBuf};

/// Why a file was not written.
#[derive(Debug, thiserror::Error)]
pub enum WriteError {
    /// The file exists and overwriting was not asked for.
    #[error("{} exists; pass --force to replace it", .0.display())]
    Exists(PathBuf),
    /// The file system said no.
    #[error("writing {}: {}", .0.display(), .1)]
    Io(PathBuf, io::Error),
}

/// Writes `bytes` to `path` (see the module docs); an existing file is
/// replaced only when `overwrite` is set.
pub fn write_new(path: &Path, bytes: &[u8], overwrite: bool) -> Result<(), WriteError> {
    let io_error = |e| WriteError::Io(path.to_path_buf(), e);
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    let Some(file_name) = path.file_name() else {
        return Err(io_error(io::Error::other("not a file name")));
    };
    if path.is_dir() {
        return Err(io_error(io::Error::other("is a directory")));
    }
    if !overwrite && path.symlink_metadata().is_ok() {
        return Err(WriteError::Exists(path.to_path_buf()));
    }
    let mut tmp_name = OsString::from(".");
    tmp_name.push(file_name);
    tmp_name.push(format!(".ppt-{}.tmp", std::process::id()));
    let tmp = dir.join(tmp_name);
    let placed = (|| {
        let mut file = std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&tmp)?;
        file.write_all(bytes)?;
        file.sync_all()?;
        drop(file);
        if overwrite {
            return std::fs::rename(&tmp, path).map(|()| true);
        }
        match std::fs::hard_link(&tmp, path) {
            Ok(()) => Ok(true),
            Err(e) if e.kind() == io::ErrorKind::AlreadyExists => Ok(false),
            // No hard links here (some network or FAT file systems).
            Err(_) if path.symlink_metadata().is_err() => {
                std::fs::rename(&tmp, path).map(|()| true)
            }
            Err(_) => Ok(false),
        }
    })();
    // Left over after a hard link or a failure; gone after a rename.
    let _ = std::fs::remove_file(&tmp);
    match placed {
        Ok(true) => Ok(()),
        Ok(false) => Err(WriteError::Exists(path.to_path_buf())),
        Err(e) => Err(io_error(e)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scratch(name: &str) -> PathBuf {
        let dir =
            std::env::temp_dir().join(format!("ppt-safe-write-{}-{name}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        dir
    }

    /// A new file is written whole, and nothing else is left in the
    /// directory.
    #[test]
    fn writes_a_new_file_and_no_leftovers() {
        let dir = scratch("new");
        let path = dir.join("out.svg");
        write_new(&path, b"<svg/>", false).unwrap();
        assert_eq!(std::fs::read(&path).unwrap(), b"<svg/>");
        let names: Vec<_> = std::fs::read_dir(&dir).unwrap().collect();
        assert_eq!(names.len(), 1);
        std::fs::remove_dir_all(dir).unwrap();
    }

    /// An existing file is kept unless overwriting is asked for.
    #[test]
    fn keeps_an_existing_file_unless_asked() {
        let dir = scratch("exists");
        let path = dir.join("out.svg");
        std::fs::write(&path, b"precious").unwrap();
        let err = write_new(&path, b"<svg/>", false).unwrap_err();
        assert!(matches!(err, WriteError::Exists(_)), "{err}");
        assert!(err.to_string().contains("--force"), "{err}");
        assert_eq!(std::fs::read(&path).unwrap(), b"precious");
        write_new(&path, b"<svg/>", true).unwrap();
        assert_eq!(std::fs::read(&path).unwrap(), b"<svg/>");
        assert_eq!(std::fs::read_dir(&dir).unwrap().count(), 1);
        std::fs::remove_dir_all(dir).unwrap();
    }

    /// A directory, or a missing directory, is an error naming the path.
    #[test]
    fn directory_and_missing_parent_are_errors() {
        let dir = scratch("dirs");
        let err = write_new(&dir, b"x", true).unwrap_err();
        assert!(err.to_string().contains("is a directory"), "{err}");
        let missing = dir.join("no/such/dir/out.svg");
        let err = write_new(&missing, b"x", false).unwrap_err();
        assert!(err.to_string().contains("out.svg"), "{err}");
        std::fs::remove_dir_all(dir).unwrap();
    }
}
