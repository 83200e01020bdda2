//! One page per service (its cells of the matrix, its responsibility stack, the scenarios
//! and articles that involve it) and the services index.

use super::builder::PageBuilder;
use super::lists::IndexContext;
use super::parts::{
    ArticleSummary, CategoryRef, CellView, ConflictRef, ControlRef, GroupHeading, ListGroup,
    ListItem, PageMeta, ScenarioRef, SourceRef, UpdateView,
};
use super::providers::ProviderRef;
use super::{Page, PageContext};
use crate::dataset::{Compute, Kind, Service, ServiceKind, Status};
use crate::site::stack::service_stack;
use serde::Serialize;

/// `service.html`'s context.
#[derive(Serialize)]
pub(crate) struct ServiceContext<'b> {
    page: PageMeta<'b>,
    service: ServiceView<'b>,
    /// Disagreements about the service or any of its cells.
    conflicts: Vec<ConflictRef<'b>>,
    /// Its responsibility stack, as inline SVG.
    stack_svg: String,
    scenarios: Vec<ScenarioRef<'b>>,
    /// Its cell of every control.
    rows: Vec<ServiceRow<'b>>,
    /// The labels of the part columns of `rows`.
    part_columns: Vec<&'b str>,
    /// Articles that cover it.
    articles: Vec<&'b ArticleSummary>,
    /// Its cloud provider, when the dataset covers several.
    provider: Option<ProviderRef<'b>>,
}

/// `service`: the service itself.
#[derive(Serialize)]
struct ServiceView<'b> {
    id: &'b str,
    name: &'b str,
    aliases: &'b [String],
    category: CategoryRef<'b>,
    summary: String,
    kind: ServiceKind,
    status: Status,
    compute: Option<Compute>,
    note: Option<String>,
    updates: Vec<UpdateView<'b>>,
    sources: Vec<SourceRef<'b>>,
    helps_with: Vec<ControlRef<'b>>,
}

/// The service's cell of one control.
#[derive(Serialize)]
struct ServiceRow<'b> {
    #[serde(flatten)]
    cell: CellView<'b>,
    control: ControlRef<'b>,
    /// True when the service overrides its category's default.
    overridden: bool,
    /// The scenarios that involve both the service and the control.
    scenarios: Vec<ScenarioRef<'b>>,
}

impl PageBuilder<'_, '_> {
    /// One page per service, then the services index.
    pub(super) fn service_pages(&self) -> Vec<Page<'_>> {
        let ds = self.site.dataset;
        let mut pages: Vec<Page<'_>> = ds
            .services
            .iter()
            .map(|s| {
                let context = self.service_context(s);
                let path = format!("services/{}/index.html", s.id);
                self.page(&path, "service.html", PageContext::Service(context))
            })
            .collect();
        let groups = ds
            .categories
            .iter()
            .map(|c| ListGroup {
                category: GroupHeading::Category(self.category_ref(&c.id)),
                items: ds
                    .services
                    .iter()
                    .filter(|s| s.category == c.id)
                    .map(|s| ListItem {
                        title: &s.name,
                        url: self.site.entity_url(Kind::Service, &s.id),
                        summary: self.md(&s.summary),
                        meta: match (s.status, self.provider_of(s)) {
                            (Status::Retired, _) => "retired".into(),
                            (_, Some(p)) => {
                                format!("{} · {}", p.label, s.kind.id().replace('-', " ")).into()
                            }
                            _ => s.kind.id().replace('-', " ").into(),
                        },
                    })
                    .collect(),
            })
            .collect();
        let index = IndexContext {
            page: PageMeta::new("Services", "Every service, grouped by category."),
            groups,
            spectrum: None,
        };
        pages.push(self.page(
            "services/index.html",
            "entities.html",
            PageContext::Index(index),
        ));
        pages
    }

    fn service_context<'b>(&'b self, s: &'b Service) -> ServiceContext<'b> {
        let ds = self.site.dataset;
        let columns = self.part_columns(ds.controls.iter().filter_map(|c| ds.cell(&c.id, s)));
        let rows = ds
            .controls
            .iter()
            .filter_map(|c| {
                let cell = ds.cell(&c.id, s)?;
                Some(ServiceRow {
                    cell: columns.fit(self.cell(cell)),
                    control: self.control_ref(&c.id),
                    overridden: ds
                        .matrix
                        .get(&c.id)
                        .is_some_and(|r| r.overrides.contains_key(&s.id)),
                    scenarios: ds
                        .scenarios
                        .iter()
                        .filter(|x| x.services.contains(&s.id) && x.controls.contains(&c.id))
                        .map(|x| self.scenario_ref(&x.id))
                        .collect(),
                })
            })
            .collect();
        let mut conflict_ids = s.conflicts.clone();
        for c in &ds.controls {
            for id in ds.cell(&c.id, s).map_or(&[][..], |cell| &cell.conflicts) {
                if !conflict_ids.contains(id) {
                    conflict_ids.push(id.clone());
                }
            }
        }
        ServiceContext {
            part_columns: columns.labels,
            provider: self.provider_of(s),
            page: PageMeta::new(&s.name, &s.summary.md),
            service: ServiceView {
                id: &s.id,
                name: &s.name,
                aliases: &s.aliases,
                category: self.category_ref(&s.category),
                summary: self.md(&s.summary),
                kind: s.kind,
                status: s.status,
                compute: s.compute,
                note: self.opt_md(&s.note),
                updates: self.updates(&s.updates),
                sources: self.sources(&s.sources),
                helps_with: s.helps_with.iter().map(|c| self.control_ref(c)).collect(),
            },
            conflicts: self.conflicts(&conflict_ids),
            stack_svg: service_stack(ds, s),
            scenarios: self.scenarios_touching(Kind::Service, &s.id),
            rows,
            articles: self.backlinks(Kind::Service, &s.id),
        }
    }
}
