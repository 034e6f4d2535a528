//! `--save` never replaces what it should not, and loses nothing on an
//! error: device nodes are written in place (and their errors reported),
//! symbolic links are followed to the file they name, temporary files are
//! created exclusively under unpredictable names, and a failed write leaves
//! the old file as it was. (The explorer's `w` calls the same function.)

use std::os::unix::fs::FileTypeExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

const PROFILE: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/assets/heap.pprof");

/// A scratch directory of the test's own, removed at the end.
struct Scratch(PathBuf);

impl Scratch {
    fn new(name: &str) -> Scratch {
        let dir = std::env::temp_dir().join(format!("ppt-save-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        Scratch(dir)
    }

    fn path(&self, name: &str) -> PathBuf {
        self.0.join(name)
    }

    /// The names in the directory, sorted.
    fn names(&self) -> Vec<String> {
        let mut names: Vec<String> = std::fs::read_dir(&self.0)
            .unwrap()
            .flatten()
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        names
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn save_to(target: &Path) -> Output {
    Command::new(env!("CARGO_BIN_EXE_ppt"))
        .args(["--top", "--save"])
        .arg(target)
        .arg(PROFILE)
        .output()
        .unwrap()
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

fn profile_bytes() -> Vec<u8> {
    std::fs::read(PROFILE).unwrap()
}

/// Makes a character device node like /dev/full (1, 7) or /dev/null
/// (1, 3); false (with a note) where that is not allowed (not root).
fn mknod(path: &Path, minor: u32) -> bool {
    let ok = Command::new("mknod")
        .arg(path)
        .args(["c", "1", &minor.to_string()])
        .status()
        .is_ok_and(|s| s.success());
    if !ok {
        assert!(
            std::env::var_os("CI").is_none(),
            "mknod must work under CI (run as root)"
        );
        eprintln!("note: cannot make device nodes here (not root?), skipping");
    }
    ok
}

#[test]
fn a_device_node_is_written_in_place_and_its_errors_reported() {
    let dir = Scratch::new("device");
    let full = dir.path("full");
    if !mknod(&full, 7) {
        return;
    }
    let out = save_to(&full);
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(err.contains("No space left on device"), "{err}");
    assert!(!err.contains("Saved profile"), "{err}");
    let kind = std::fs::symlink_metadata(&full).unwrap().file_type();
    assert!(
        kind.is_char_device(),
        "the device node was replaced: {kind:?}"
    );

    let null = dir.path("null");
    assert!(mknod(&null, 3));
    let out = save_to(&null);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("Saved profile in"),
        "{}",
        stderr(&out)
    );
    let kind = std::fs::symlink_metadata(&null).unwrap().file_type();
    assert!(
        kind.is_char_device(),
        "the device node was replaced: {kind:?}"
    );
    assert_eq!(dir.names(), ["full", "null"], "no temporary file is left");
}

#[test]
fn a_symbolic_link_is_followed_and_stays_a_link() {
    let dir = Scratch::new("link");
    std::fs::create_dir(dir.path("real")).unwrap();
    let real = dir.path("real/heap.pb");
    std::fs::write(&real, b"old contents").unwrap();
    let link = dir.path("link.pb");
    std::os::unix::fs::symlink("real/heap.pb", &link).unwrap();

    let out = save_to(&link);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(
        std::fs::symlink_metadata(&link)
            .unwrap()
            .file_type()
            .is_symlink(),
        "the link was replaced by a file"
    );
    assert_eq!(
        std::fs::read_link(&link).unwrap(),
        Path::new("real/heap.pb")
    );
    assert!(
        std::fs::read(&real).unwrap() == profile_bytes(),
        "the file linked to holds the profile"
    );
    assert_eq!(dir.names(), ["link.pb", "real"]);
}

#[test]
fn a_link_to_nothing_and_a_directory_are_refused() {
    let dir = Scratch::new("refused");
    let dangling = dir.path("dangling.pb");
    std::os::unix::fs::symlink("/nonexistent-dir/x.pb", &dangling).unwrap();
    let out = save_to(&dangling);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert!(stderr(&out).contains("does not exist"), "{}", stderr(&out));

    std::fs::create_dir(dir.path("sub")).unwrap();
    let out = save_to(&dir.path("sub"));
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert!(stderr(&out).contains("is a directory"), "{}", stderr(&out));
    assert_eq!(dir.names(), ["dangling.pb", "sub"]);
}

/// A link planted at the temporary file's name of old (`.NAME.ppt-PID.tmp`,
/// PID known: `exec` keeps the shell's) is not followed.
#[test]
fn a_link_planted_at_a_temporary_name_is_not_followed() {
    let dir = Scratch::new("planted");
    let victim = dir.path("victim");
    std::fs::write(&victim, b"precious").unwrap();
    let out = Command::new("sh")
        .arg("-c")
        .arg(
            r#"cd "$1" && ln -s victim ".out.pb.ppt-$$.tmp" && exec "$2" --top --save out.pb "$3""#,
        )
        .args([
            "sh",
            dir.0.to_str().unwrap(),
            env!("CARGO_BIN_EXE_ppt"),
            PROFILE,
        ])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(
        std::fs::read(&victim).unwrap() == b"precious",
        "the file the planted link names was overwritten"
    );
    assert!(std::fs::read(dir.path("out.pb")).unwrap() == profile_bytes());
    let links: Vec<_> = dir
        .names()
        .into_iter()
        .filter(|n| n.ends_with(".tmp"))
        .collect();
    assert_eq!(links.len(), 1, "only the planted link: {links:?}");
}

/// A write that fails half-way (the file size limit) leaves the old file
/// whole and no temporary file behind.
#[test]
fn a_failed_write_loses_nothing() {
    let dir = Scratch::new("failed");
    let out_pb = dir.path("out.pb");
    std::fs::write(&out_pb, b"the previous profile").unwrap();
    // 8 blocks of 512 bytes: far less than the profile; SIGXFSZ ignored so
    // the write fails with EFBIG instead of killing the process.
    let out = Command::new("sh")
        .arg("-c")
        .arg(r#"trap '' XFSZ; ulimit -f 8 && exec "$1" --top --save "$2" "$3""#)
        .args([
            "sh",
            env!("CARGO_BIN_EXE_ppt"),
            out_pb.to_str().unwrap(),
            PROFILE,
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("saving the profile to"),
        "{}",
        stderr(&out)
    );
    assert!(
        std::fs::read(&out_pb).unwrap() == b"the previous profile",
        "the old file was damaged"
    );
    assert_eq!(dir.names(), ["out.pb"], "no temporary file is left");
}

#[test]
fn a_replaced_file_keeps_its_permissions() {
    use std::os::unix::fs::PermissionsExt;
    let dir = Scratch::new("mode");
    let target = dir.path("shared.pb");
    std::fs::write(&target, b"old").unwrap();
    std::fs::set_permissions(&target, std::fs::Permissions::from_mode(0o640)).unwrap();
    let out = save_to(&target);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(std::fs::read(&target).unwrap() == profile_bytes());
    let mode = std::fs::metadata(&target).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode, 0o640);
}
