//! The validated dataset: typed entities whose references all resolve, the closed
//! vocabularies as enums ([`super::vocab`]), and the lookups later stages use (an entity by
//! id, the resolved cell of a control for a service, whether a control's owner varies).

use super::id::Id;
pub(crate) use super::parties::{Owner, Party};
use super::vocab::{Compute, DefaultState, Layer, Role, ServiceKind, Status};
use crate::diagnostics::Location;
use serde::Serialize;
use std::collections::BTreeMap;

/// Markdown text from the dataset, with where it was written (for link errors).
#[derive(Debug, Clone, Serialize)]
pub(crate) struct Text {
    /// The Markdown.
    pub md: String,
    /// Where the value is.
    #[serde(skip)]
    pub at: Location,
}

/// A dated change to a fact made after the sources were written.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct Update {
    /// When, known to the day, month or year (`YYYY-MM-DD`, `YYYY-MM` or `YYYY`).
    pub date: String,
    /// What changed.
    pub text: Text,
    /// Source ids.
    pub sources: Vec<Id<Source>>,
}

/// One resolved matrix cell.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct Cell {
    /// Who holds the control.
    pub owner: Owner,
    /// What each party does (shared cells), in the order written.
    pub parts: Vec<(Id<Party>, Text)>,
    /// Free note.
    pub note: Option<Text>,
    /// Whether the provider switches the control on by default.
    pub default_state: Option<DefaultState>,
    /// Dated changes.
    pub updates: Vec<Update>,
    /// Conflict ids.
    pub conflicts: Vec<Id<Conflict>>,
    /// Source ids.
    pub sources: Vec<Id<Source>>,
}

/// A source article.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct Source {
    /// The id (lowercase letters, digits and single hyphens; unique in the dataset).
    pub id: Id<Source>,
    /// Title shown on pages.
    pub title: String,
    /// Who wrote it.
    pub author: String,
    /// When it was published, to the precision known.
    pub date: Option<String>,
    /// When it was last read (for pages that change, such as documentation).
    pub accessed: Option<String>,
    /// Where it can be read.
    pub url: Option<String>,
    /// Free note.
    pub note: Option<Text>,
}

/// A service category (IaaS / PaaS / abstracted).
#[derive(Debug, Clone, Serialize)]
pub(crate) struct Category {
    /// The id (lowercase letters, digits and single hyphens; unique in the dataset).
    pub id: Id<Category>,
    /// Name shown on pages.
    pub label: String,
    /// Other names it goes by.
    pub aliases: Vec<String>,
    /// Position in lists (ascending).
    pub rank: i64,
    /// One-paragraph summary.
    pub summary: Text,
    /// A longer description.
    pub description: Option<Text>,
    /// Ids of the sources this comes from.
    pub sources: Vec<Id<Source>>,
}

/// A cloud provider whose services the dataset covers. A dataset that declares none has
/// one: its party with the role `provider` (same id and label).
#[derive(Debug, Clone, Serialize)]
pub(crate) struct Provider {
    /// The id (lowercase letters, digits and single hyphens; unique in the dataset).
    pub id: Id<Provider>,
    /// Name shown on pages.
    pub label: String,
    /// What the dataset says about it.
    pub description: Option<Text>,
    /// Ids of the sources this comes from.
    pub sources: Vec<Id<Source>>,
}

/// A cloud service.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct Service {
    /// The id (lowercase letters, digits and single hyphens; unique in the dataset).
    pub id: Id<Service>,
    /// Name shown on pages.
    pub name: String,
    /// Other names it goes by.
    pub aliases: Vec<String>,
    /// Category id.
    pub category: Id<Category>,
    /// Provider id (the dataset's only provider when the service names none).
    pub provider: Id<Provider>,
    /// One-paragraph summary.
    pub summary: Text,
    /// What the service is for.
    pub kind: ServiceKind,
    /// Ids of the controls this service helps the customer hold.
    pub helps_with: Vec<Id<Control>>,
    /// Where customer code runs on this service, when that applies.
    pub compute: Option<Compute>,
    /// Whether the service is still offered.
    pub status: Status,
    /// Free note.
    pub note: Option<Text>,
    /// Dated changes made after the sources were written.
    pub updates: Vec<Update>,
    /// Ids of the conflicts about this.
    pub conflicts: Vec<Id<Conflict>>,
    /// Ids of the sources this comes from.
    pub sources: Vec<Id<Source>>,
}

/// A security control.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct Control {
    /// The id (lowercase letters, digits and single hyphens; unique in the dataset).
    pub id: Id<Control>,
    /// Title shown on pages.
    pub title: String,
    /// The layer of the responsibility stack the control sits in.
    pub layer: Layer,
    /// What it is.
    pub description: Text,
    /// Related NIST SP 800-53 control ids.
    pub nist: Vec<String>,
    /// Ids of the sources this comes from.
    pub sources: Vec<Id<Source>>,
}

/// The ownership of one control: a cell per category plus per-service overrides.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct Row {
    /// Control id.
    pub control: Id<Control>,
    /// The cell of each category id.
    pub defaults: BTreeMap<Id<Category>, Cell>,
    /// Per-service cells, by service id.
    pub overrides: BTreeMap<Id<Service>, Cell>,
    /// Ids of the sources for the whole row.
    pub sources: Vec<Id<Source>>,
}

/// A walkthrough.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct Scenario {
    /// The id (lowercase letters, digits and single hyphens; unique in the dataset).
    pub id: Id<Scenario>,
    /// Title shown on pages.
    pub title: String,
    /// The question asked.
    pub question: Text,
    /// The walkthrough, one step per item.
    pub steps: Vec<Text>,
    /// The answer.
    pub answer: Text,
    /// Who is responsible.
    pub owner: Owner,
    /// What each party does (shared answers), in the order written.
    pub parts: Vec<(Id<Party>, Text)>,
    /// Why the answer holds.
    pub rationale: Option<Text>,
    /// Ids of the services involved.
    pub services: Vec<Id<Service>>,
    /// Ids of the controls involved.
    pub controls: Vec<Id<Control>>,
    /// Ids of the conflicts about this.
    pub conflicts: Vec<Id<Conflict>>,
    /// Dated changes made after the sources were written.
    pub updates: Vec<Update>,
    /// Ids of the sources this comes from.
    pub sources: Vec<Id<Source>>,
}

/// A myth and the reality.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct Misconception {
    /// The id (lowercase letters, digits and single hyphens; unique in the dataset).
    pub id: Id<Misconception>,
    /// What people believe.
    pub myth: Text,
    /// What is true.
    pub reality: Text,
    /// Ids of the controls the myth is about.
    pub controls: Vec<Id<Control>>,
    /// Ids of the services the myth is about.
    pub services: Vec<Id<Service>>,
    /// Dated changes made after the sources were written.
    pub updates: Vec<Update>,
    /// Ids of the conflicts about this.
    pub conflicts: Vec<Id<Conflict>>,
    /// Ids of the sources this comes from.
    pub sources: Vec<Id<Source>>,
}

/// An exam or practice tip.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct Tip {
    /// The id (lowercase letters, digits and single hyphens; unique in the dataset).
    pub id: Id<Tip>,
    /// The tip.
    pub text: Text,
    /// Ids of the controls the tip is about.
    pub controls: Vec<Id<Control>>,
    /// Dated changes made after the sources were written.
    pub updates: Vec<Update>,
    /// Ids of the sources this comes from.
    pub sources: Vec<Id<Source>>,
}

/// A compliance programme.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct Program {
    /// The id (lowercase letters, digits and single hyphens; unique in the dataset).
    pub id: Id<Program>,
    /// Name shown on pages.
    pub name: String,
    /// The family of programmes it belongs to.
    pub family: String,
    /// Free note.
    pub note: Option<Text>,
    /// Ids of the sources this comes from.
    pub sources: Vec<Id<Source>>,
}

/// One side of a disagreement.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct Position {
    /// What this side states.
    pub claim: Text,
    /// Ids of the sources this comes from.
    pub sources: Vec<Id<Source>>,
}

/// Where sources disagree, and what this knowledge base states.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct Conflict {
    /// The id (lowercase letters, digits and single hyphens; unique in the dataset).
    pub id: Id<Conflict>,
    /// What the sources disagree about.
    pub topic: String,
    /// The sides.
    pub positions: Vec<Position>,
    /// What this knowledge base states, and why.
    pub resolution: Text,
    /// When the disagreement was last checked.
    pub checked: Option<String>,
}

/// A step of the compute spectrum.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct SpectrumStep {
    /// The id (lowercase letters, digits and single hyphens; unique in the dataset).
    pub id: Id<SpectrumStep>,
    /// Name shown on pages.
    pub label: String,
    /// Position in lists (ascending).
    pub rank: i64,
    /// Ids of the services at this step.
    pub services: Vec<Id<Service>>,
    /// Ids of the controls the customer holds at this step.
    pub customer_manages: Vec<Id<Control>>,
    /// One-paragraph summary.
    pub summary: Text,
    /// Ids of the sources this comes from.
    pub sources: Vec<Id<Source>>,
}

/// The validated dataset.
#[derive(Debug, Clone, Default, Serialize)]
pub(crate) struct Dataset {
    /// The sources every fact cites.
    pub sources: Vec<Source>,
    /// The parties as declared (`owners:`), or the built-in three when none is.
    pub owners: Vec<Party>,
    /// The cloud providers, as declared (`providers:`), or the provider party alone.
    pub providers: Vec<Provider>,
    /// Service categories, by rank.
    pub categories: Vec<Category>,
    /// Cloud services.
    pub services: Vec<Service>,
    /// Security controls.
    pub controls: Vec<Control>,
    /// The matrix row of each control id.
    pub matrix: BTreeMap<Id<Control>, Row>,
    /// Walkthroughs.
    pub scenarios: Vec<Scenario>,
    /// Myths and realities.
    pub misconceptions: Vec<Misconception>,
    /// Exam and practice tips.
    pub tips: Vec<Tip>,
    /// Compliance programmes.
    pub compliance_programs: Vec<Program>,
    /// Where sources disagree.
    pub conflicts: Vec<Conflict>,
    /// The compute spectrum, by rank.
    pub spectrum: Vec<SpectrumStep>,
    /// Kinds whose ids may be incomplete because a dataset file could not be read (its
    /// error is reported); references to them are not checked one by one.
    #[serde(skip)]
    pub partial: Vec<Kind>,
}

/// How a control's ownership looks across all services.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Spread {
    /// Every service resolves to this owner (n/a ignored).
    Always(Owner),
    /// The owner differs between services.
    Varies,
}

impl Dataset {
    /// The cell for (control, service): the service override, else the category default.
    pub(crate) fn cell(&self, control: &str, service: &Service) -> Option<&Cell> {
        let row = self.matrix.get(control)?;
        row.overrides
            .get(&service.id)
            .or_else(|| row.defaults.get(&service.category))
    }

    /// Whether a control's owner is the same for every service ("varies" is derived here).
    pub(crate) fn spread(&self, control: &str) -> Spread {
        let mut owners: Vec<&Owner> = self
            .services
            .iter()
            .filter(|s| s.status != Status::Retired)
            .filter_map(|s| self.cell(control, s).map(|c| &c.owner))
            .filter(|o| **o != Owner::NotApplicable)
            .collect();
        owners.sort();
        owners.dedup();
        match owners.as_slice() {
            [only] => Spread::Always((*only).clone()),
            _ => Spread::Varies,
        }
    }

    /// Looks up a party by id.
    pub(crate) fn party(&self, id: &str) -> Option<&Party> {
        self.owners.iter().find(|p| p.id == id)
    }

    /// The party of an owner (`None` for n/a).
    pub(crate) fn owner_party(&self, owner: &Owner) -> Option<&Party> {
        match owner {
            Owner::Party(id) => self.party(id),
            Owner::NotApplicable => None,
        }
    }

    /// An owner's label (`n/a` for no owner).
    pub(crate) fn owner_label<'d>(&'d self, owner: &'d Owner) -> &'d str {
        self.owner_party(owner)
            .map_or(owner.id(), |p| p.label.as_str())
    }

    /// Whether an owner is the shared state (its cell says what each party does).
    pub(crate) fn is_shared(&self, owner: &Owner) -> bool {
        self.owner_party(owner)
            .is_some_and(|p| p.role == Role::Shared)
    }

    /// The parties that hold controls and write parts: every party but the shared state.
    pub(crate) fn part_parties(&self) -> impl Iterator<Item = &Party> {
        self.owners.iter().filter(|p| p.role != Role::Shared)
    }

    /// The party with a role (the provider, the customer), if there is one.
    pub(crate) fn with_role(&self, role: Role) -> Option<&Party> {
        self.owners.iter().find(|p| p.role == role)
    }

    /// Looks up a provider by id.
    pub(crate) fn provider(&self, id: &str) -> Option<&Provider> {
        self.providers.iter().find(|p| p.id == id)
    }

    /// Whether the dataset covers more than one provider (then pages compare them).
    pub(crate) fn several_providers(&self) -> bool {
        self.providers.len() > 1
    }

    /// Looks up a service by id.
    pub(crate) fn service(&self, id: &str) -> Option<&Service> {
        self.services.iter().find(|s| s.id == id)
    }

    /// Looks up a control by id.
    pub(crate) fn control(&self, id: &str) -> Option<&Control> {
        self.controls.iter().find(|c| c.id == id)
    }

    /// Looks up a category by id.
    pub(crate) fn category(&self, id: &str) -> Option<&Category> {
        self.categories.iter().find(|c| c.id == id)
    }

    /// Looks up a scenario by id.
    pub(crate) fn scenario(&self, id: &str) -> Option<&Scenario> {
        self.scenarios.iter().find(|c| c.id == id)
    }

    /// Looks up a source by id.
    pub(crate) fn source(&self, id: &str) -> Option<&Source> {
        self.sources.iter().find(|c| c.id == id)
    }

    /// Looks up a conflict by id.
    pub(crate) fn conflict(&self, id: &str) -> Option<&Conflict> {
        self.conflicts.iter().find(|c| c.id == id)
    }

    /// Ids of one kind, for did-you-mean hints and link checks.
    pub(crate) fn ids(&self, kind: Kind) -> Vec<&str> {
        self.id_iter(kind).collect()
    }

    /// True when an entity of `kind` has this id (no allocation: checked for every
    /// reference of every article on every build).
    pub(crate) fn has(&self, kind: Kind, id: &str) -> bool {
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
            Kind::Provider => ids(&self.providers, |x| &x.id),
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

/// A model struct that has an [`Id`]: its kind, for messages and lookups.
pub(crate) trait Entity {
    /// The kind of entity.
    const KIND: Kind;
}

macro_rules! entities {
    ($($ty:ident => $kind:ident),* $(,)?) => {
        $(impl Entity for $ty {
            const KIND: Kind = Kind::$kind;
        })*
    };
}

entities!(
    Party => Owner,
    Provider => Provider,
    Source => Source,
    Category => Category,
    Service => Service,
    Control => Control,
    Scenario => Scenario,
    Misconception => Misconception,
    Tip => Tip,
    Program => Program,
    Conflict => Conflict,
    SpectrumStep => Spectrum,
);

/// The kinds of entity in the dataset.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) enum Kind {
    /// A source of facts.
    Source,
    /// A party (or the shared state).
    Owner,
    /// A cloud provider.
    Provider,
    /// A service category.
    Category,
    /// A cloud service.
    Service,
    /// A security control.
    Control,
    /// A walkthrough.
    Scenario,
    /// A myth and its reality.
    Misconception,
    /// An exam or practice tip.
    Tip,
    /// A compliance programme.
    Program,
    /// A disagreement between sources.
    Conflict,
    /// A step of the compute spectrum.
    Spectrum,
}

impl Kind {
    /// Every kind.
    pub(crate) const ALL: [Kind; 12] = [
        Kind::Source,
        Kind::Owner,
        Kind::Provider,
        Kind::Category,
        Kind::Service,
        Kind::Control,
        Kind::Scenario,
        Kind::Misconception,
        Kind::Tip,
        Kind::Program,
        Kind::Conflict,
        Kind::Spectrum,
    ];

    /// The kinds an article links to with a scheme named after the kind
    /// (`[S3](service:s3)`, `[x](conflict:id)`).
    pub(crate) const LINKABLE: [Kind; 6] = [
        Kind::Service,
        Kind::Control,
        Kind::Category,
        Kind::Scenario,
        Kind::Misconception,
        Kind::Conflict,
    ];

    /// The kind a link scheme names (`service` → [`Kind::Service`]), if any.
    pub(crate) fn from_scheme(scheme: &str) -> Option<Kind> {
        Kind::LINKABLE.into_iter().find(|k| k.noun() == scheme)
    }

    /// The word used in messages (and, for [`Kind::LINKABLE`] kinds, the link scheme).
    pub(crate) fn noun(self) -> &'static str {
        match self {
            Kind::Source => "source",
            Kind::Owner => "owner",
            Kind::Provider => "provider",
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

#[cfg(test)]
mod tests {
    use super::Kind;

    #[test]
    fn link_schemes_name_the_linkable_kinds_only() {
        for kind in Kind::LINKABLE {
            assert_eq!(Kind::from_scheme(kind.noun()), Some(kind));
        }
        for other in ["source", "article", "tag", "compliance program", "https"] {
            assert_eq!(Kind::from_scheme(other), None, "{other}");
        }
    }
}
