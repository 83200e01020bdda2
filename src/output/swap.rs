//! Putting a finished staging folder in place of the live output: when the live output is
//! srm-docs's own, its new and changed files are moved in and its stale files removed
//! ([`apply`]); otherwise an atomic exchange of the two folders where the system has one
//! (Linux `renameat2(RENAME_EXCHANGE)`), two renames elsewhere, and an in-place update
//! driven by the manifests when the output is a mount point (which cannot be renamed).

use super::marker::{self, Listing, Stamp};
use std::collections::{BTreeMap, BTreeSet};
use std::io;
use std::path::Path;

/// Swaps the folders at `a` and `b` in one step, so neither path is ever missing.
#[cfg(target_os = "linux")]
pub(crate) fn exchange(a: &Path, b: &Path) -> io::Result<()> {
    use std::ffi::CString;
    use std::os::unix::ffi::OsStrExt;
    let c = |p: &Path| {
        CString::new(p.as_os_str().as_bytes())
            .map_err(|_| io::Error::new(io::ErrorKind::InvalidInput, "path holds a NUL byte"))
    };
    let (a, b) = (c(a)?, c(b)?);
    // SAFETY: both arguments are valid NUL-terminated paths that live across the call.
    let rc = unsafe {
        libc::renameat2(
            libc::AT_FDCWD,
            a.as_ptr(),
            libc::AT_FDCWD,
            b.as_ptr(),
            libc::RENAME_EXCHANGE,
        )
    };
    if rc == 0 {
        Ok(())
    } else {
        Err(io::Error::last_os_error())
    }
}

/// Swaps the folders at `a` and `b` in one step: not available on this system.
#[cfg(not(target_os = "linux"))]
pub fn exchange(_a: &Path, _b: &Path) -> io::Result<()> {
    Err(io::Error::new(
        io::ErrorKind::Unsupported,
        "no atomic exchange",
    ))
}

/// Whether an error of [`exchange`] means "this system or file system cannot exchange"
/// (then two renames do the job), as opposed to a real failure.
pub(crate) fn exchange_unsupported(e: &io::Error) -> bool {
    e.kind() == io::ErrorKind::Unsupported
        || matches!(e.raw_os_error(), Some(code) if is_unsupported_code(code))
}

#[cfg(target_os = "linux")]
fn is_unsupported_code(code: i32) -> bool {
    code == libc::EINVAL || code == libc::ENOSYS || code == libc::EOPNOTSUPP
}

#[cfg(not(target_os = "linux"))]
fn is_unsupported_code(_: i32) -> bool {
    false
}

/// Whether an error of a rename means the output is a mount point or on another file system
/// (`EBUSY`, `EXDEV`): then the output is updated in place.
pub(crate) fn needs_in_place(e: &io::Error) -> bool {
    e.kind() == io::ErrorKind::ResourceBusy || e.kind() == io::ErrorKind::CrossesDevices
}

/// What an in-place update did.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct InPlace {
    /// Files written (new or changed).
    pub written: usize,
    /// Files of the previous build removed because this build no longer has them.
    pub removed: usize,
}

/// Updates the live folder `target` from `staging` file by file: files of the previous build
/// (`old`) that are gone are removed, then every new or changed file of `new` is written
/// under a temporary name beside its place and renamed over it (unchanged files are not
/// touched), the marker last. Readers may see a mix of old and new pages while it runs.
pub(crate) fn update_in_place(
    staging: &Path,
    target: &Path,
    old: &BTreeSet<String>,
    new: &BTreeSet<String>,
    marker: &str,
) -> io::Result<InPlace> {
    let mut done = InPlace::default();
    for stale in old.difference(new) {
        match std::fs::remove_file(target.join(stale)) {
            Ok(()) => done.removed += 1,
            Err(e) if e.kind() == io::ErrorKind::NotFound => {}
            Err(e) => return Err(e),
        }
    }
    remove_emptied_folders(target, old.difference(new));
    for path in new.iter().chain(std::iter::once(&marker.to_string())) {
        let bytes = std::fs::read(staging.join(path))?;
        let live = target.join(path);
        if std::fs::read(&live).is_ok_and(|b| b == bytes) {
            continue;
        }
        if let Some(dir) = live.parent() {
            std::fs::create_dir_all(dir)?;
        }
        let name = live.file_name().unwrap_or_default().to_string_lossy();
        let tmp = live.with_file_name(format!(".{name}.srm-tmp-{}", std::process::id()));
        std::fs::write(&tmp, &bytes)
            .and_then(|()| std::fs::rename(&tmp, &live))
            .inspect_err(|_| {
                let _ = std::fs::remove_file(&tmp);
            })?;
        done.written += 1;
    }
    Ok(done)
}

/// Every file of a build: its hash and length, and whether it was staged (`false`: the
/// live output already holds these bytes).
pub(crate) type Written = BTreeMap<String, ([u8; 32], u64, bool)>;

/// Updates srm-docs's own live output `target` to this build's files: `written` maps each
/// file to its hash, length and whether it was staged (new or changed bytes, in `staging`)
/// or is already in place. Stale files (listed by the previous marker, `old`, and not
/// written now) are removed, staged files are moved in (copied where the staging folder is
/// on another file system), and the marker is rewritten when its listing changed. While
/// files move, the marker lists both builds' files, so an interrupted update leaves a folder
/// the next build still recognises as its own.
pub(crate) fn apply(
    staging: &Path,
    target: &Path,
    stamps: &BTreeMap<String, Stamp>,
    old: &BTreeSet<String>,
    written: &Written,
) -> io::Result<InPlace> {
    let mut done = InPlace::default();
    let stamp = |&(hash, len, _): &([u8; 32], u64, bool)| Stamp { hash, len };
    let stale: Vec<&String> = old.iter().filter(|f| !written.contains_key(*f)).collect();
    let staged = written.iter().filter(|(_, w)| w.2).count();
    if staged > 0 || !stale.is_empty() {
        // Files being replaced are listed without a stamp: rewritten by the next build.
        let kept = |f: &String| written.get(f).filter(|w| !w.2).map(stamp);
        let both: Listing = (old.iter().chain(written.keys()))
            .map(|f| (f.clone(), kept(f)))
            .collect();
        place_marker(staging, target, &both)?;
    }
    for file in &stale {
        match std::fs::remove_file(target.join(file)) {
            Ok(()) => done.removed += 1,
            Err(e) if e.kind() == io::ErrorKind::NotFound => {}
            Err(e) => return Err(e),
        }
    }
    remove_emptied_folders(target, stale.into_iter());
    for (path, _) in written.iter().filter(|(_, w)| w.2) {
        move_in(&staging.join(path), &target.join(path))?;
        done.written += 1;
    }
    let listing: Listing = (written.iter())
        .map(|(f, w)| (f.clone(), Some(stamp(w))))
        .collect();
    let before: Listing = stamps.iter().map(|(f, s)| (f.clone(), Some(*s))).collect();
    if done != InPlace::default() || listing != before {
        place_marker(staging, target, &listing)?;
    }
    Ok(done)
}

/// Moves a staged file to its place in the live output, replacing what is there; copies it
/// (under a temporary name beside its place, then renamed) across file systems.
fn move_in(staged: &Path, live: &Path) -> io::Result<()> {
    if let Some(dir) = live.parent() {
        std::fs::create_dir_all(dir)?;
    }
    match std::fs::rename(staged, live) {
        Err(e) if needs_in_place(&e) => {
            let name = live.file_name().unwrap_or_default().to_string_lossy();
            let tmp = live.with_file_name(format!(".{name}.srm-tmp-{}", std::process::id()));
            std::fs::copy(staged, &tmp)
                .and_then(|_| std::fs::rename(&tmp, live))
                .inspect_err(|_| {
                    let _ = std::fs::remove_file(&tmp);
                })
        }
        other => other,
    }
}

/// Writes the marker listing `files` into `staging` and moves it into the live output.
fn place_marker(staging: &Path, target: &Path, files: &Listing) -> io::Result<()> {
    let staged = staging.join(marker::MARKER);
    std::fs::write(&staged, marker::render(files))?;
    move_in(&staged, &target.join(marker::MARKER))
}

/// Removes the folders that held `removed` files and are now empty, deepest first.
fn remove_emptied_folders<'a>(target: &Path, removed: impl Iterator<Item = &'a String>) {
    let mut folders = BTreeSet::new();
    for file in removed {
        let mut path = file.as_str();
        while let Some(i) = path.rfind('/') {
            path = &path[..i];
            folders.insert(path.to_string());
        }
    }
    let mut deepest_first: Vec<_> = folders.into_iter().collect();
    deepest_first.sort_by_key(|f| std::cmp::Reverse(f.matches('/').count()));
    for folder in deepest_first {
        // Fails (and is left) when the folder still holds something.
        let _ = std::fs::remove_dir(target.join(folder));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn set(names: &[&str]) -> BTreeSet<String> {
        names.iter().map(|s| s.to_string()).collect()
    }

    #[cfg(target_os = "linux")]
    #[test]
    fn exchange_swaps_two_folders() {
        let tmp = tempfile::tempdir().unwrap();
        let (a, b) = (tmp.path().join("a"), tmp.path().join("b"));
        std::fs::create_dir_all(&a).unwrap();
        std::fs::create_dir_all(&b).unwrap();
        std::fs::write(a.join("new"), "").unwrap();
        std::fs::write(b.join("old"), "").unwrap();
        exchange(&a, &b).unwrap();
        assert!(b.join("new").exists() && a.join("old").exists());
    }

    #[test]
    fn in_place_update_writes_changes_and_removes_only_what_the_last_build_wrote() {
        let tmp = tempfile::tempdir().unwrap();
        let (staging, live) = (tmp.path().join("staging"), tmp.path().join("live"));
        for (dir, files) in [
            (
                &live,
                &[
                    ("same.html", "s"),
                    ("changed.html", "1"),
                    ("gone/x.html", "g"),
                ][..],
            ),
            (
                &staging,
                &[
                    ("same.html", "s"),
                    ("changed.html", "2"),
                    ("new/y.html", "n"),
                ][..],
            ),
        ] {
            for (f, text) in files {
                std::fs::create_dir_all(dir.join(f).parent().unwrap()).unwrap();
                std::fs::write(dir.join(f), text).unwrap();
            }
        }
        std::fs::write(staging.join("M"), "marker").unwrap();
        std::fs::write(live.join("keep.txt"), "not listed").unwrap();
        let old = set(&["same.html", "changed.html", "gone/x.html"]);
        let new = set(&["same.html", "changed.html", "new/y.html"]);
        let done = update_in_place(&staging, &live, &old, &new, "M").unwrap();
        assert_eq!(
            done,
            InPlace {
                written: 3,
                removed: 1
            }
        );
        assert_changed_new_and_gone(&live);
        assert_eq!(
            std::fs::read_to_string(live.join("keep.txt")).unwrap(),
            "not listed"
        );
    }

    /// `live` holds the changed file's new text and the new file, and no longer the folder
    /// that only the previous build had.
    fn assert_changed_new_and_gone(live: &Path) {
        assert_eq!(
            std::fs::read_to_string(live.join("changed.html")).unwrap(),
            "2"
        );
        assert_eq!(
            std::fs::read_to_string(live.join("new/y.html")).unwrap(),
            "n"
        );
        assert!(!live.join("gone").exists());
    }

    #[test]
    fn apply_moves_in_what_changed_keeps_the_rest_and_removes_only_stale_files() {
        let tmp = tempfile::tempdir().unwrap();
        let (staging, live) = (tmp.path().join("staging"), tmp.path().join("live"));
        std::fs::create_dir_all(staging.join("new")).unwrap();
        std::fs::create_dir_all(live.join("gone")).unwrap();
        for (f, text) in [
            ("same.html", "s"),
            ("changed.html", "1"),
            ("gone/x.html", "g"),
        ] {
            std::fs::write(live.join(f), text).unwrap();
        }
        std::fs::write(staging.join("changed.html"), "2").unwrap();
        std::fs::write(staging.join("new/y.html"), "n").unwrap();
        let hash = |t: &str| *blake3::hash(t.as_bytes()).as_bytes();
        let same = Stamp {
            hash: hash("s"),
            len: 1,
        };
        let stamps: BTreeMap<String, Stamp> = [("same.html".to_string(), same)].into();
        let old = set(&["same.html", "changed.html", "gone/x.html"]);
        let written: Written = [
            ("same.html".to_string(), (hash("s"), 1, false)),
            ("changed.html".to_string(), (hash("2"), 1, true)),
            ("new/y.html".to_string(), (hash("n"), 1, true)),
        ]
        .into();
        let done = apply(&staging, &live, &stamps, &old, &written).unwrap();
        assert_eq!(
            done,
            InPlace {
                written: 2,
                removed: 1
            }
        );
        assert_changed_new_and_gone(&live);
        let text = std::fs::read_to_string(live.join(marker::MARKER)).unwrap();
        let listing = marker::parse_listing(&text).unwrap();
        assert_eq!(listing["same.html"], Some(same));
        assert!(listing.values().all(Option::is_some));
        assert_eq!(listing.len(), 3);
        // Nothing changed: nothing is written, not even the marker.
        let before = std::fs::metadata(live.join(marker::MARKER))
            .unwrap()
            .modified()
            .unwrap();
        let (stamps, _) = marker::stamps(&live);
        let again: Written = (stamps.iter())
            .map(|(f, s)| (f.clone(), (s.hash, s.len, false)))
            .collect();
        let files: BTreeSet<String> = stamps.keys().cloned().collect();
        let done = apply(&staging, &live, &stamps, &files, &again).unwrap();
        assert_eq!(done, InPlace::default());
        let after = std::fs::metadata(live.join(marker::MARKER))
            .unwrap()
            .modified()
            .unwrap();
        assert_eq!(before, after);
    }
}
