//! Where a report goes: standard output, a file named by `--output` or
//! `--proto`, or, for a binary report when standard output is a terminal, a
//! new file `profile001.pb.gz` (as pprof).
//!
//! A named file is never left half written: the report goes to a
//! temporary file in the same directory, renamed over the name once
//! complete (keeping an existing file's permissions, following a symbolic
//! link to the file it names). Devices and pipes (`/dev/null`, a FIFO) are
//! written in place; a directory is refused.

use crate::report::{ReportError, ReportKind};
use std::fs;
use std::io::{BufWriter, ErrorKind, Write};
use std::path::{Path, PathBuf};

/// Prints a report into the writer it is given.
pub type Render<'a> = dyn FnOnce(&mut dyn Write) -> Result<(), ReportError> + 'a;

/// Why a report was not written.
#[derive(Debug, thiserror::Error)]
pub enum OutputError {
    /// The report could not be made (or written to standard output).
    #[error(transparent)]
    Report(ReportError),
    /// The file could not be written.
    #[error("{}: {}", .0.display(), .1)]
    File(PathBuf, String),
}

/// A failure while writing into `path`: a failed write is about the file,
/// anything else about the report.
fn in_file(path: &Path, e: ReportError) -> OutputError {
    match e {
        ReportError::Write(_, reason) => OutputError::File(path.to_path_buf(), reason),
        e => OutputError::Report(e),
    }
}

/// Where a report is written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Destination {
    /// Standard output.
    Stdout,
    /// The file the command line names.
    File(PathBuf),
    /// A new file in the current directory, `profileNNN.EXT`, the first
    /// number free (a binary report when standard output is a terminal).
    NewFile(&'static str),
}

/// Where report `kind` goes, `file` being the one the command line names.
pub fn destination(
    kind: &ReportKind,
    file: Option<&Path>,
    stdout_is_terminal: bool,
) -> Destination {
    match file {
        Some(path) => Destination::File(path.to_path_buf()),
        None if kind.is_binary() && stdout_is_terminal => {
            Destination::NewFile(kind.file_extension())
        }
        None => Destination::Stdout,
    }
}

/// Streams the report to standard output; a reader that stops reading
/// (`| head`) is not an error.
pub fn write_stdout(render: Box<Render<'_>>) -> Result<(), OutputError> {
    let stdout = std::io::stdout();
    let mut out = BufWriter::with_capacity(1 << 16, stdout.lock());
    let result = render(&mut out).and_then(|()| out.flush().map_err(ReportError::from));
    match result {
        Err(ReportError::Write(ErrorKind::BrokenPipe, _)) => Ok(()),
        r => r.map_err(OutputError::Report),
    }
}

/// Writes the report to `path`, replacing it only once complete.
pub fn write_file(path: &Path, render: Box<Render<'_>>) -> Result<(), OutputError> {
    let fail = |e: &dyn std::fmt::Display| OutputError::File(path.to_path_buf(), e.to_string());
    let target = resolve_links(path).map_err(|e| fail(&e))?;
    match fs::metadata(&target) {
        Ok(meta) if meta.is_dir() => Err(fail(&"is a directory")),
        Ok(meta) if !meta.is_file() => {
            // A device or a pipe: there is nothing to replace.
            let file = fs::OpenOptions::new()
                .write(true)
                .open(&target)
                .map_err(|e| fail(&e))?;
            let mut out = BufWriter::new(file);
            render(&mut out)
                .and_then(|()| out.flush().map_err(ReportError::from))
                .map_err(|e| in_file(path, e))
        }
        existing => {
            let permissions = existing.ok().map(|m| m.permissions());
            replace(&target, permissions, render).map_err(|e| in_file(path, e))
        }
    }
}

/// Writes the report to a new file `profileNNN.EXT` in the current
/// directory (NNN from 001, the first free); returns its name.
pub fn write_new_file(extension: &str, render: Box<Render<'_>>) -> Result<PathBuf, OutputError> {
    for n in 1..10_000 {
        let path = PathBuf::from(format!("profile{n:03}.{extension}"));
        match fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&path)
        {
            Ok(file) => {
                let mut out = BufWriter::new(file);
                let written =
                    render(&mut out).and_then(|()| out.flush().map_err(ReportError::from));
                return match written {
                    Ok(()) => Ok(path),
                    Err(e) => {
                        drop(out);
                        let _ = fs::remove_file(&path);
                        Err(in_file(&path, e))
                    }
                };
            }
            Err(e) if e.kind() == ErrorKind::AlreadyExists => {}
            Err(e) => return Err(OutputError::File(path, e.to_string())),
        }
    }
    Err(OutputError::File(
        PathBuf::from(format!("profile001.{extension}")),
        "could not create a file of this form".into(),
    ))
}

/// `path` with symbolic links followed to the name they finally stand for
/// (which need not exist yet).
fn resolve_links(path: &Path) -> std::io::Result<PathBuf> {
    let mut path = path.to_path_buf();
    for _ in 0..40 {
        match fs::symlink_metadata(&path) {
            Ok(meta) if meta.file_type().is_symlink() => {
                let link = fs::read_link(&path)?;
                path = match path.parent() {
                    Some(dir) => dir.join(link),
                    None => link,
                };
            }
            _ => return Ok(path),
        }
    }
    Err(std::io::Error::other("too many levels of symbolic links"))
}

/// Writes into a temporary file next to `target`, then renames it over
/// `target`.
fn replace(
    target: &Path,
    permissions: Option<fs::Permissions>,
    render: Box<Render<'_>>,
) -> Result<(), ReportError> {
    let dir = match target.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    let mut builder = tempfile::Builder::new();
    builder.prefix(".ppt-").suffix(".tmp");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        // What creating the file would give it (the umask applies).
        builder.permissions(fs::Permissions::from_mode(0o666));
    }
    let temp = builder.tempfile_in(dir)?;
    let mut out = BufWriter::new(temp);
    render(&mut out)?;
    let temp = out.into_inner().map_err(|e| e.into_error())?;
    if let Some(permissions) = permissions {
        fs::set_permissions(temp.path(), permissions)?;
    }
    temp.persist(target).map_err(|e| e.error)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(s: &'static str) -> Box<Render<'static>> {
        Box::new(move |out: &mut dyn Write| Ok(out.write_all(s.as_bytes())?))
    }

    fn failing() -> Box<Render<'static>> {
        Box::new(|out: &mut dyn Write| {
            out.write_all(b"partial")?;
            Err(ReportError::NoMatches("x".into()))
        })
    }

    #[test]
    fn a_file_is_replaced_only_when_complete() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("report.txt");
        fs::write(&path, "old").unwrap();
        assert!(write_file(&path, failing()).is_err());
        assert_eq!(fs::read_to_string(&path).unwrap(), "old");
        write_file(&path, text("new")).unwrap();
        assert_eq!(fs::read_to_string(&path).unwrap(), "new");
        // No temporary file is left behind.
        assert_eq!(fs::read_dir(dir.path()).unwrap().count(), 1);
    }

    #[cfg(unix)]
    #[test]
    fn links_permissions_devices_and_directories() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let real = dir.path().join("real.txt");
        fs::write(&real, "old").unwrap();
        fs::set_permissions(&real, fs::Permissions::from_mode(0o640)).unwrap();
        let link = dir.path().join("link.txt");
        std::os::unix::fs::symlink("real.txt", &link).unwrap();
        write_file(&link, text("new")).unwrap();
        assert!(
            fs::symlink_metadata(&link)
                .unwrap()
                .file_type()
                .is_symlink()
        );
        assert_eq!(fs::read_to_string(&real).unwrap(), "new");
        let mode = fs::metadata(&real).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o640);
        let err = write_file(dir.path(), text("x")).unwrap_err().to_string();
        assert!(err.ends_with("is a directory"), "{err}");
        write_file(Path::new("/dev/null"), text("x")).unwrap();
        assert!(Path::new("/dev/null").exists());
    }

    #[test]
    fn destinations() {
        let file = Path::new("out");
        assert_eq!(
            destination(&ReportKind::Proto, Some(file), true),
            Destination::File(file.into())
        );
        assert_eq!(
            destination(&ReportKind::Proto, None, true),
            Destination::NewFile("pb.gz")
        );
        assert_eq!(
            destination(&ReportKind::Proto, None, false),
            Destination::Stdout
        );
        assert_eq!(
            destination(&ReportKind::Traces, None, true),
            Destination::Stdout
        );
    }
}
