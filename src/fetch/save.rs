//! Saving a profile's bytes (`--save`, the explorer's `w`) without ever
//! clobbering what was not asked for, and without losing anything on an
//! error.
//!
//! What happens depends on what the target is:
//! - a regular file, or a name that does not exist yet: the bytes go to a
//!   temporary file in the same directory, created exclusively under an
//!   unpredictable name (`O_CREAT | O_EXCL`: a link planted there is never
//!   followed), written and synced, then renamed over the target. Until the
//!   rename the old file is intact; on an error the temporary file is
//!   removed. A file replaced keeps its permission bits.
//! - a symbolic link: the file it points to is replaced as above, and the
//!   link stays a link. A link to nothing is refused (a file is never
//!   created through a link: it could point anywhere).
//! - a character device or a FIFO (`/dev/null`, `/dev/stdout`, a named
//!   pipe): written in place, as a shell redirection would, and its errors
//!   reported (`/dev/full`: no space left on device). Renaming over it
//!   would replace the device node with a regular file.
//! - a directory, a block device or a socket: refused.
//!
//! (Device nodes and permission bits are Unix notions: elsewhere the target
//! is always replaced through a temporary file.)

use std::fs::{self, File, Metadata};
use std::io::{self, Write};
use std::path::{Path, PathBuf};

/// Writes profile bytes to `path` unchanged (so the file reopens as the same
/// profile), through a temporary file renamed over it.
#[cfg(not(unix))]
pub fn save(path: impl AsRef<Path>, bytes: &[u8]) -> io::Result<()> {
    let path = path.as_ref();
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    let mut tmp = tempfile::Builder::new()
        .suffix(".ppt.tmp")
        .tempfile_in(dir)?;
    tmp.write_all(bytes)?;
    tmp.as_file().sync_all()?;
    tmp.persist(path).map_err(|e| e.error)?;
    Ok(())
}

#[cfg(unix)]
use std::os::unix::fs::{FileTypeExt, MetadataExt, PermissionsExt};

/// Writes profile bytes to `path` unchanged (so the file reopens as the same
/// profile), as the module documentation says for each kind of target.
#[cfg(unix)]
pub fn save(path: impl AsRef<Path>, bytes: &[u8]) -> io::Result<()> {
    let path = path.as_ref();
    let target = follow_link(path)?;
    match fs::metadata(&target) {
        Ok(meta) => {
            let kind = meta.file_type();
            if kind.is_file() {
                replace(&target, bytes, Some(&meta))
            } else if kind.is_char_device() || kind.is_fifo() {
                write_in_place(&target, bytes, &meta)
            } else if kind.is_dir() {
                Err(refused("is a directory"))
            } else if kind.is_block_device() {
                Err(refused(
                    "is a block device; ppt writes profiles to files, character devices and pipes only",
                ))
            } else {
                Err(refused(
                    "is not a regular file, character device or pipe (a socket?)",
                ))
            }
        }
        Err(e) if e.kind() == io::ErrorKind::NotFound => replace(&target, bytes, None),
        Err(e) => Err(e),
    }
}

#[cfg(unix)]
fn refused(why: &str) -> io::Error {
    io::Error::other(format!("{why}: not written"))
}

#[cfg(unix)]
/// The path itself, or for a symbolic link the file it finally points to
/// (every link along the way resolved).
fn follow_link(path: &Path) -> io::Result<PathBuf> {
    match fs::symlink_metadata(path) {
        Ok(meta) if meta.file_type().is_symlink() => {
            fs::canonicalize(path).map_err(|e| {
                if e.kind() == io::ErrorKind::NotFound {
                    let to = fs::read_link(path)
                        .map(|p| p.display().to_string())
                        .unwrap_or_default();
                    refused(&format!(
                        "is a symbolic link to {to}, which does not exist; ppt does not create files through links"
                    ))
                } else {
                    e
                }
            })
        }
        _ => Ok(path.to_path_buf()),
    }
}

#[cfg(unix)]
/// Replaces (or creates) the regular file `target` atomically.
fn replace(target: &Path, bytes: &[u8], old: Option<&Metadata>) -> io::Result<()> {
    let dir = match target.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    let name = target
        .file_name()
        .ok_or_else(|| io::Error::other("not a file name"))?;
    let mut prefix = std::ffi::OsString::from(".");
    prefix.push(name);
    prefix.push(".");
    // A new file gets 0666 less the umask, as any file a program creates;
    // one replaced keeps its bits.
    let mode = old.map_or(0o666, |m| m.permissions().mode() & 0o777);
    let mut tmp = tempfile::Builder::new()
        .prefix(&prefix)
        .suffix(".ppt.tmp")
        .permissions(fs::Permissions::from_mode(mode))
        .tempfile_in(dir)?;
    tmp.write_all(bytes)?;
    if old.is_some() {
        // The umask applied at creation; the old file's bits are restored.
        tmp.as_file()
            .set_permissions(fs::Permissions::from_mode(mode))?;
    }
    tmp.as_file().sync_all()?;
    // On failure the error carries the temporary file, removed when dropped.
    tmp.persist(target).map_err(|e| e.error)?;
    // The rename itself made durable; a directory that cannot be synced
    // (some file systems) is no reason to fail a save that happened.
    if let Ok(d) = File::open(dir) {
        let _ = d.sync_all();
    }
    Ok(())
}

#[cfg(unix)]
/// Writes to a character device or FIFO as it is, checking that what is
/// opened is still what was looked at (not swapped for a file meanwhile).
fn write_in_place(target: &Path, bytes: &[u8], meta: &Metadata) -> io::Result<()> {
    // No create, no truncate: only an existing device or pipe is written.
    let mut file = fs::OpenOptions::new().write(true).open(target)?;
    let opened = file.metadata()?;
    if (opened.dev(), opened.ino()) != (meta.dev(), meta.ino()) {
        return Err(refused("was replaced while saving"));
    }
    file.write_all(bytes)?;
    file.flush()
}
