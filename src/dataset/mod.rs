//! The responsibility dataset: `content/data/*.yaml` read strictly into [`raw`] structs, then
//! validated into a [`Dataset`] — every id unique, every reference resolved, every control
//! covered for every category, every `shared` cell saying what each party does. All problems
//! are collected with the `path:line:col` of the offending value and a did-you-mean.
//! "Varies" is derived here, never stored.

pub mod raw;

use crate::diagnostics::{did_you_mean, Diagnostic, Diagnostics, Location};
use crate::source::SourceFile;
use crate::yaml::Embedded;
use raw::{RawCell, RawFile, RawUpdate, S};
use serde::Serialize;
use std::collections::{BTreeMap, HashMap};

/// Markdown text from the dataset, with where it was written (for link errors).
#[derive(Debug, Clone, Serialize)]
pub struct Text {
    /// The Markdown.
    pub md: String,
    /// Where the value is.
    #[serde(skip)]
    pub at: Location,
}

/// Who holds a control.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Owner {
    /// The provider (security *of* the cloud).
    Aws,
    /// The customer (security *in* the cloud).
    Customer,
    /// Both, each with a described part.
    Shared,
    /// The control does not apply.
    #[serde(rename = "n/a")]
    NotApplicable,
}

impl Owner {
    /// The id used in YAML, CSS classes and exports.
    pub fn id(self) -> &'static str {
        match self {
            Owner::Aws => "aws",
            Owner::Customer => "customer",
            Owner::Shared => "shared",
            Owner::NotApplicable => "n/a",
        }
    }
    fn parse(s: &str) -> Option<Owner> {
        match s {
            "aws" => Some(Owner::Aws),
            "customer" => Some(Owner::Customer),
            "shared" => Some(Owner::Shared),
            "n/a" => Some(Owner::NotApplicable),
            _ => None,
        }
    }
}

/// A dated change to a fact made after the sources were written.
#[derive(Debug, Clone, Serialize)]
pub struct Update {
    /// `YYYY-MM-DD`.
    pub date: String,
    /// What changed.
    pub text: Text,
    /// Source ids.
    pub sources: Vec<String>,
}

/// One resolved matrix cell.
#[derive(Debug, Clone, Serialize)]
pub struct Cell {
    /// Who holds the control.
    pub owner: Owner,
    /// The provider's part (shared cells).
    pub aws: Option<Text>,
    /// The customer's part (shared cells).
    pub customer: Option<Text>,
    /// Free note.
    pub note: Option<Text>,
    /// Whether the provider switches the control on by default.
    pub default_state: Option<String>,
    /// Dated changes.
    pub updates: Vec<Update>,
    /// Conflict ids.
    pub conflicts: Vec<String>,
    /// Source ids.
    pub sources: Vec<String>,
}

/// A source article.
#[derive(Debug, Clone, Serialize)]
pub struct Source {
    pub id: String,
    pub title: String,
    pub author: String,
    /// When it was published, to the precision known.
    pub date: Option<String>,
    /// When it was last read (for pages that change, such as documentation).
    pub accessed: Option<String>,
    pub url: Option<String>,
    pub note: Option<Text>,
}

/// One of aws / customer / shared.
#[derive(Debug, Clone, Serialize)]
pub struct OwnerInfo {
    pub id: String,
    pub label: String,
    pub motto: Option<String>,
    pub description: Text,
    pub sources: Vec<String>,
}

/// A service category (IaaS / PaaS / abstracted).
#[derive(Debug, Clone, Serialize)]
pub struct Category {
    pub id: String,
    pub label: String,
    pub aliases: Vec<String>,
    pub rank: i64,
    pub summary: Text,
    pub description: Option<Text>,
    pub sources: Vec<String>,
}

/// A cloud service.
#[derive(Debug, Clone, Serialize)]
pub struct Service {
    pub id: String,
    pub name: String,
    pub aliases: Vec<String>,
    pub category: String,
    pub summary: Text,
    pub kind: String,
    pub helps_with: Vec<String>,
    pub compute: Option<String>,
    pub status: String,
    pub note: Option<Text>,
    pub updates: Vec<Update>,
    pub conflicts: Vec<String>,
    pub sources: Vec<String>,
}

/// The layers of the responsibility stack, bottom-up.
pub const LAYERS: &[&str] = &[
    "facility",
    "virtualization",
    "platform",
    "network",
    "identity",
    "operations",
    "application",
    "data",
];

/// A security control.
#[derive(Debug, Clone, Serialize)]
pub struct Control {
    pub id: String,
    pub title: String,
    pub layer: String,
    pub description: Text,
    pub nist: Vec<String>,
    pub sources: Vec<String>,
}

/// The ownership of one control: a cell per category plus per-service overrides.
#[derive(Debug, Clone, Serialize)]
pub struct Row {
    pub control: String,
    pub defaults: BTreeMap<String, Cell>,
    pub overrides: BTreeMap<String, Cell>,
    pub sources: Vec<String>,
}

/// A walkthrough.
#[derive(Debug, Clone, Serialize)]
pub struct Scenario {
    pub id: String,
    pub title: String,
    pub question: Text,
    pub steps: Vec<Text>,
    pub answer: Text,
    pub owner: Owner,
    pub aws: Option<Text>,
    pub customer: Option<Text>,
    pub rationale: Option<Text>,
    pub services: Vec<String>,
    pub controls: Vec<String>,
    pub conflicts: Vec<String>,
    pub updates: Vec<Update>,
    pub sources: Vec<String>,
}

/// A myth and the reality.
#[derive(Debug, Clone, Serialize)]
pub struct Misconception {
    pub id: String,
    pub myth: Text,
    pub reality: Text,
    pub controls: Vec<String>,
    pub services: Vec<String>,
    pub updates: Vec<Update>,
    pub conflicts: Vec<String>,
    pub sources: Vec<String>,
}

/// An exam or practice tip.
#[derive(Debug, Clone, Serialize)]
pub struct Tip {
    pub id: String,
    pub text: Text,
    pub controls: Vec<String>,
    pub updates: Vec<Update>,
    pub sources: Vec<String>,
}

/// A compliance programme.
#[derive(Debug, Clone, Serialize)]
pub struct Program {
    pub id: String,
    pub name: String,
    pub family: String,
    pub note: Option<Text>,
    pub sources: Vec<String>,
}

/// One side of a disagreement.
#[derive(Debug, Clone, Serialize)]
pub struct Position {
    pub claim: Text,
    pub sources: Vec<String>,
}

/// Where sources disagree, and what this knowledge base states.
#[derive(Debug, Clone, Serialize)]
pub struct Conflict {
    pub id: String,
    pub topic: String,
    pub positions: Vec<Position>,
    pub resolution: Text,
    pub checked: Option<String>,
}

/// A step of the compute spectrum.
#[derive(Debug, Clone, Serialize)]
pub struct SpectrumStep {
    pub id: String,
    pub label: String,
    pub rank: i64,
    pub services: Vec<String>,
    pub customer_manages: Vec<String>,
    pub summary: Text,
    pub sources: Vec<String>,
}

/// The validated dataset.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Dataset {
    pub sources: Vec<Source>,
    pub owners: Vec<OwnerInfo>,
    pub categories: Vec<Category>,
    pub services: Vec<Service>,
    pub controls: Vec<Control>,
    pub matrix: BTreeMap<String, Row>,
    pub scenarios: Vec<Scenario>,
    pub misconceptions: Vec<Misconception>,
    pub tips: Vec<Tip>,
    pub compliance_programs: Vec<Program>,
    pub conflicts: Vec<Conflict>,
    pub spectrum: Vec<SpectrumStep>,
}

/// How a control's ownership looks across all services.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Spread {
    /// Every service resolves to the provider (n/a ignored).
    AlwaysAws,
    /// Every service resolves to the customer (n/a ignored).
    AlwaysCustomer,
    /// Every service resolves to shared.
    AlwaysShared,
    /// The owner differs between services.
    Varies,
}

impl Dataset {
    /// The cell for (control, service): the service override, else the category default.
    pub fn cell(&self, control: &str, service: &Service) -> Option<&Cell> {
        let row = self.matrix.get(control)?;
        row.overrides
            .get(&service.id)
            .or_else(|| row.defaults.get(&service.category))
    }

    /// Whether a control's owner is the same for every service ("varies" is derived here).
    pub fn spread(&self, control: &str) -> Spread {
        let mut owners: Vec<Owner> = self
            .services
            .iter()
            .filter(|s| s.status != "retired")
            .filter_map(|s| self.cell(control, s).map(|c| c.owner))
            .filter(|o| *o != Owner::NotApplicable)
            .collect();
        owners.sort();
        owners.dedup();
        match owners.as_slice() {
            [Owner::Aws] => Spread::AlwaysAws,
            [Owner::Customer] => Spread::AlwaysCustomer,
            [Owner::Shared] => Spread::AlwaysShared,
            _ => Spread::Varies,
        }
    }

    /// Looks up a service by id.
    pub fn service(&self, id: &str) -> Option<&Service> {
        self.services.iter().find(|s| s.id == id)
    }

    /// Looks up a control by id.
    pub fn control(&self, id: &str) -> Option<&Control> {
        self.controls.iter().find(|c| c.id == id)
    }

    /// Looks up a category by id.
    pub fn category(&self, id: &str) -> Option<&Category> {
        self.categories.iter().find(|c| c.id == id)
    }

    /// Looks up a scenario by id.
    pub fn scenario(&self, id: &str) -> Option<&Scenario> {
        self.scenarios.iter().find(|c| c.id == id)
    }

    /// Looks up a source by id.
    pub fn source(&self, id: &str) -> Option<&Source> {
        self.sources.iter().find(|c| c.id == id)
    }

    /// Looks up a conflict by id.
    pub fn conflict(&self, id: &str) -> Option<&Conflict> {
        self.conflicts.iter().find(|c| c.id == id)
    }

    /// Ids of one kind, for did-you-mean hints and link checks.
    pub fn ids(&self, kind: Kind) -> Vec<&str> {
        self.id_iter(kind).collect()
    }

    /// True when an entity of `kind` has this id (no allocation: checked for every
    /// reference of every article on every build).
    pub fn has(&self, kind: Kind, id: &str) -> bool {
        self.id_iter(kind).any(|x| x == id)
    }

    /// The ids of every entity of one kind, in dataset order.
    fn id_iter(&self, kind: Kind) -> Box<dyn Iterator<Item = &str> + '_> {
        fn ids<T>(list: &[T], id: fn(&T) -> &str) -> Box<dyn Iterator<Item = &str> + '_> {
            Box::new(list.iter().map(id))
        }
        match kind {
            Kind::Source => ids(&self.sources, |x| &x.id),
            Kind::Owner => ids(&self.owners, |x| &x.id),
            Kind::Category => ids(&self.categories, |x| &x.id),
            Kind::Service => ids(&self.services, |x| &x.id),
            Kind::Control => ids(&self.controls, |x| &x.id),
            Kind::Scenario => ids(&self.scenarios, |x| &x.id),
            Kind::Misconception => ids(&self.misconceptions, |x| &x.id),
            Kind::Tip => ids(&self.tips, |x| &x.id),
            Kind::Program => ids(&self.compliance_programs, |x| &x.id),
            Kind::Conflict => ids(&self.conflicts, |x| &x.id),
            Kind::Spectrum => ids(&self.spectrum, |x| &x.id),
        }
    }
}

/// The kinds of entity in the dataset.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Kind {
    Source,
    Owner,
    Category,
    Service,
    Control,
    Scenario,
    Misconception,
    Tip,
    Program,
    Conflict,
    Spectrum,
}

impl Kind {
    /// The word used in messages.
    pub fn noun(self) -> &'static str {
        match self {
            Kind::Source => "source",
            Kind::Owner => "owner",
            Kind::Category => "category",
            Kind::Service => "service",
            Kind::Control => "control",
            Kind::Scenario => "scenario",
            Kind::Misconception => "misconception",
            Kind::Tip => "tip",
            Kind::Program => "compliance program",
            Kind::Conflict => "conflict",
            Kind::Spectrum => "spectrum step",
        }
    }
}

/// Parses and validates the dataset files (path, bytes), in the order given.
pub fn load(files: &[(String, Vec<u8>)], diags: &mut Diagnostics) -> Dataset {
    let mut parsed = Vec::new();
    for (path, bytes) in files {
        let file = match SourceFile::from_bytes(path.as_str(), bytes) {
            Ok(f) => f,
            Err(crate::source::DecodeError::NotUtf8 { line, col }) => {
                diags.push(Diagnostic::error(
                    Location {
                        path: path.into(),
                        line_col: Some((line, col)),
                        line_text: None,
                    },
                    "file is not valid UTF-8",
                ));
                continue;
            }
        };
        if file.text.trim().is_empty() {
            continue;
        }
        match Embedded::whole(&file).parse::<RawFile>() {
            Ok(raw) => parsed.push((file, raw)),
            Err(d) => diags.push(d),
        }
    }
    Validator::new(&parsed, diags).run()
}

struct Validator<'a> {
    files: &'a [(SourceFile, RawFile)],
    diags: &'a mut Diagnostics,
    ids: HashMap<Kind, Vec<String>>,
}

impl<'a> Validator<'a> {
    fn new(files: &'a [(SourceFile, RawFile)], diags: &'a mut Diagnostics) -> Self {
        Validator {
            files,
            diags,
            ids: HashMap::new(),
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

    /// Registers all ids, reporting duplicates and malformed ids.
    fn collect_ids(&mut self) {
        let mut seen: HashMap<String, Location> = HashMap::new();
        for (file, raw) in self.files {
            let mut all: Vec<(Kind, &S)> = Vec::new();
            all.extend(raw.sources.iter().map(|x| (Kind::Source, &x.id)));
            all.extend(raw.owners.iter().map(|x| (Kind::Owner, &x.id)));
            all.extend(raw.categories.iter().map(|x| (Kind::Category, &x.id)));
            all.extend(raw.services.iter().map(|x| (Kind::Service, &x.id)));
            all.extend(raw.controls.iter().map(|x| (Kind::Control, &x.id)));
            all.extend(raw.scenarios.iter().map(|x| (Kind::Scenario, &x.id)));
            all.extend(
                raw.misconceptions
                    .iter()
                    .map(|x| (Kind::Misconception, &x.id)),
            );
            all.extend(raw.tips.iter().map(|x| (Kind::Tip, &x.id)));
            all.extend(
                raw.compliance_programs
                    .iter()
                    .map(|x| (Kind::Program, &x.id)),
            );
            all.extend(raw.conflicts.iter().map(|x| (Kind::Conflict, &x.id)));
            all.extend(raw.spectrum.iter().map(|x| (Kind::Spectrum, &x.id)));
            for (kind, id) in all {
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
    fn check(&mut self, file: &SourceFile, kind: Kind, r: &S) -> Option<String> {
        let known = self.ids.get(&kind).map(Vec::as_slice).unwrap_or(&[]);
        if known.contains(&r.value) {
            return Some(r.value.clone());
        }
        let hint = did_you_mean(&r.value, known.iter().map(String::as_str));
        self.diags.push(
            Diagnostic::error(
                Self::at(file, r),
                format!("unknown {} `{}`", kind.noun(), r.value),
            )
            .with_help(hint),
        );
        None
    }

    fn refs(&mut self, file: &SourceFile, kind: Kind, list: &[S]) -> Vec<String> {
        list.iter()
            .filter_map(|r| self.check(file, kind, r))
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
                sources: self.refs(file, Kind::Source, &u.sources),
            })
            .collect()
    }

    fn one_of(&mut self, file: &SourceFile, s: &S, allowed: &[&str], what: &str) -> String {
        if !allowed.contains(&s.value.as_str()) {
            self.diags.push(
                Diagnostic::error(
                    Self::at(file, s),
                    format!(
                        "{what} `{}` must be one of: {}",
                        s.value,
                        allowed.join(", ")
                    ),
                )
                .with_help(did_you_mean(&s.value, allowed.iter().copied())),
            );
        }
        s.value.clone()
    }

    fn owner(&mut self, file: &SourceFile, s: &S, allow_na: bool) -> Owner {
        match Owner::parse(&s.value) {
            Some(Owner::NotApplicable) if !allow_na => {
                self.diags.push(Diagnostic::error(
                    Self::at(file, s),
                    "owner `n/a` is only allowed in matrix cells",
                ));
                Owner::NotApplicable
            }
            Some(o) => o,
            None => {
                let allowed = ["aws", "customer", "shared", "n/a"];
                self.diags.push(
                    Diagnostic::error(
                        Self::at(file, s),
                        format!("unknown owner `{}` (aws, customer, shared or n/a)", s.value),
                    )
                    .with_help(did_you_mean(&s.value, allowed)),
                );
                Owner::NotApplicable
            }
        }
    }

    /// Shared needs both parts; reports at `at` naming the missing part.
    fn shared_parts(&mut self, at: Location, aws: &Option<S>, customer: &Option<S>) {
        for (part, value) in [("aws", aws), ("customer", customer)] {
            if value.as_ref().is_none_or(|v| v.value.trim().is_empty()) {
                self.diags.push(Diagnostic::error(
                    at.clone(),
                    format!("a `shared` owner must say what each party does: `{part}:` is missing"),
                ));
            }
        }
    }

    fn cell(&mut self, file: &SourceFile, cell: &serde_saphyr::Spanned<RawCell>) -> Cell {
        let at = Embedded::whole(file).span(cell);
        match &cell.value {
            RawCell::Plain(s) => {
                let owner = match Owner::parse(s) {
                    Some(Owner::Shared) => {
                        self.diags.push(Diagnostic::error(
                            at,
                            "a plain `shared` cell must be a mapping with `owner: shared`, `aws:` and `customer:`",
                        ));
                        Owner::Shared
                    }
                    Some(o) => o,
                    None => {
                        self.diags.push(
                            Diagnostic::error(
                                at,
                                format!("unknown owner `{s}` (aws, customer, n/a or a mapping)"),
                            )
                            .with_help(did_you_mean(s, ["aws", "customer", "n/a"])),
                        );
                        Owner::NotApplicable
                    }
                };
                Cell {
                    owner,
                    aws: None,
                    customer: None,
                    note: None,
                    default_state: None,
                    updates: Vec::new(),
                    conflicts: Vec::new(),
                    sources: Vec::new(),
                }
            }
            RawCell::Full(m) => {
                let owner = self.owner(file, &m.owner, true);
                if owner == Owner::Shared {
                    self.shared_parts(Self::at(file, &m.owner), &m.aws, &m.customer);
                }
                let default_state = m
                    .default_state
                    .as_ref()
                    .map(|s| self.one_of(file, s, &["enabled", "disabled"], "default_state"));
                Cell {
                    owner,
                    aws: Self::opt_text(file, &m.aws),
                    customer: Self::opt_text(file, &m.customer),
                    note: Self::opt_text(file, &m.note),
                    default_state,
                    updates: self.updates(file, &m.updates),
                    conflicts: self.refs(file, Kind::Conflict, &m.conflicts),
                    sources: self.refs(file, Kind::Source, &m.sources),
                }
            }
        }
    }

    fn run(mut self) -> Dataset {
        self.collect_ids();
        let mut ds = Dataset::default();
        let files = self.files;
        for (file, raw) in files {
            for s in &raw.sources {
                let date = s.date.as_ref().map(|d| self.date(file, d));
                let accessed = s.accessed.as_ref().map(|d| self.date(file, d));
                ds.sources.push(Source {
                    id: s.id.value.clone(),
                    title: s.title.clone(),
                    author: s.author.clone(),
                    date,
                    accessed,
                    url: s.url.clone(),
                    note: Self::opt_text(file, &s.note),
                });
            }
        }
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
        for (file, raw) in files {
            for c in &raw.controls {
                if !ds.matrix.contains_key(&c.id.value) {
                    self.diags.push(Diagnostic::error(
                        Self::at(file, &c.id),
                        format!("control `{}` has no row in the matrix", c.id.value),
                    ));
                }
            }
        }
        ds
    }

    fn entities(&mut self, file: &SourceFile, raw: &RawFile, ds: &mut Dataset) {
        for o in &raw.owners {
            self.one_of(file, &o.id, &["aws", "customer", "shared"], "owner id");
            ds.owners.push(OwnerInfo {
                id: o.id.value.clone(),
                label: o.label.clone(),
                motto: o.motto.clone(),
                description: Self::text(file, &o.description),
                sources: self.refs(file, Kind::Source, &o.sources),
            });
        }
        for c in &raw.categories {
            ds.categories.push(Category {
                id: c.id.value.clone(),
                label: c.label.clone(),
                aliases: c.aliases.clone(),
                rank: c.rank,
                summary: Self::text(file, &c.summary),
                description: Self::opt_text(file, &c.description),
                sources: self.refs(file, Kind::Source, &c.sources),
            });
        }
        for s in &raw.services {
            let category = self
                .check(file, Kind::Category, &s.category)
                .unwrap_or_default();
            let kind = s.kind.as_ref().map_or("workload".to_string(), |k| {
                self.one_of(
                    file,
                    k,
                    &[
                        "workload",
                        "security-tool",
                        "management-tool",
                        "compliance-portal",
                    ],
                    "kind",
                )
            });
            let compute = s.compute.as_ref().map(|c| {
                self.one_of(
                    file,
                    c,
                    &["bare-metal", "virtual-machine", "container", "function"],
                    "compute",
                )
            });
            let status = s.status.as_ref().map_or("active".to_string(), |c| {
                self.one_of(file, c, &["active", "retired"], "status")
            });
            ds.services.push(Service {
                id: s.id.value.clone(),
                name: s.name.clone(),
                aliases: s.aliases.clone(),
                category,
                summary: Self::text(file, &s.summary),
                kind,
                helps_with: self.refs(file, Kind::Control, &s.helps_with),
                compute,
                status,
                note: Self::opt_text(file, &s.note),
                updates: self.updates(file, &s.updates),
                conflicts: self.refs(file, Kind::Conflict, &s.conflicts),
                sources: self.refs(file, Kind::Source, &s.sources),
            });
        }
        for c in &raw.controls {
            let layer = self.one_of(file, &c.layer, LAYERS, "layer");
            ds.controls.push(Control {
                id: c.id.value.clone(),
                title: c.title.clone(),
                layer,
                description: Self::text(file, &c.description),
                nist: c.nist.clone(),
                sources: self.refs(file, Kind::Source, &c.sources),
            });
        }
        for s in &raw.scenarios {
            let owner = self.owner(file, &s.owner, false);
            if owner == Owner::Shared {
                self.shared_parts(Self::at(file, &s.owner), &s.aws, &s.customer);
            }
            if s.controls.is_empty() {
                self.diags.push(Diagnostic::error(
                    Self::at(file, &s.id),
                    format!("scenario `{}` names no controls", s.id.value),
                ));
            }
            ds.scenarios.push(Scenario {
                id: s.id.value.clone(),
                title: s.title.clone(),
                question: Self::text(file, &s.question),
                steps: s.steps.iter().map(|t| Self::text(file, t)).collect(),
                answer: Self::text(file, &s.answer),
                owner,
                aws: Self::opt_text(file, &s.aws),
                customer: Self::opt_text(file, &s.customer),
                rationale: Self::opt_text(file, &s.rationale),
                services: self.refs(file, Kind::Service, &s.services),
                controls: self.refs(file, Kind::Control, &s.controls),
                conflicts: self.refs(file, Kind::Conflict, &s.conflicts),
                updates: self.updates(file, &s.updates),
                sources: self.refs(file, Kind::Source, &s.sources),
            });
        }
        for m in &raw.misconceptions {
            ds.misconceptions.push(Misconception {
                id: m.id.value.clone(),
                myth: Self::text(file, &m.myth),
                reality: Self::text(file, &m.reality),
                controls: self.refs(file, Kind::Control, &m.controls),
                services: self.refs(file, Kind::Service, &m.services),
                updates: self.updates(file, &m.updates),
                conflicts: self.refs(file, Kind::Conflict, &m.conflicts),
                sources: self.refs(file, Kind::Source, &m.sources),
            });
        }
        for t in &raw.tips {
            ds.tips.push(Tip {
                id: t.id.value.clone(),
                text: Self::text(file, &t.text),
                controls: self.refs(file, Kind::Control, &t.controls),
                updates: self.updates(file, &t.updates),
                sources: self.refs(file, Kind::Source, &t.sources),
            });
        }
        for p in &raw.compliance_programs {
            ds.compliance_programs.push(Program {
                id: p.id.value.clone(),
                name: p.name.clone(),
                family: p.family.clone(),
                note: Self::opt_text(file, &p.note),
                sources: self.refs(file, Kind::Source, &p.sources),
            });
        }
        for c in &raw.conflicts {
            let checked = c.checked.as_ref().map(|d| self.date(file, d));
            let positions = c
                .positions
                .iter()
                .map(|p| Position {
                    claim: Self::text(file, &p.claim),
                    sources: self.refs(file, Kind::Source, &p.sources),
                })
                .collect();
            ds.conflicts.push(Conflict {
                id: c.id.value.clone(),
                topic: c.topic.clone(),
                positions,
                resolution: Self::text(file, &c.resolution),
                checked,
            });
        }
        for s in &raw.spectrum {
            ds.spectrum.push(SpectrumStep {
                id: s.id.value.clone(),
                label: s.label.clone(),
                rank: s.rank,
                services: self.refs(file, Kind::Service, &s.services),
                customer_manages: self.refs(file, Kind::Control, &s.customer_manages),
                summary: Self::text(file, &s.summary),
                sources: self.refs(file, Kind::Source, &s.sources),
            });
        }
    }

    fn row(&mut self, file: &SourceFile, row: &raw::RawRow, ds: &mut Dataset) {
        let Some(control) = self.check(file, Kind::Control, &row.control) else {
            return;
        };
        if ds.matrix.contains_key(&control) {
            self.diags.push(Diagnostic::error(
                Self::at(file, &row.control),
                format!("control `{control}` has a second matrix row"),
            ));
            return;
        }
        let categories: Vec<String> = ds.categories.iter().map(|c| c.id.clone()).collect();
        let mut defaults = BTreeMap::new();
        for (key, cell) in &row.default.value.0 {
            let value = self.cell(file, cell);
            if key.value == "all" {
                for c in &categories {
                    defaults.insert(c.clone(), value.clone());
                }
            } else if self.check(file, Kind::Category, key).is_some() {
                defaults.insert(key.value.clone(), value);
            }
        }
        let default_at = Embedded::whole(file).span(&row.default);
        for c in &categories {
            if !defaults.contains_key(c) {
                self.diags.push(Diagnostic::error(
                    default_at.clone(),
                    format!("matrix row `{control}` gives no owner for category `{c}`"),
                ));
            }
        }
        let mut overrides = BTreeMap::new();
        for (key, cell) in &row.overrides.0 {
            let value = self.cell(file, cell);
            if self.check(file, Kind::Service, key).is_some() {
                overrides.insert(key.value.clone(), value);
            }
        }
        let sources = self.refs(file, Kind::Source, &row.sources);
        ds.matrix.insert(
            control.clone(),
            Row {
                control,
                defaults,
                overrides,
                sources,
            },
        );
    }
}

/// `[a-z0-9]+(-[a-z0-9]+)*`
pub fn valid_id(id: &str) -> bool {
    !id.is_empty()
        && id.split('-').all(|p| {
            !p.is_empty()
                && p.bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
        })
}

#[cfg(test)]
mod tests {
    use super::*;

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
        assert_eq!(ds.spread("hardware"), Spread::AlwaysAws);
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
            "matrix:\n  - control: guest-os\n    default:\n      infrastructure: {owner: shared, aws: x}\n  - control: hardware\n    default: {all: aws}\n",
        );
        let msgs: Vec<String> = d.errors().iter().map(|e| e.headline()).collect();
        assert!(
            msgs.iter()
                .any(|m| m.contains("x.yaml:13:31") && m.contains("`customer:` is missing")),
            "{msgs:?}"
        );
        assert!(
            msgs.iter().any(|m| m.contains("category `abstracted`")),
            "{msgs:?}"
        );
    }
}
