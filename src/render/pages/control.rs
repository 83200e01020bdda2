//! One page per control (who holds it in each category and service, what helps, the myths,
//! scenarios and articles about it) and the controls index, by layer.

use super::builder::PageBuilder;
use super::lists::IndexContext;
use super::parts::{
    ArticleSummary, CategoryRef, CellView, GroupHeading, ListGroup, ListItem, OwnerView, PageMeta,
    ScenarioRef, ServiceRef, SourceRef,
};
use super::providers::Comparison;
use super::{Page, PageContext};
use crate::dataset::{Control, Kind, Layer, Row, Spread, Vocabulary};
use serde::Serialize;

/// `control.html`'s context.
#[derive(Serialize)]
pub(crate) struct ControlContext<'b> {
    page: PageMeta<'b>,
    control: ControlView<'b>,
    /// How its owner spreads across services, as shown.
    spread: String,
    /// True when the owner differs between services.
    varies: bool,
    /// The labels of the part columns of `by_category` and `overrides`.
    part_columns: Vec<&'b str>,
    /// The default cell of each category.
    by_category: Vec<CategoryCell<'b>>,
    /// The cells of services that differ from their category.
    overrides: Vec<ServiceCell<'b>>,
    /// Every service, with its owner of the control.
    services: Vec<ServiceOwner<'b>>,
    /// The control on each provider, by category (datasets with several providers).
    compare: Option<Comparison<'b, CategoryRef<'b>>>,
    /// Services that help the customer hold it.
    tools: Vec<ServiceRef<'b>>,
    misconceptions: Vec<MythRef<'b>>,
    scenarios: Vec<ScenarioRef<'b>>,
    /// Sources of the whole matrix row.
    row_sources: Vec<SourceRef<'b>>,
    /// Articles that cover it.
    articles: Vec<&'b ArticleSummary>,
}

/// `control`: the control itself.
#[derive(Serialize)]
struct ControlView<'b> {
    id: &'b str,
    title: &'b str,
    layer: Layer,
    nist: &'b [String],
    description: String,
    sources: Vec<SourceRef<'b>>,
}

/// A category's default cell.
#[derive(Serialize)]
struct CategoryCell<'b> {
    #[serde(flatten)]
    cell: CellView<'b>,
    category: CategoryRef<'b>,
}

/// A service's own cell.
#[derive(Serialize)]
struct ServiceCell<'b> {
    #[serde(flatten)]
    cell: CellView<'b>,
    service: ServiceRef<'b>,
}

/// A service and who holds the control there.
#[derive(Serialize)]
struct ServiceOwner<'b> {
    #[serde(flatten)]
    service: ServiceRef<'b>,
    #[serde(flatten)]
    owner: OwnerView,
}

/// A misconception about the control.
#[derive(Serialize)]
struct MythRef<'b> {
    id: &'b str,
    myth: String,
    url: String,
}

impl PageBuilder<'_, '_> {
    /// One page per control that has a matrix row, then the controls index.
    pub(super) fn control_pages(&self) -> Vec<Page<'_>> {
        let ds = self.site.dataset;
        let mut pages: Vec<Page<'_>> = ds
            .controls
            .iter()
            .filter_map(|c| {
                let context = self.control_context(c, ds.matrix.get(&c.id)?);
                let path = format!("controls/{}/index.html", c.id);
                Some(self.page(&path, "control.html", PageContext::Control(context)))
            })
            .collect();
        let groups = Layer::ALL
            .iter()
            .rev()
            .filter(|l| ds.controls.iter().any(|c| &c.layer == *l))
            .map(|l| ListGroup {
                category: GroupHeading::Plain {
                    label: format!("{} layer", capitalise(l.id())),
                    id: l.id(),
                },
                items: ds
                    .controls
                    .iter()
                    .filter(|c| &c.layer == l)
                    .map(|c| ListItem {
                        title: &c.title,
                        url: self.site.entity_url(Kind::Control, &c.id),
                        summary: self.md(&c.description),
                        meta: self.spread_label(&ds.spread(&c.id)).into(),
                    })
                    .collect(),
            })
            .collect();
        let index = IndexContext {
            page: PageMeta::new(
                "Controls",
                "Every control, from the data at the top of the stack down to the facility.",
            ),
            groups,
            spectrum: None,
        };
        pages.push(self.page(
            "controls/index.html",
            "entities.html",
            PageContext::Index(index),
        ));
        pages
    }

    fn control_context<'b>(&'b self, c: &'b Control, row: &'b Row) -> ControlContext<'b> {
        let ds = self.site.dataset;
        let spread = ds.spread(&c.id);
        let columns = self.part_columns(row.defaults.values().chain(row.overrides.values()));
        let by_category = ds
            .categories
            .iter()
            .filter_map(|cat| {
                Some(CategoryCell {
                    cell: columns.fit(self.cell(row.defaults.get(&cat.id)?)),
                    category: self.category_ref(&cat.id),
                })
            })
            .collect();
        let overrides = row
            .overrides
            .iter()
            .map(|(sid, cell)| ServiceCell {
                cell: columns.fit(self.cell(cell)),
                service: self.service_ref(sid),
            })
            .collect();
        let services = ds
            .services
            .iter()
            .filter_map(|s| {
                let cell = ds.cell(&c.id, s)?;
                Some(ServiceOwner {
                    service: self.service_ref(&s.id),
                    owner: self.owner_view(&cell.owner),
                })
            })
            .collect();
        let myths = ds
            .misconceptions
            .iter()
            .filter(|m| m.controls.contains(&c.id))
            .map(|m| MythRef {
                id: &m.id,
                myth: self.md(&m.myth),
                url: self.site.entity_url(Kind::Misconception, &m.id),
            })
            .collect();
        ControlContext {
            page: PageMeta::new(&c.title, &c.description.md),
            control: ControlView {
                id: &c.id,
                title: &c.title,
                layer: c.layer,
                nist: &c.nist,
                description: self.md(&c.description),
                sources: self.sources(&c.sources),
            },
            spread: self.spread_label(&spread),
            varies: spread == Spread::Varies,
            part_columns: columns.labels,
            by_category,
            overrides,
            services,
            compare: self.control_comparison(c),
            tools: (ds.services.iter())
                .filter(|s| s.helps_with.contains(&c.id))
                .map(|s| self.service_ref(&s.id))
                .collect(),
            misconceptions: myths,
            scenarios: self.scenarios_touching(Kind::Control, &c.id),
            row_sources: self.sources(&row.sources),
            articles: self.backlinks(Kind::Control, &c.id),
        }
    }
}

/// `s` with its first letter upper-case.
fn capitalise(s: &str) -> String {
    let mut c = s.chars();
    c.next()
        .map(|f| f.to_uppercase().chain(c).collect())
        .unwrap_or_default()
}
