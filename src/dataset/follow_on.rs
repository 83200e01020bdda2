//! Root causes and the errors that follow from them. A dataset file that cannot be read
//! (bad YAML, not UTF-8) declares nothing, so every reference to what it would have
//! declared fails; an empty file does the same for its kind when no other file declares
//! any. Those follow-on errors are not reported one by one: the root cause is reported once,
//! saying how many errors follow from it.

use super::model::Kind;
use crate::diagnostics::{Diagnostic, Severity};

/// A part of the dataset a file may hold.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Section {
    /// Entities of one kind (their ids).
    Ids(Kind),
    /// Matrix rows.
    Matrix,
}

/// The top-level keys of a dataset file and the section each one holds.
const SECTIONS: &[(&str, Section)] = &[
    ("sources", Section::Ids(Kind::Source)),
    ("owners", Section::Ids(Kind::Owner)),
    ("providers", Section::Ids(Kind::Provider)),
    ("categories", Section::Ids(Kind::Category)),
    ("services", Section::Ids(Kind::Service)),
    ("controls", Section::Ids(Kind::Control)),
    ("matrix", Section::Matrix),
    ("scenarios", Section::Ids(Kind::Scenario)),
    ("misconceptions", Section::Ids(Kind::Misconception)),
    ("tips", Section::Ids(Kind::Tip)),
    ("compliance_programs", Section::Ids(Kind::Program)),
    ("conflicts", Section::Ids(Kind::Conflict)),
    ("spectrum", Section::Ids(Kind::Spectrum)),
];

/// One root cause.
#[derive(Debug)]
struct Root {
    diagnostic: Diagnostic,
    sections: Vec<Section>,
    /// Only when nothing else declares the section (an empty file, not a broken one).
    only_if_none: bool,
    follow_ons: usize,
    /// Whether something is missing because of it (then an empty file is an error).
    needed: bool,
}

/// The root causes found while reading the dataset's files.
#[derive(Debug, Default)]
pub(crate) struct FollowOns {
    roots: Vec<Root>,
}

impl FollowOns {
    /// A file that could not be read: `text` (as far as it could be read) says which
    /// sections it holds; when it names none, it may have held any.
    pub(crate) fn broken(&mut self, diagnostic: Diagnostic, text: &str) {
        let mut sections: Vec<Section> = text
            .lines()
            .filter_map(|line| line.split_once(':').map(|(key, _)| key))
            .filter_map(|key| SECTIONS.iter().find(|(k, _)| *k == key).map(|(_, s)| *s))
            .collect();
        if sections.is_empty() {
            sections = SECTIONS.iter().map(|(_, s)| *s).collect();
        }
        self.roots.push(Root {
            diagnostic,
            sections,
            only_if_none: false,
            follow_ons: 0,
            needed: false,
        });
    }

    /// An empty file: by its name (`controls.yaml`) it was meant to hold one section (a file
    /// named otherwise is only a warning).
    pub(crate) fn empty(&mut self, diagnostic: Diagnostic, stem: &str) {
        let sections = SECTIONS
            .iter()
            .filter(|(k, _)| *k == stem)
            .map(|(_, s)| *s)
            .collect();
        self.roots.push(Root {
            diagnostic,
            sections,
            only_if_none: true,
            follow_ons: 0,
            needed: false,
        });
    }

    /// True (and counted) when an error about `section` follows from a root cause;
    /// `declared` says whether any file declares something of that section.
    pub(crate) fn absorbs(&mut self, section: Section, declared: bool) -> bool {
        let root = self
            .roots
            .iter_mut()
            .find(|r| r.sections.contains(&section) && !(r.only_if_none && declared));
        match root {
            Some(r) => {
                r.follow_ons += 1;
                true
            }
            None => false,
        }
    }

    /// Whether references to `kind` may fail because of a root cause (`declared`: some file
    /// declares ids of that kind). An empty file that is the reason becomes an error.
    pub(crate) fn covers(&mut self, kind: Kind, declared: bool) -> bool {
        let mut covered = false;
        for r in &mut self.roots {
            if r.sections.contains(&Section::Ids(kind)) && !(r.only_if_none && declared) {
                r.needed = true;
                covered = true;
            }
        }
        covered
    }

    /// The root causes as diagnostics, each saying how many errors follow from it. An empty
    /// file is a warning, or an error when errors follow from it.
    pub(crate) fn into_diagnostics(self) -> impl Iterator<Item = Diagnostic> {
        self.roots.into_iter().map(|r| {
            let mut d = r.diagnostic;
            if r.needed || r.follow_ons > 0 {
                d.severity = Severity::Error;
            }
            if r.follow_ons > 0 {
                d.message = format!(
                    "{} (and {} error(s) that follow from it, not shown)",
                    d.message, r.follow_ons
                );
            }
            d
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diagnostics::Location;

    fn d(message: &str) -> Diagnostic {
        Diagnostic::error(Location::file("content/data/x.yaml"), message)
    }

    #[test]
    fn a_broken_file_absorbs_errors_about_the_sections_it_names() {
        let mut f = FollowOns::default();
        f.broken(d("bad yaml"), "sources:\n  - id: [oops\n");
        assert!(f.absorbs(Section::Ids(Kind::Source), true));
        assert!(f.absorbs(Section::Ids(Kind::Source), false));
        assert!(!f.absorbs(Section::Ids(Kind::Control), false));
        assert!(f.covers(Kind::Source, true) && !f.covers(Kind::Service, false));
        let all: Vec<Diagnostic> = f.into_diagnostics().collect();
        assert_eq!(
            all[0].message,
            "bad yaml (and 2 error(s) that follow from it, not shown)"
        );
    }

    #[test]
    fn a_broken_file_that_names_no_section_may_have_held_any() {
        let mut f = FollowOns::default();
        f.broken(d("not UTF-8"), "\u{fffd}\u{fffd}");
        assert!(f.absorbs(Section::Matrix, true));
    }

    #[test]
    fn an_empty_file_absorbs_only_when_nothing_else_declares_its_section() {
        let mut f = FollowOns::default();
        let warning = Diagnostic::warning(Location::file("content/data/controls.yaml"), "empty");
        f.empty(warning, "controls");
        assert!(!f.absorbs(Section::Ids(Kind::Control), true));
        let quiet: Vec<Diagnostic> = f.into_diagnostics().collect();
        assert_eq!(quiet[0].severity, Severity::Warning);
        let mut f = FollowOns::default();
        let warning = Diagnostic::warning(Location::file("content/data/controls.yaml"), "empty");
        f.empty(warning, "controls");
        assert!(f.absorbs(Section::Ids(Kind::Control), false));
        let loud: Vec<Diagnostic> = f.into_diagnostics().collect();
        assert_eq!(loud[0].severity, Severity::Error);
    }
}
