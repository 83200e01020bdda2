//! The validated dataset: typed entities whose references all resolve, the closed
//! vocabularies as enums ([`super::vocab`]), and the lookups later stages use (an entity by
//! id, the resolved cell of a control for a service, whether a control's owner varies).

use super::vocab::{Compute, DefaultState, Layer, ServiceKind, Status};
use crate::diagnostics::Location;
use serde::Serialize;
use std::collections::BTreeMap;

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
    /// Parses the YAML word (`aws`, `customer`, `shared`, `n/a`).
    pub(super) fn parse(s: &str) -> Option<Owner> {
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
    pub default_state: Option<DefaultState>,
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
    pub kind: ServiceKind,
    pub helps_with: Vec<String>,
    pub compute: Option<Compute>,
    pub status: Status,
    pub note: Option<Text>,
    pub updates: Vec<Update>,
    pub conflicts: Vec<String>,
    pub sources: Vec<String>,
}

/// A security control.
#[derive(Debug, Clone, Serialize)]
pub struct Control {
    pub id: String,
    pub title: String,
    pub layer: Layer,
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
            .filter(|s| s.status != Status::Retired)
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
