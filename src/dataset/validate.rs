//! Raw dataset files ([`super::raw`]) → the typed [`Dataset`]: every id well formed and
//! unique, every reference resolved, every closed vocabulary parsed into its enum, every date
//! known to the day, month or year. Problems are collected (never the first only), each at the
//! `path:line:col` of the offending value with a did-you-mean where a near value exists.
//! Entities are built in [`entities`], matrix rows and cells in [`matrix`]; [`articles`]
//! checks the dataset references of articles' front matter.

mod articles;
mod entities;
mod matrix;
mod parties;
mod providers;

pub(crate) use articles::{article_references, check_article_references};

use super::follow_on::{FollowOns, Section};
use super::id::Id;
use super::model::{Dataset, Entity, Kind, Source, Text, Update};
use super::raw::{RawFile, RawUpdate, S};
use super::vocab::{UnknownWord, Vocabulary};
use crate::diagnostics::{Diagnostic, Diagnostics, Location, UnknownId};
use crate::source::SourceFile;
use crate::yaml::Embedded;
use std::collections::HashMap;

/// Validates parsed files (in the order given) into one dataset, reporting into `diags`.
pub(super) fn validate(
    files: &[(SourceFile, RawFile)],
    follow: FollowOns,
    diags: &mut Diagnostics,
) -> Dataset {
    Validator::new(files, follow, diags).run()
}

/// The state of one validation: the files, where problems go, and the ids declared so far.
struct Validator<'a> {
    files: &'a [(SourceFile, RawFile)],
    diags: &'a mut Diagnostics,
    ids: HashMap<Kind, Vec<String>>,
    /// Root causes (unreadable or empty files) and the errors they absorb.
    follow: FollowOns,
    /// The id of the party with the role `shared`, once the parties are read.
    shared: Option<String>,
    /// The ids of the provider and the customer, once the parties are read.
    pair: Vec<String>,
}

impl<'a> Validator<'a> {
    fn new(
        files: &'a [(SourceFile, RawFile)],
        follow: FollowOns,
        diags: &'a mut Diagnostics,
    ) -> Self {
        Validator {
            files,
            diags,
            ids: HashMap::new(),
            follow,
            shared: None,
            pair: Vec::new(),
        }
    }

    fn at(file: &SourceFile, s: &S) -> Location {
        Embedded::whole(file).span(s)
    }

    fn text(file: &SourceFile, s: &S) -> Text {
        Text {
            md: s.value.clone(),
            at: Self::at(file, s),
        }
    }

    fn opt_text(file: &SourceFile, s: &Option<S>) -> Option<Text> {
        s.as_ref().map(|s| Self::text(file, s))
    }

    /// Ids first (so references may point forward and across files), then sources, the
    /// other entities, the matrix, and last the controls the matrix leaves out.
    fn run(mut self) -> Dataset {
        self.collect_ids();
        let mut ds = Dataset::default();
        let files = self.files;
        for (file, raw) in files {
            for s in &raw.sources {
                let source = self.source(file, s);
                ds.sources.push(source);
            }
        }
        self.parties(&mut ds);
        self.providers(&mut ds);
        for (file, raw) in files {
            self.entities(file, raw, &mut ds);
        }
        ds.categories.sort_by_key(|c| c.rank);
        ds.spectrum.sort_by_key(|c| c.rank);
        for (file, raw) in files {
            for row in &raw.matrix {
                self.row(file, row, &mut ds);
            }
        }
        self.controls_without_rows(&ds);
        ds.partial = Kind::ALL
            .into_iter()
            .filter(|k| {
                let declared = self.ids.get(k).is_some_and(|ids| !ids.is_empty());
                self.follow.covers(*k, declared)
            })
            .collect();
        for d in std::mem::take(&mut self.follow).into_diagnostics() {
            self.diags.push(d);
        }
        ds
    }

    /// Reports every control the matrix leaves out (unless matrix rows may be missing
    /// because a file could not be read).
    fn controls_without_rows(&mut self, ds: &Dataset) {
        for (file, raw) in self.files {
            for c in &raw.controls {
                let declared = !ds.matrix.is_empty();
                if ds.matrix.contains_key(c.id.value.as_str())
                    || self.follow.absorbs(Section::Matrix, declared)
                {
                    continue;
                }
                self.diags.push(Diagnostic::error(
                    Self::at(file, &c.id),
                    format!("control `{}` has no row in the matrix", c.id.value),
                ));
            }
        }
    }

    fn source(&mut self, file: &SourceFile, s: &super::raw::RawSource) -> Source {
        Source {
            id: Id::new(s.id.value.as_str()),
            title: s.title.clone(),
            author: s.author.clone(),
            date: s.date.as_ref().map(|d| self.date(file, d)),
            accessed: s.accessed.as_ref().map(|d| self.date(file, d)),
            url: s.url.as_ref().and_then(|u| self.web_url(file, u)),
            note: Self::opt_text(file, &s.note),
        }
    }

    /// A source's address: an `http(s)` URL, or an error at its place (a `javascript:` or
    /// `data:` URL would run in the reader's browser from the sources page).
    fn web_url(&mut self, file: &SourceFile, u: &S) -> Option<String> {
        let lower = u.value.trim().to_ascii_lowercase();
        let web = (lower.starts_with("https://") || lower.starts_with("http://"))
            && !u.value.contains(char::is_whitespace);
        if web {
            return Some(u.value.clone());
        }
        self.diags.push(Diagnostic::error(
            Self::at(file, u),
            format!(
                "source url `{}` must be an http:// or https:// address",
                crate::render::html_policy::abbreviate(&u.value, 60)
            ),
        ));
        None
    }

    /// Registers all ids, reporting duplicates and malformed ids.
    fn collect_ids(&mut self) {
        let mut seen: HashMap<String, Location> = HashMap::new();
        for (file, raw) in self.files {
            for (kind, id) in declared_ids(raw) {
                let loc = Self::at(file, id);
                if !valid_id(&id.value) {
                    self.diags.push(Diagnostic::error(
                        loc.clone(),
                        format!(
                            "id `{}` must be lowercase letters, digits and single hyphens",
                            id.value
                        ),
                    ));
                }
                if let Some(first) = seen.get(&id.value) {
                    let (l, c) = first.line_col.unwrap_or((0, 0));
                    self.diags.push(Diagnostic::error(
                        loc,
                        format!(
                            "duplicate id `{}` (first defined at {}:{l}:{c})",
                            id.value,
                            first.path.display()
                        ),
                    ));
                    continue;
                }
                seen.insert(id.value.clone(), loc);
                self.ids.entry(kind).or_default().push(id.value.clone());
            }
        }
    }

    /// Checks one reference; reports at its place with a did-you-mean.
    fn check<K: Entity>(&mut self, file: &SourceFile, r: &S) -> Option<Id<K>> {
        self.check_at(|| Self::at(file, r), &r.value)
    }

    /// Checks one reference to `value` written at `at`.
    fn check_at<K: Entity>(&mut self, at: impl FnOnce() -> Location, value: &str) -> Option<Id<K>> {
        let kind = K::KIND;
        let known = self.ids.get(&kind).map(Vec::as_slice).unwrap_or(&[]);
        if known.iter().any(|k| k == value) {
            return Some(Id::new(value));
        }
        if self.follow.absorbs(Section::Ids(kind), !known.is_empty()) {
            return None;
        }
        let unknown = UnknownId::among(kind.noun(), value, known.iter().map(String::as_str));
        self.diags.push(unknown.error(at()));
        None
    }

    /// The references that resolve (each one that does not is reported).
    fn refs<K: Entity>(&mut self, file: &SourceFile, list: &[S]) -> Vec<Id<K>> {
        list.iter()
            .filter_map(|r| self.check::<K>(file, r))
            .collect()
    }

    /// A date known to the day, month or year (`YYYY-MM-DD`, `YYYY-MM`, `YYYY`), in its
    /// canonical form; an error at its place otherwise.
    fn date(&mut self, file: &SourceFile, d: &S) -> String {
        match crate::date::Date::parse_partial(&d.value) {
            Ok(date) => date.to_string(),
            Err(message) => {
                self.diags
                    .push(Diagnostic::error(Self::at(file, d), message));
                d.value.clone()
            }
        }
    }

    fn updates(&mut self, file: &SourceFile, list: &[RawUpdate]) -> Vec<Update> {
        list.iter()
            .map(|u| Update {
                date: self.date(file, &u.date),
                text: Self::text(file, &u.text),
                sources: self.refs::<Source>(file, &u.sources),
            })
            .collect()
    }

    /// Reports an [`UnknownWord`] at `s`.
    fn unknown_word(&mut self, file: &SourceFile, s: &S, e: UnknownWord) {
        self.diags
            .push(Diagnostic::error(Self::at(file, s), e.message).with_help(e.help));
    }

    /// Parses a word of a closed vocabulary. An unknown word is reported at its place and
    /// stands as the vocabulary's first value (the build fails, so it is never rendered).
    fn word<T: Vocabulary>(&mut self, file: &SourceFile, s: &S) -> T {
        T::parse(&s.value).unwrap_or_else(|e| {
            self.unknown_word(file, s, e);
            T::ALL[0]
        })
    }
}

/// Every id one file declares, with its kind, in the order ids are registered.
fn declared_ids(raw: &RawFile) -> Vec<(Kind, &S)> {
    let mut all: Vec<(Kind, &S)> = Vec::new();
    all.extend(raw.sources.iter().map(|x| (Kind::Source, &x.id)));
    all.extend(raw.owners.iter().map(|x| (Kind::Owner, &x.id)));
    all.extend(raw.providers.iter().map(|x| (Kind::Provider, &x.id)));
    all.extend(raw.categories.iter().map(|x| (Kind::Category, &x.id)));
    all.extend(raw.services.iter().map(|x| (Kind::Service, &x.id)));
    all.extend(raw.controls.iter().map(|x| (Kind::Control, &x.id)));
    all.extend(raw.scenarios.iter().map(|x| (Kind::Scenario, &x.id)));
    let myths = raw.misconceptions.iter();
    all.extend(myths.map(|x| (Kind::Misconception, &x.id)));
    all.extend(raw.tips.iter().map(|x| (Kind::Tip, &x.id)));
    let programs = raw.compliance_programs.iter();
    all.extend(programs.map(|x| (Kind::Program, &x.id)));
    all.extend(raw.conflicts.iter().map(|x| (Kind::Conflict, &x.id)));
    all.extend(raw.spectrum.iter().map(|x| (Kind::Spectrum, &x.id)));
    all
}

/// `[a-z0-9]+(-[a-z0-9]+)*`
fn valid_id(id: &str) -> bool {
    !id.is_empty()
        && id.split('-').all(|p| {
            !p.is_empty()
                && p.bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
        })
}

#[cfg(test)]
mod tests {
    use crate::dataset::{
        load, Dataset, DefaultState, Layer, Owner, Role, ServiceKind, Spread, Status,
    };
    use crate::diagnostics::Diagnostics;

    const BASE: &str = "categories:\n  - {id: infrastructure, label: I, rank: 1, summary: s}\n  - {id: abstracted, label: A, rank: 3, summary: s}\nservices:\n  - {id: ec2, name: EC2, category: infrastructure, summary: s}\n  - {id: s3, name: S3, category: abstracted, summary: s}\ncontrols:\n  - {id: guest-os, title: G, layer: platform, description: d}\n  - {id: hardware, title: H, layer: facility, description: d}\n";

    fn load_one(extra: &str) -> (Dataset, Diagnostics) {
        let mut d = Diagnostics::new();
        let ds = load(
            &[("data/x.yaml".into(), format!("{BASE}{extra}").into_bytes())],
            &mut d,
        );
        (ds, d)
    }

    #[test]
    fn varies_is_derived_from_resolved_owners() {
        let (ds, d) = load_one(
            "matrix:\n  - control: guest-os\n    default: {infrastructure: customer, abstracted: aws}\n  - control: hardware\n    default: {all: aws}\n",
        );
        assert!(!d.has_errors(), "{}", d.render(false));
        assert_eq!(ds.spread("guest-os"), Spread::Varies);
        let aws = Owner::Party(crate::dataset::Id::new("aws"));
        assert_eq!(ds.spread("hardware"), Spread::Always(aws));
    }

    #[test]
    fn override_with_unknown_service_is_located_with_a_hint() {
        let (_, d) = load_one(
            "matrix:\n  - control: guest-os\n    default: {all: aws}\n    overrides:\n      ec3: customer\n  - control: hardware\n    default: {all: aws}\n",
        );
        let e = &d.errors()[0];
        assert_eq!(e.location.line_col, Some((14, 7)), "{}", e.message);
        assert_eq!(e.help.as_deref(), Some("did you mean `ec2`?"));
    }

    #[test]
    fn shared_needs_both_parts_and_missing_category_is_reported() {
        let (_, d) = load_one(
            "matrix:\n  - control: guest-os\n    default:\n      infrastructure: {owner: shared, parts: {aws: x}}\n  - control: hardware\n    default: {all: aws}\n",
        );
        let msgs: Vec<String> = d.errors().iter().map(|e| e.headline()).collect();
        assert!(
            msgs.iter()
                .any(|m| m.contains("x.yaml:13:31") && m.contains("`parts: customer:` is missing")),
            "{msgs:?}"
        );
        assert!(
            msgs.iter().any(|m| m.contains("category `abstracted`")),
            "{msgs:?}"
        );
    }

    /// Every closed word wrong once, a party's role too: each reported at its value.
    const WRONG_WORDS: &str = "categories:\n  - {id: abstracted, label: A, rank: 1, summary: s}\nservices:\n  - {id: s3, name: S3, category: abstracted, summary: s, kind: workloads, status: retired}\ncontrols:\n  - {id: data, title: D, layer: dta, description: d}\nmatrix:\n  - control: data\n    default:\n      all: {owner: customer, default_state: enabledd}\nowners:\n  - {id: amazon, label: A, role: provder, description: d}\n  - {id: customer, label: C, description: d}\n";

    #[test]
    fn unknown_words_are_located_with_the_allowed_list_and_a_hint() {
        let mut d = Diagnostics::new();
        load(
            &[("data/w.yaml".into(), WRONG_WORDS.as_bytes().to_vec())],
            &mut d,
        );
        let got: Vec<(String, Option<String>)> = d
            .errors()
            .iter()
            .map(|e| (e.headline(), e.help.clone()))
            .collect();
        let hint = |w: &str| Some(format!("did you mean `{w}`?"));
        assert_eq!(
            got,
            [
                ("data/w.yaml:4:64: error: kind `workloads` must be one of: workload, security-tool, management-tool, compliance-portal".to_string(), hint("workload")),
                ("data/w.yaml:6:33: error: layer `dta` must be one of: facility, virtualization, platform, network, identity, operations, application, data".to_string(), hint("data")),
                ("data/w.yaml:10:45: error: default_state `enabledd` must be one of: enabled, disabled".to_string(), hint("enabled")),
                ("data/w.yaml:12:34: error: role `provder` must be one of: provider, customer, shared, party".to_string(), hint("provider")),
            ]
        );
    }

    #[test]
    fn closed_words_become_enums_with_their_defaults() {
        let (ds, d) = load_one(
            "matrix:\n  - control: guest-os\n    default: {all: {owner: aws, default_state: disabled}}\n  - control: hardware\n    default: {all: aws}\n",
        );
        assert!(!d.has_errors(), "{}", d.render(false));
        let ec2 = ds.service("ec2").unwrap();
        assert_eq!(
            (ec2.kind, ec2.status),
            (ServiceKind::Workload, Status::Active)
        );
        assert_eq!(ec2.compute, None);
        assert_eq!(ds.control("hardware").unwrap().layer, Layer::Facility);
        let cell = ds.cell("guest-os", ec2).unwrap();
        assert_eq!(cell.default_state, Some(DefaultState::Disabled));
    }

    const PARTIES: &str = "owners:\n  - {id: prov, label: P, description: d}\n  - {id: team, label: T, description: d}\n  - {id: both, label: B, role: shared, description: d}\n";

    #[test]
    fn parties_are_the_datasets_own_with_roles_by_position() {
        let (ds, d) = load_one(&format!("{PARTIES}matrix:\n  - control: guest-os\n    default: {{infrastructure: team, abstracted: {{owner: both, parts: {{prov: x, team: y}}}}}}\n  - control: hardware\n    default: {{all: prov}}\n"));
        assert!(!d.has_errors(), "{}", d.render(false));
        let roles: Vec<(&str, Role)> = ds.owners.iter().map(|p| (&*p.id, p.role)).collect();
        assert_eq!(
            roles,
            [
                ("prov", Role::Provider),
                ("team", Role::Customer),
                ("both", Role::Shared)
            ]
        );
        let prov = Owner::Party(crate::dataset::Id::new("prov"));
        assert_eq!(ds.spread("hardware"), Spread::Always(prov));
        let s3 = ds.service("s3").unwrap();
        assert_eq!(ds.cell("guest-os", s3).unwrap().parts.len(), 2);
    }

    #[test]
    fn an_unknown_party_is_the_one_error_at_its_place() {
        let (_, d) = load_one(&format!("{PARTIES}matrix:\n  - control: guest-os\n    default: {{all: {{owner: both, parts: {{prov: x, tema: y}}}}}}\n  - control: hardware\n    default: {{all: aws}}\n"));
        let got: Vec<(String, Option<String>)> = (d.errors().iter())
            .map(|e| (e.headline(), e.help.clone()))
            .collect();
        assert_eq!(
            got,
            [
                (
                    "data/x.yaml:16:51: error: unknown owner `tema`".to_string(),
                    Some("did you mean `team`?".to_string())
                ),
                (
                    "data/x.yaml:18:20: error: unknown owner `aws`".to_string(),
                    None
                ),
            ]
        );
    }
}
