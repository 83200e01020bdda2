//! Wikilinks resolved as Obsidian resolves them: `[[Page]]` names a note by its file name
//! (any folder, any case; `[[folder/Page]]` narrows it down), else by one of its `aliases`
//! or its title; `![[image.png]]` and `[[doc.pdf]]` name any other file by its name. When
//! several match, the one in the linking note's folder wins, then the shortest path.

use crate::content::Article;
use std::collections::{HashMap, HashSet};

/// Notes and files by the names wikilinks use.
#[derive(Default)]
pub(crate) struct WikiIndex {
    /// Lowercase file stem → (content path, article index).
    stems: HashMap<String, Vec<(String, usize)>>,
    /// Lowercase alias or title → (content path, article index).
    names: HashMap<String, Vec<(String, usize)>>,
    /// Lowercase file name → content paths of other files.
    files: HashMap<String, Vec<String>>,
}

impl WikiIndex {
    /// The index of a site's articles (content path → index) and other files.
    pub(crate) fn new(
        by_path: &HashMap<String, usize>,
        articles: &[&Article],
        files: &HashSet<String>,
    ) -> Self {
        let mut index = WikiIndex::default();
        for (path, &i) in by_path {
            let entry = (path.clone(), i);
            index
                .stems
                .entry(stem(path))
                .or_default()
                .push(entry.clone());
            let a = articles[i];
            for name in a.names.iter().chain(std::iter::once(&a.title)) {
                index
                    .names
                    .entry(name.to_lowercase())
                    .or_default()
                    .push(entry.clone());
            }
        }
        for path in files {
            let name = path.rsplit('/').next().unwrap_or(path).to_lowercase();
            index.files.entry(name).or_default().push(path.clone());
        }
        index
    }

    /// The article a wikilink names (`Page`, `folder/Page`, `Page.md`), from a note in
    /// `from_dir`.
    pub(crate) fn page(&self, from_dir: &str, name: &str) -> Option<usize> {
        let wanted = name.trim().trim_end_matches(".md").to_lowercase();
        let key = wanted.rsplit('/').next().unwrap_or(&wanted);
        let by_stem = self.stems.get(key).map(|c| matching(c, &wanted));
        let found = by_stem
            .filter(|c| !c.is_empty())
            .or_else(|| self.names.get(&wanted).map(|c| c.iter().collect()))?;
        closest(found, from_dir, |(path, _)| path).map(|(_, i)| *i)
    }

    /// The content path of the other file a wikilink names (`image.png`, `img/a.png`).
    pub(crate) fn file(&self, from_dir: &str, name: &str) -> Option<&str> {
        let wanted = name.trim().to_lowercase();
        let key = wanted.rsplit('/').next().unwrap_or(&wanted);
        let found: Vec<&String> = self
            .files
            .get(key)?
            .iter()
            .filter(|p| p.to_lowercase().ends_with(&wanted))
            .collect();
        closest(found, from_dir, |p| p).map(String::as_str)
    }
}

/// The candidates whose path (without `.md`) ends with the wanted `folder/name`.
fn matching<'c>(candidates: &'c [(String, usize)], wanted: &str) -> Vec<&'c (String, usize)> {
    candidates
        .iter()
        .filter(|(path, _)| {
            let path = path.to_lowercase();
            let path = path.trim_end_matches(".md").trim_end_matches(".markdown");
            path == wanted || path.ends_with(&format!("/{wanted}"))
        })
        .collect()
}

/// The candidate in `from_dir`, else the one with the shortest path (then the first by
/// path).
fn closest<T>(found: Vec<T>, from_dir: &str, path: impl Fn(&T) -> &String) -> Option<T> {
    let in_dir = |p: &str| p.rsplit_once('/').map_or("", |(d, _)| d) == from_dir;
    found.into_iter().min_by(|a, b| {
        let (pa, pb) = (path(a), path(b));
        (!in_dir(pa), pa.len(), pa.as_str()).cmp(&(!in_dir(pb), pb.len(), pb.as_str()))
    })
}

/// A content path's file name without its extension, lowercase.
fn stem(path: &str) -> String {
    let name = path.rsplit('/').next().unwrap_or(path);
    let stem = name.rsplit_once('.').map_or(name, |(s, _)| s);
    stem.to_lowercase()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::content::parse_article;
    use crate::diagnostics::Diagnostics;

    #[test]
    fn names_resolve_like_obsidian() {
        let paths = [
            "Notes/Internal links.md",
            "Archive/Internal links.md",
            "Other/IAM.md",
            "x.md",
        ];
        let texts = [
            "# A\n",
            "# B\n",
            "---\naliases: [AWS IAM]\n---\n",
            "---\ntitle: Big Title\n---\n",
        ];
        let articles: Vec<Article> = paths
            .iter()
            .zip(texts)
            .map(|(p, t)| {
                parse_article(
                    &format!("content/{p}"),
                    t.as_bytes(),
                    &mut Diagnostics::new(),
                )
                .unwrap()
            })
            .collect();
        let refs: Vec<&Article> = articles.iter().collect();
        let by_path = paths
            .iter()
            .enumerate()
            .map(|(i, p)| (p.to_string(), i))
            .collect();
        let files: HashSet<String> = ["Attachments/shot.png".to_string()].into();
        let w = WikiIndex::new(&by_path, &refs, &files);
        assert_eq!(
            w.page("Archive", "internal links"),
            Some(1),
            "same folder first"
        );
        assert_eq!(
            w.page("Elsewhere", "Internal links"),
            Some(0),
            "shortest path"
        );
        assert_eq!(
            w.page("", "Notes/Internal links"),
            Some(0),
            "a path narrows it"
        );
        assert_eq!(w.page("", "AWS IAM"), Some(2), "an alias");
        assert_eq!(w.page("", "big title"), Some(3), "a title");
        assert_eq!(w.page("", "Nothing"), None);
        assert_eq!(w.file("Notes", "Shot.png"), Some("Attachments/shot.png"));
    }
}
