//! A site being written: files go into a staging folder beside the output
//! (`.NAME.staging-PID`, marked as srm-docs's own) while the build runs, and
//! [`StagedDir::commit`] puts it in place of the output whole. Dropped without a commit (a
//! failed build), the staging folder is removed and the live output is untouched.
//!
//! The rules that keep other people's files safe live here: the output is locked against a
//! second build, an existing folder is replaced only when srm-docs wrote it (its marker lists
//! every file in it) or it is empty, a file at the output path is never moved, and leftovers
//! of interrupted builds are removed only when they provably are srm-docs's staging folders.

use super::marker::{self, Existing, Stamp, MARKER, STAGING_MARKER};
use super::swap::{self, InPlace};
use std::collections::{BTreeMap, BTreeSet, HashSet};
use std::fs::File;
use std::io;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

/// Why a build may not write its output.
#[derive(Debug)]
pub(crate) enum BeginError {
    /// The output path holds something srm-docs must not replace (exit code 2).
    Refused(String),
    /// The staging folder or lock could not be created.
    Io(io::Error),
}

/// How the finished output took its place (said in the build summary when it matters).
#[derive(Debug, PartialEq, Eq)]
pub enum Placed {
    /// Swapped in whole (atomic exchange, or a new folder renamed into place).
    Swapped,
    /// The previous output was srm-docs's own: only new and changed files were moved in,
    /// and only files of the previous build that are gone were removed.
    Updated(InPlace),
    /// The output is a mount point: updated file by file.
    InPlace(InPlace),
}

/// A staging folder for one build (see the module docs).
pub(crate) struct StagedDir {
    target: PathBuf,
    staging: PathBuf,
    old: PathBuf,
    /// Files the live output's marker lists (removed by an in-place update when gone).
    previous_files: BTreeSet<String>,
    /// When the live output is srm-docs's own, the stamps its marker lists: only files
    /// whose bytes differ from these are staged, and the output is updated, not swapped.
    previous_stamps: Option<(BTreeMap<String, Stamp>, std::time::SystemTime)>,
    /// Every file of this build (see [`swap::Written`]).
    written: Mutex<swap::Written>,
    /// Folders of the staging folder already made (`/`-separated, relative): each is made
    /// once, not asked for again before every file in it.
    made_dirs: Mutex<HashSet<String>>,
    committed: bool,
    _lock: File,
}

impl StagedDir {
    /// Locks the output `dir` (an absolute path that [`super::target::resolve`] accepted),
    /// clears what interrupted builds left, checks that an existing folder there is
    /// srm-docs's to replace (or `force` vouches for it), and creates the staging folder.
    /// `notice` receives one-line messages for the user (waiting for a lock, a restored or
    /// kept previous output).
    pub(crate) fn begin(
        dir: &Path,
        force: bool,
        notice: &dyn Fn(String),
    ) -> Result<Self, BeginError> {
        let parent = dir.parent().ok_or_else(|| {
            BeginError::Refused("the file system root cannot be an output folder".into())
        })?;
        // A first look (no walk) before anything is created beside a folder that is not ours.
        if !force {
            if let Ok(Existing::Foreign { samples, count, .. }) = marker::glance(dir) {
                return Err(BeginError::Refused(foreign_message(dir, &samples, count)));
            }
        }
        std::fs::create_dir_all(parent).map_err(BeginError::Io)?;
        let name = dir.file_name().unwrap_or_default().to_string_lossy();
        let lock = lock(&parent.join(format!(".{name}.lock")), dir, notice)?;
        let pid = std::process::id();
        let staging = parent.join(format!(".{name}.staging-{pid}"));
        let old = parent.join(format!(".{name}.old-{pid}"));
        remove_dead_staging(parent, &format!(".{name}.staging-"));
        recover_stranded_outputs(parent, &format!(".{name}.old-"), dir, notice);
        // Under the lock, the look that counts (another build may have just finished).
        let (previous_files, previous_stamps) = match marker::examine(dir) {
            Ok(Existing::Ours(files)) => (files, Some(marker::stamps(dir))),
            Ok(Existing::Foreign { listed, .. }) if force => (listed, None),
            _ => (refuse_unless_ours(dir)?, None),
        };
        std::fs::create_dir(&staging)
            .and_then(|()| std::fs::write(staging.join(STAGING_MARKER), pid.to_string()))
            .map_err(BeginError::Io)?;
        Ok(StagedDir {
            target: dir.to_path_buf(),
            previous_files,
            previous_stamps,
            staging,
            old,
            written: Mutex::new(BTreeMap::new()),
            made_dirs: Mutex::new(HashSet::new()),
            committed: false,
            _lock: lock,
        })
    }

    /// Writes one file (`/`-separated path relative to the site root) as a new file: a second
    /// write to the same path is an error, so nothing is ever written through a link. A file
    /// whose bytes the live output already holds (same hash as its marker lists, and the
    /// file untouched since) is not written at all.
    pub(crate) fn write(&self, path: &str, bytes: &[u8]) -> io::Result<()> {
        if path.split('/').any(|s| matches!(s, "" | "." | "..")) || path == MARKER {
            return Err(io::Error::other(format!(
                "`{path}` is not a plain relative path"
            )));
        }
        let hash = *blake3::hash(bytes).as_bytes();
        let len = bytes.len() as u64;
        let unchanged = (self.previous_stamps.as_ref()).is_some_and(|(stamps, marked)| {
            stamps.get(path).is_some_and(|s| {
                s.hash == hash && s.len == len && s.matches(&self.target.join(path), *marked)
            })
        });
        let mut written = self.written.lock().expect("written");
        if written.contains_key(path) {
            return Err(io::Error::new(
                io::ErrorKind::AlreadyExists,
                format!("two files would be written to `{path}`"),
            ));
        }
        written.insert(path.to_string(), (hash, len, !unchanged));
        drop(written);
        if unchanged {
            return Ok(());
        }
        let target = self.staging.join(path);
        if let Some((dir, _)) = path.rsplit_once('/') {
            self.make_dir(dir)?;
        }
        use io::Write;
        std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&target)?
            .write_all(bytes)
    }

    /// Makes the staging folder's subfolder `dir` (and its parents) unless this build
    /// already did. The staging folder is new, so every folder in it is one this build made.
    fn make_dir(&self, dir: &str) -> io::Result<()> {
        if self.made_dirs.lock().expect("made dirs").contains(dir) {
            return Ok(());
        }
        std::fs::create_dir_all(self.staging.join(dir))?;
        let mut made = self.made_dirs.lock().expect("made dirs");
        let ancestors = dir.match_indices('/').map(|(i, _)| &dir[..i]);
        made.extend(ancestors.chain([dir]).map(str::to_string));
        Ok(())
    }

    /// Writes every file of `output`, in parallel.
    pub(crate) fn write_output(&self, output: &super::Output) -> io::Result<()> {
        use rayon::prelude::*;
        output.files.par_iter().try_for_each(|(path, bytes)| {
            self.write(path, (**bytes).as_ref())
                .map_err(|e| io::Error::new(e.kind(), format!("{path}: {e}")))
        })
    }

    /// Marks the staging folder as a finished output (the marker lists every file written)
    /// and puts it in place of the output: moves its files into the live output when that
    /// is srm-docs's own ([`swap::apply`]), otherwise swaps the folders whole.
    pub(crate) fn commit(mut self) -> io::Result<Placed> {
        let written = std::mem::take(&mut *self.written.lock().expect("written"));
        std::fs::remove_file(self.staging.join(STAGING_MARKER))?;
        if let Some((stamps, _)) = &self.previous_stamps {
            let done = swap::apply(
                &self.staging,
                &self.target,
                stamps,
                &self.previous_files,
                &written,
            )?;
            let _ = std::fs::remove_dir_all(&self.staging);
            self.committed = true;
            return Ok(Placed::Updated(done));
        }
        let listing: marker::Listing = (written.iter())
            .map(|(path, &(hash, len, _))| (path.clone(), Some(Stamp { hash, len })))
            .collect();
        std::fs::write(self.staging.join(MARKER), marker::render(&listing))?;
        let files: BTreeSet<String> = written.into_keys().collect();
        let placed = self.place(&files)?;
        self.committed = true;
        Ok(placed)
    }

    /// Puts the finished staging folder in place (see [`swap`]).
    fn place(&self, files: &BTreeSet<String>) -> io::Result<Placed> {
        if !self.target.exists() {
            std::fs::rename(&self.staging, &self.target)?;
            return Ok(Placed::Swapped);
        }
        match swap::exchange(&self.staging, &self.target) {
            Ok(()) => {
                // The staging path now holds the previous output, which was ours to replace.
                let _ = std::fs::remove_dir_all(&self.staging);
                Ok(Placed::Swapped)
            }
            Err(e) if swap::needs_in_place(&e) => self.update_in_place(files),
            Err(e) if swap::exchange_unsupported(&e) => self.two_renames(files),
            Err(e) => Err(e),
        }
    }

    /// The swap where no atomic exchange exists: the output is renamed aside (where a later
    /// build restores it if this process dies), the staging folder takes its place.
    fn two_renames(&self, files: &BTreeSet<String>) -> io::Result<Placed> {
        if let Err(e) = std::fs::rename(&self.target, &self.old) {
            return if swap::needs_in_place(&e) {
                self.update_in_place(files)
            } else {
                Err(e)
            };
        }
        if let Err(e) = std::fs::rename(&self.staging, &self.target) {
            std::fs::rename(&self.old, &self.target)?;
            return Err(e);
        }
        let _ = std::fs::remove_dir_all(&self.old);
        Ok(Placed::Swapped)
    }

    /// The update for an output that cannot be renamed (a mount point).
    fn update_in_place(&self, files: &BTreeSet<String>) -> io::Result<Placed> {
        let done = swap::update_in_place(
            &self.staging,
            &self.target,
            &self.previous_files,
            files,
            MARKER,
        )?;
        let _ = std::fs::remove_dir_all(&self.staging);
        Ok(Placed::InPlace(done))
    }
}

impl Drop for StagedDir {
    fn drop(&mut self) {
        if !self.committed {
            let _ = std::fs::remove_dir_all(&self.staging);
        }
    }
}

/// The files listed by the marker of the folder at `dir` (none when it is missing or
/// empty), or the refusal for anything else: a file, or a folder srm-docs did not write.
fn refuse_unless_ours(dir: &Path) -> Result<BTreeSet<String>, BeginError> {
    match marker::examine(dir) {
        Ok(Existing::Missing | Existing::Empty) => Ok(BTreeSet::new()),
        Ok(Existing::Ours(files)) => Ok(files),
        Ok(Existing::Foreign { samples, count, .. }) => {
            Err(BeginError::Refused(foreign_message(dir, &samples, count)))
        }
        Err(e) => Err(BeginError::Refused(format!(
            "the output path `{}` cannot be used: {e}; nothing was moved",
            dir.display()
        ))),
    }
}

/// The refusal for a folder srm-docs did not write, saying how to proceed.
fn foreign_message(dir: &Path, samples: &[String], count: usize) -> String {
    let more = count.saturating_sub(samples.len());
    let listed = samples
        .iter()
        .map(|s| format!("`{s}`"))
        .collect::<Vec<_>>()
        .join(", ");
    let more = if more > 0 {
        format!(" and {more} more")
    } else {
        String::new()
    };
    format!(
        "refusing to replace `{}`: it holds files srm-docs did not write ({listed}{more}); \
         choose an empty or new output folder, move those files away, or pass --force if \
         everything in that folder may be deleted",
        dir.display()
    )
}

/// Takes the lock file beside the output, waiting (and saying so) while another build holds it.
fn lock(path: &Path, dir: &Path, notice: &dyn Fn(String)) -> Result<File, BeginError> {
    let file = std::fs::OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(path)
        .map_err(BeginError::Io)?;
    match file.try_lock() {
        Ok(()) => Ok(file),
        Err(std::fs::TryLockError::WouldBlock) => {
            notice(format!(
                "waiting for another srm-docs build into {} to finish",
                dir.display()
            ));
            file.lock().map_err(BeginError::Io)?;
            Ok(file)
        }
        Err(std::fs::TryLockError::Error(e)) => Err(BeginError::Io(e)),
    }
}

/// The ids of entries of `dir` named `prefix` + a process id, for processes no longer running.
/// Empty where running processes cannot be listed.
fn dead_entries(dir: &Path, prefix: &str) -> Vec<PathBuf> {
    if !Path::new("/proc/self").is_dir() {
        return Vec::new();
    }
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    entries
        .flatten()
        .filter(|entry| {
            let name = entry.file_name();
            name.to_str()
                .and_then(|n| n.strip_prefix(prefix))
                .and_then(|p| p.parse::<u32>().ok())
                .is_some_and(|pid| {
                    pid != std::process::id() && !Path::new(&format!("/proc/{pid}")).exists()
                })
        })
        .map(|e| e.path())
        .collect()
}

/// Removes the files of `dir` named `prefix` + the id of a process that no longer runs (a
/// half-written file of an interrupted build, in a folder that is srm-docs's own).
pub(crate) fn remove_dead_files(dir: &Path, prefix: &str) {
    for path in dead_entries(dir, prefix) {
        if path.symlink_metadata().is_ok_and(|m| m.is_file()) {
            let _ = std::fs::remove_file(path);
        }
    }
}

/// Removes staging folders of builds that no longer run, but only folders (not links) that
/// carry the staging marker: nothing else is provably srm-docs's.
fn remove_dead_staging(dir: &Path, prefix: &str) {
    for path in dead_entries(dir, prefix) {
        let is_dir = path.symlink_metadata().is_ok_and(|m| m.is_dir());
        if is_dir && path.join(STAGING_MARKER).is_file() {
            let _ = std::fs::remove_dir_all(&path);
        }
    }
}

/// A previous output that an interrupted swap left renamed aside is put back when the output
/// is missing, and otherwise kept and reported: it is never deleted.
fn recover_stranded_outputs(dir: &Path, prefix: &str, target: &Path, notice: &dyn Fn(String)) {
    for path in dead_entries(dir, prefix) {
        // Only a folder that carries srm-docs's output marker is provably a stranded output.
        let marked = std::fs::read_to_string(path.join(MARKER))
            .is_ok_and(|text| marker::parse(&text).is_some());
        if !marked {
            continue;
        }
        if !target.exists() && std::fs::rename(&path, target).is_ok() {
            notice(format!(
                "restored the previous output {} that an interrupted build had moved to {}",
                target.display(),
                path.display()
            ));
        } else {
            notice(format!(
                "an interrupted build left a previous output at {}; it is kept: delete it \
                 when you no longer need it",
                path.display()
            ));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::output::Output;

    fn quiet(_: String) {}

    /// Writes a whole output the way `build` finishes one.
    fn write(output: &Output, dir: &Path) -> Placed {
        let staged = StagedDir::begin(dir, false, &quiet).unwrap();
        staged.write_output(output).unwrap();
        staged.commit().unwrap()
    }

    fn names(dir: &Path) -> Vec<String> {
        let mut names: Vec<String> = std::fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        names
    }

    #[test]
    fn commit_updates_its_own_folder_and_leaves_a_marker() {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path().join("public");
        let mut a = Output::default();
        a.insert("index.html", "one");
        a.insert("same.html", "same");
        a.insert("x/stale.html", "old");
        assert_eq!(write(&a, &dir), Placed::Swapped);
        let mut b = Output::default();
        b.insert("index.html", "two");
        b.insert("same.html", "same");
        let done = InPlace {
            written: 1,
            removed: 1,
        };
        assert_eq!(write(&b, &dir), Placed::Updated(done));
        assert_eq!(
            std::fs::read_to_string(dir.join("index.html")).unwrap(),
            "two"
        );
        assert!(!dir.join("x").exists());
        let listed = marker::parse(&std::fs::read_to_string(dir.join(MARKER)).unwrap());
        assert_eq!(
            listed.unwrap().into_iter().collect::<Vec<_>>(),
            ["index.html", "same.html"]
        );
        assert_eq!(names(tmp.path()), [".public.lock", "public"]);
    }

    #[test]
    fn files_in_nested_and_shared_folders_are_all_written() {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path().join("public");
        let mut out = Output::default();
        for path in [
            "a/b/c/one.html",
            "a/two.html",
            "a/b/three.html",
            "a/b/c/four.html",
        ] {
            out.insert(path, path);
        }
        write(&out, &dir);
        for path in out.files.keys() {
            assert_eq!(std::fs::read_to_string(dir.join(path)).unwrap(), *path);
        }
        assert_eq!(names(&dir.join("a/b")), ["c", "three.html"]);
    }

    #[test]
    fn an_uncommitted_staged_dir_leaves_the_live_folder_as_it_was() {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path().join("public");
        let mut live = Output::default();
        live.insert("index.html", "good");
        write(&live, &dir);
        {
            let staged = StagedDir::begin(&dir, false, &quiet).unwrap();
            // Already in the live output, then written again: refused.
            staged.write("index.html", b"good").unwrap();
            assert!(staged.write("index.html", b"evil").is_err());
            staged.write("articles/a/index.html", b"new").unwrap();
        }
        assert_eq!(std::fs::read(dir.join("index.html")).unwrap(), b"good");
        assert!(!dir.join("articles").exists());
        assert_eq!(names(tmp.path()), [".public.lock", "public"]);
    }

    #[test]
    fn a_foreign_folder_or_a_file_is_refused_and_force_vouches_only_for_a_folder() {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path().join("notes");
        std::fs::create_dir_all(dir.join("sub")).unwrap();
        std::fs::write(dir.join("precious.txt"), "mine").unwrap();
        let Err(BeginError::Refused(why)) = StagedDir::begin(&dir, false, &quiet) else {
            panic!("a foreign folder was accepted");
        };
        assert!(
            why.contains("`precious.txt`, `sub`") && why.contains("--force"),
            "{why}"
        );
        assert!(StagedDir::begin(&dir, true, &quiet).is_ok());
        let file = tmp.path().join("file");
        std::fs::write(&file, "mine").unwrap();
        let Err(BeginError::Refused(why)) = StagedDir::begin(&file, true, &quiet) else {
            panic!("a file was accepted");
        };
        assert!(why.contains("it is a file"), "{why}");
        assert_eq!(std::fs::read(&file).unwrap(), b"mine");
    }

    #[test]
    fn leftovers_are_removed_only_when_provably_staging_and_stranded_outputs_come_back() {
        if !Path::new("/proc/self").is_dir() {
            return;
        }
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path().join("public");
        // No process has an id this large (Linux caps ids at 2^22).
        let dead = tmp.path().join(".public.staging-4294967290");
        std::fs::create_dir_all(dead.join("articles")).unwrap();
        std::fs::write(dead.join(STAGING_MARKER), "4294967290").unwrap();
        let unmarked = tmp.path().join(".public.staging-4294967291");
        std::fs::create_dir_all(&unmarked).unwrap();
        let stranded = tmp.path().join(".public.old-4294967292");
        std::fs::create_dir_all(&stranded).unwrap();
        std::fs::write(stranded.join("index.html"), "previous").unwrap();
        std::fs::write(
            stranded.join(MARKER),
            marker::render(&[("index.html".into(), None)].into()),
        )
        .unwrap();
        let said = std::cell::RefCell::new(Vec::new());
        let staged = StagedDir::begin(&dir, false, &|m| said.borrow_mut().push(m)).unwrap();
        drop(staged);
        assert!(
            !dead.exists(),
            "a marked staging folder of a dead build is removed"
        );
        assert!(unmarked.exists(), "an unmarked folder is not provably ours");
        assert_eq!(
            std::fs::read_to_string(dir.join("index.html")).unwrap(),
            "previous"
        );
        assert!(said.borrow()[0].starts_with("restored the previous output"));
    }
}
