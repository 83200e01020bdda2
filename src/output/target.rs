//! Where a build may write: the output path resolved (absolute, symbolic links followed) and
//! refused when replacing it could destroy something that is not srm-docs's own — the site,
//! its content, themes or cache, a folder above the site, `/` or the user's home folder.

use std::fmt;
use std::io;
use std::path::{Component, Path, PathBuf};

/// Folders a build must never replace, write into or wrap.
#[derive(Debug, Clone)]
pub(crate) struct Protected {
    /// The site folder (holds `srm-docs.toml` and `content/`).
    pub root: PathBuf,
    /// The build cache folder, when the build uses one.
    pub cache: Option<PathBuf>,
    /// The user's home folder, when known.
    pub home: Option<PathBuf>,
}

impl Protected {
    /// The folders to protect for a site at `root`, with the home folder from `$HOME`.
    pub(crate) fn for_site(root: &Path, cache: Option<&Path>) -> Self {
        Protected {
            root: root.to_path_buf(),
            cache: cache.map(Path::to_path_buf),
            home: std::env::var_os("HOME")
                .filter(|h| !h.is_empty())
                .map(PathBuf::from),
        }
    }
}

/// Why an output path was refused: a one-line reason, shown as `error: …` with exit code 2.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Refusal(pub String);

impl fmt::Display for Refusal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// Resolves `requested` to an absolute path with every existing symbolic link followed and
/// `.`/`..` applied, and refuses it when it is, contains or lies inside a protected folder
/// (an output folder *inside* the site, such as `public/`, is fine).
pub(crate) fn resolve(requested: &Path, protected: &Protected) -> Result<PathBuf, Refusal> {
    let shown = requested.display();
    let out = real_path(requested)
        .map_err(|e| Refusal(format!("cannot resolve the output path `{shown}`: {e}")))?;
    let resolved = if out == requested {
        String::new()
    } else {
        format!(" ({})", out.display())
    };
    let refuse = |what: String| {
        Err(Refusal(format!(
            "refusing to write the site to `{shown}`{resolved}: {what}; choose an output \
             folder of its own, such as `public` inside the site"
        )))
    };
    if out.parent().is_none() {
        return refuse("it is the file system root".into());
    }
    let root = real_path(&protected.root).unwrap_or_else(|_| protected.root.clone());
    if let Some(rel) = relation(&out, &root, false) {
        return refuse(format!("it {rel} the site folder"));
    }
    let mut inside_only = vec![
        (root.join("content"), "the content folder"),
        (root.join("themes"), "the themes folder"),
    ];
    if let Some(cache) = &protected.cache {
        inside_only.push((cache.clone(), "the build cache folder"));
    }
    for (dir, name) in inside_only {
        let dir = real_path(&dir).unwrap_or(dir);
        if let Some(rel) = relation(&out, &dir, true) {
            return refuse(format!("it {rel} {name} `{}`", dir.display()));
        }
    }
    if let Some(home) = &protected.home {
        let home = real_path(home).unwrap_or_else(|_| home.clone());
        if let Some(rel) = relation(&out, &home, false) {
            return refuse(format!("it {rel} your home folder"));
        }
    }
    Ok(out)
}

/// How `out` stands to a protected `dir`: "is", "contains" or (when `inside_counts`)
/// "lies inside"; `None` when they are unrelated.
fn relation(out: &Path, dir: &Path, inside_counts: bool) -> Option<&'static str> {
    if out == dir {
        Some("is")
    } else if dir.starts_with(out) {
        Some("contains")
    } else if inside_counts && out.starts_with(dir) {
        Some("lies inside")
    } else {
        None
    }
}

/// The absolute form of `path`: each component that exists is resolved with its symbolic
/// links followed; below the first one that does not exist, the rest is applied as written
/// (a folder that does not exist cannot be a link). A dangling link is an error.
pub(crate) fn real_path(path: &Path) -> io::Result<PathBuf> {
    let absolute = if path.is_absolute() {
        path.to_path_buf()
    } else {
        std::env::current_dir()?.join(path)
    };
    let mut resolved = PathBuf::new();
    let mut exists = true;
    for component in absolute.components() {
        match component {
            Component::Prefix(_) | Component::RootDir => resolved.push(component),
            Component::CurDir => {}
            Component::ParentDir => {
                resolved.pop();
            }
            Component::Normal(name) => {
                resolved.push(name);
                if exists {
                    match std::fs::symlink_metadata(&resolved) {
                        Ok(_) => resolved = resolved.canonicalize()?,
                        Err(e) if e.kind() == io::ErrorKind::NotFound => exists = false,
                        Err(e) => return Err(e),
                    }
                }
            }
        }
    }
    Ok(resolved)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn site() -> (tempfile::TempDir, Protected) {
        let tmp = tempfile::tempdir().unwrap();
        let root = tmp.path().join("home/me/site");
        std::fs::create_dir_all(root.join("content")).unwrap();
        std::fs::create_dir_all(root.join("themes")).unwrap();
        let protected = Protected {
            cache: Some(root.join(".srm-cache")),
            home: Some(tmp.path().join("home/me")),
            root,
        };
        (tmp, protected)
    }

    fn reason(out: &Path, p: &Protected) -> String {
        resolve(out, p).unwrap_err().0
    }

    #[test]
    fn an_output_folder_inside_the_site_or_beside_it_is_fine() {
        let (tmp, p) = site();
        let public = resolve(&p.root.join("public"), &p).unwrap();
        assert_eq!(public, p.root.canonicalize().unwrap().join("public"));
        assert!(resolve(&tmp.path().join("home/me/www/deep/new"), &p).is_ok());
    }

    #[test]
    fn the_site_its_folders_and_everything_above_them_are_refused() {
        let (tmp, p) = site();
        let r = &p.root;
        assert!(reason(r, &p).contains("it is the site folder"));
        assert!(reason(&r.join("content"), &p).contains("it is the content folder"));
        assert!(reason(&r.join("content/public"), &p).contains("lies inside the content"));
        assert!(reason(&r.join("themes"), &p).contains("it is the themes folder"));
        assert!(reason(&r.join(".srm-cache/out"), &p).contains("lies inside the build cache"));
        assert!(reason(&r.join(".."), &p).contains("contains the site folder"));
        assert!(reason(&tmp.path().join("home/me"), &p).contains("contains the site folder"));
        assert!(reason(Path::new("/"), &p).contains("file system root"));
        assert!(reason(&r.join("public/../.."), &p).contains("contains the site folder"));
        assert!(reason(&r.join("public/.."), &p).contains("it is the site folder"));
    }

    #[test]
    fn the_home_folder_is_refused_even_when_the_site_lies_elsewhere() {
        let (tmp, mut p) = site();
        p.home = Some(tmp.path().join("other-home"));
        std::fs::create_dir_all(tmp.path().join("other-home/.ssh")).unwrap();
        assert!(reason(&tmp.path().join("other-home"), &p).contains("your home folder"));
        assert!(reason(tmp.path(), &p).contains("contains the site folder"));
    }

    #[cfg(unix)]
    #[test]
    fn symbolic_links_are_followed_before_the_rules_apply() {
        let (tmp, p) = site();
        let link = tmp.path().join("innocent");
        std::os::unix::fs::symlink(&p.root, &link).unwrap();
        assert!(reason(&link, &p).contains("it is the site folder"));
        let dangling = tmp.path().join("dangling");
        std::os::unix::fs::symlink(tmp.path().join("nowhere"), &dangling).unwrap();
        assert!(reason(&dangling.join("x"), &p).contains("cannot resolve"));
    }
}
