//! The overview pages of the dataset: the full matrix (service × control), the
//! quick-reference card, misconceptions and tips, and sources with conflicts, compliance
//! programmes and owners.

use super::builder::PageBuilder;
use super::parts::{
    CategoryRef, ConflictRef, ControlRef, OwnerBadge, OwnerView, PageMeta, ServiceRef, SourceRef,
    UpdateView,
};
use super::providers::{Comparison, ProviderRef};
use super::{Page, PageContext};
use crate::dataset::{Control, Kind, Layer, Owner, Service, Spread, Vocabulary};
use serde::Serialize;

/// `matrix.html`'s context.
#[derive(Serialize)]
pub(crate) struct MatrixContext<'b> {
    page: PageMeta<'b>,
    categories: Vec<CategoryRef<'b>>,
    /// The columns: services by category.
    services: Vec<MatrixService<'b>>,
    /// One row per control, from the top layer down.
    rows: Vec<MatrixRow<'b>>,
    /// The cloud providers, when the dataset covers several (for the provider filter).
    providers: Vec<ProviderRef<'b>>,
    /// Every control on every provider (datasets with several providers).
    compare: Option<Comparison<'b, ControlRef<'b>>>,
}

/// A column of the matrix.
#[derive(Serialize)]
struct MatrixService<'b> {
    #[serde(flatten)]
    service: ServiceRef<'b>,
    category: &'b str,
    /// Its provider's id, when the dataset covers several.
    provider: Option<&'b str>,
}

/// A row of the matrix.
#[derive(Serialize)]
struct MatrixRow<'b> {
    control: ControlRef<'b>,
    cells: Vec<MatrixCell<'b>>,
    spread: String,
}

/// One cell of the matrix.
#[derive(Serialize)]
struct MatrixCell<'b> {
    #[serde(flatten)]
    owner: OwnerBadge,
    /// The owner's abbreviation (`A`).
    abbr: &'b str,
    category: &'b str,
    /// The service's provider id, when the dataset covers several.
    provider: Option<&'b str>,
    /// The service's name.
    service: &'b str,
    /// The answer: the control's row on the service's page (the page itself when the
    /// service has no cell for the control).
    url: String,
}

/// `quick_reference.html`'s context.
#[derive(Serialize)]
pub(crate) struct QuickReferenceContext<'b> {
    page: PageMeta<'b>,
    /// The controls each owner always holds, one group per party that has some.
    always: Vec<AlwaysGroup<'b>>,
    varies: Vec<VaryingControl<'b>>,
    categories: Vec<CategoryRef<'b>>,
}

/// The controls one party holds for every service.
#[derive(Serialize)]
struct AlwaysGroup<'b> {
    #[serde(flatten)]
    owner: OwnerView,
    /// `Always AWS`, `Always the customer`.
    heading: String,
    controls: Vec<ControlRef<'b>>,
}

/// A control whose owner varies: its owner per category and the services that differ.
#[derive(Serialize)]
struct VaryingControl<'b> {
    #[serde(flatten)]
    control: ControlRef<'b>,
    cells: Vec<AliasOwner<'b>>,
    exceptions: Vec<Exception<'b>>,
}

/// A category (by its first alias) and its default owner.
#[derive(Serialize)]
struct AliasOwner<'b> {
    alias: &'b str,
    #[serde(flatten)]
    owner: OwnerBadge,
}

/// A service (by its first alias) whose owner differs from its category's.
#[derive(Serialize)]
struct Exception<'b> {
    service: &'b str,
    /// The service's provider, when the dataset covers several.
    provider: Option<&'b str>,
    owner_label: &'b str,
}

/// `misconceptions.html`'s context.
#[derive(Serialize)]
pub(crate) struct MisconceptionsContext<'b> {
    page: PageMeta<'b>,
    misconceptions: Vec<MisconceptionView<'b>>,
    tips: Vec<TipView<'b>>,
}

/// A myth and the reality.
#[derive(Serialize)]
struct MisconceptionView<'b> {
    id: &'b str,
    myth: String,
    reality: String,
    controls: Vec<ControlRef<'b>>,
    services: Vec<ServiceRef<'b>>,
    updates: Vec<UpdateView<'b>>,
    conflicts: Vec<ConflictRef<'b>>,
    sources: Vec<SourceRef<'b>>,
}

/// An exam or practice tip.
#[derive(Serialize)]
struct TipView<'b> {
    id: &'b str,
    html: String,
    controls: Vec<ControlRef<'b>>,
    updates: Vec<UpdateView<'b>>,
    sources: Vec<SourceRef<'b>>,
}

/// `sources.html`'s context.
#[derive(Serialize)]
pub(crate) struct SourcesContext<'b> {
    page: PageMeta<'b>,
    sources: Vec<SourceView<'b>>,
    conflicts: Vec<ConflictView<'b>>,
    programs: Vec<ProgramView<'b>>,
    owners: Vec<OwnerEntry<'b>>,
}

/// A source in full.
#[derive(Serialize)]
struct SourceView<'b> {
    id: &'b str,
    title: &'b str,
    author: &'b str,
    date: Option<&'b str>,
    accessed: Option<&'b str>,
    url: Option<&'b str>,
    note: Option<String>,
}

/// A disagreement between sources, in full.
#[derive(Serialize)]
struct ConflictView<'b> {
    id: &'b str,
    topic: &'b str,
    checked: Option<&'b str>,
    resolution: String,
    positions: Vec<PositionView<'b>>,
}

/// One side of a disagreement.
#[derive(Serialize)]
struct PositionView<'b> {
    claim: String,
    sources: Vec<SourceRef<'b>>,
}

/// A compliance programme.
#[derive(Serialize)]
struct ProgramView<'b> {
    id: &'b str,
    name: &'b str,
    family: &'b str,
    note: Option<String>,
    sources: Vec<SourceRef<'b>>,
}

/// A party and its part.
#[derive(Serialize)]
struct OwnerEntry<'b> {
    id: &'b str,
    label: &'b str,
    motto: Option<&'b str>,
    description: String,
}

impl PageBuilder<'_, '_> {
    /// The matrix, quick-reference card, misconceptions and sources pages.
    pub(super) fn overview_pages(&self) -> Vec<Page<'_>> {
        vec![
            self.page("matrix/index.html", "matrix.html", self.matrix()),
            self.page(
                "quick-reference/index.html",
                "quick_reference.html",
                self.quick_reference(),
            ),
            self.page(
                "misconceptions/index.html",
                "misconceptions.html",
                self.misconceptions(),
            ),
            self.page("sources/index.html", "sources.html", self.sources_page()),
        ]
    }

    fn matrix<'b>(&'b self) -> PageContext<'b> {
        let ds = self.site.dataset;
        let several = ds.several_providers();
        let provider = |s: &'b Service| several.then_some(s.provider.as_str());
        let order: Vec<&Service> = (ds.categories.iter())
            .flat_map(|cat| ds.providers.iter().map(move |p| (cat, p)))
            .flat_map(|(cat, p)| {
                (ds.services.iter()).filter(move |s| s.category == cat.id && s.provider == p.id)
            })
            .collect();
        let rows = Layer::ALL
            .iter()
            .rev()
            .flat_map(|l| ds.controls.iter().filter(move |c| &c.layer == l))
            .map(|c| MatrixRow {
                control: self.control_ref(&c.id),
                cells: (order.iter())
                    .map(|s| {
                        let cell = ds.cell(&c.id, s);
                        let owner = cell.map_or(&Owner::NotApplicable, |c| &c.owner);
                        let page = self.site.entity_url(Kind::Service, &s.id);
                        MatrixCell {
                            url: match cell {
                                Some(_) => format!("{page}#control-{}", c.id),
                                None => page,
                            },
                            owner: self.owner_badge(owner),
                            abbr: ds.owner_party(owner).map_or("–", |p| p.abbr.as_str()),
                            category: &s.category,
                            provider: provider(s),
                            service: &s.name,
                        }
                    })
                    .collect(),
                spread: self.spread_label(&ds.spread(&c.id)),
            })
            .collect();
        PageContext::Matrix(MatrixContext {
            page: PageMeta::new(
                "Responsibility matrix",
                "Every service against every control, with the owner of each.",
            ),
            categories: ds
                .categories
                .iter()
                .map(|c| self.category_ref(&c.id))
                .collect(),
            services: (order.iter())
                .map(|s| MatrixService {
                    service: self.service_ref(&s.id),
                    category: &s.category,
                    provider: provider(s),
                })
                .collect(),
            rows,
            providers: self.provider_refs(),
            compare: self.matrix_comparison(),
        })
    }

    fn quick_reference(&self) -> PageContext<'_> {
        let ds = self.site.dataset;
        let spreads: Vec<(&Control, Spread)> = (ds.controls.iter())
            .map(|c| (c, ds.spread(&c.id)))
            .collect();
        let always = (ds.owners.iter())
            .map(|p| Spread::Always(Owner::Party(p.id.clone())))
            .filter_map(|want| {
                let controls: Vec<ControlRef<'_>> = (spreads.iter())
                    .filter(|(_, s)| *s == want)
                    .map(|(c, _)| self.control_ref(&c.id))
                    .collect();
                let Spread::Always(owner) = &want else {
                    return None;
                };
                (!controls.is_empty()).then(|| AlwaysGroup {
                    owner: self.owner_view(owner),
                    heading: self.spread_label(&want),
                    controls,
                })
            })
            .collect();
        PageContext::QuickReference(QuickReferenceContext {
            page: PageMeta::new("Quick reference", "Who owns what, on one printable page."),
            always,
            varies: (spreads.iter())
                .filter(|(_, s)| *s == Spread::Varies)
                .map(|(c, _)| self.varying(c))
                .collect(),
            categories: ds
                .categories
                .iter()
                .map(|c| self.category_ref(&c.id))
                .collect(),
        })
    }

    /// A control whose owner varies, with its owner per category and its exceptions.
    fn varying<'b>(&'b self, c: &'b Control) -> VaryingControl<'b> {
        let ds = self.site.dataset;
        let row = ds.matrix.get(&c.id);
        let cells = (ds.categories.iter())
            .filter_map(|k| {
                let cell = row?.defaults.get(&k.id)?;
                Some(AliasOwner {
                    alias: k.aliases.first().unwrap_or(&k.label),
                    owner: self.owner_badge(&cell.owner),
                })
            })
            .collect();
        let exceptions = row.map_or(Vec::new(), |r| {
            (r.overrides.iter())
                .filter_map(|(sid, cell)| {
                    let svc = ds.service(sid)?;
                    let default = r.defaults.get(&svc.category)?;
                    (default.owner != cell.owner).then(|| Exception {
                        service: svc.aliases.first().unwrap_or(&svc.name),
                        provider: self.provider_of(svc).map(|p| p.label),
                        owner_label: ds.owner_label(&cell.owner),
                    })
                })
                .collect()
        });
        VaryingControl {
            control: self.control_ref(&c.id),
            cells,
            exceptions,
        }
    }

    fn misconceptions(&self) -> PageContext<'_> {
        let ds = self.site.dataset;
        let misconceptions = (ds.misconceptions.iter())
            .map(|m| MisconceptionView {
                id: &m.id,
                myth: self.md(&m.myth),
                reality: self.md(&m.reality),
                controls: m.controls.iter().map(|c| self.control_ref(c)).collect(),
                services: m.services.iter().map(|s| self.service_ref(s)).collect(),
                updates: self.updates(&m.updates),
                conflicts: self.conflicts(&m.conflicts),
                sources: self.sources(&m.sources),
            })
            .collect();
        let tips = (ds.tips.iter())
            .map(|t| TipView {
                id: &t.id,
                html: self.md(&t.text),
                controls: t.controls.iter().map(|c| self.control_ref(c)).collect(),
                updates: self.updates(&t.updates),
                sources: self.sources(&t.sources),
            })
            .collect();
        PageContext::Misconceptions(MisconceptionsContext {
            page: PageMeta::new(
                "Misconceptions and tips",
                "Common myths about the shared responsibility model, and practical tips.",
            ),
            misconceptions,
            tips,
        })
    }

    fn sources_page(&self) -> PageContext<'_> {
        let ds = self.site.dataset;
        let sources = (ds.sources.iter())
            .map(|s| SourceView {
                id: &s.id,
                title: &s.title,
                author: &s.author,
                date: s.date.as_deref(),
                accessed: s.accessed.as_deref(),
                url: s.url.as_deref(),
                note: self.opt_md(&s.note),
            })
            .collect();
        let conflicts = (ds.conflicts.iter())
            .map(|c| ConflictView {
                id: &c.id,
                topic: &c.topic,
                checked: c.checked.as_deref(),
                resolution: self.md(&c.resolution),
                positions: (c.positions.iter())
                    .map(|p| PositionView {
                        claim: self.md(&p.claim),
                        sources: self.sources(&p.sources),
                    })
                    .collect(),
            })
            .collect();
        let programs = (ds.compliance_programs.iter())
            .map(|p| ProgramView {
                id: &p.id,
                name: &p.name,
                family: &p.family,
                note: self.opt_md(&p.note),
                sources: self.sources(&p.sources),
            })
            .collect();
        let owners = (ds.owners.iter())
            .filter_map(|o| {
                Some(OwnerEntry {
                    id: &o.id,
                    label: &o.label,
                    motto: o.motto.as_deref(),
                    description: self.md(o.description.as_ref()?),
                })
            })
            .collect();
        PageContext::Sources(SourcesContext {
            page: PageMeta::new(
                "Sources, conflicts and compliance",
                "Where the facts come from, where the sources disagree, and the compliance \
                 programmes involved.",
            ),
            sources,
            conflicts,
            programs,
            owners,
        })
    }
}
