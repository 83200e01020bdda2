//! One page per service category (its services, and the controls whose owner shifts between
//! categories) and the categories index with the compute spectrum.

use super::builder::PageBuilder;
use super::lists::IndexContext;
use super::parts::{
    CategoryRef, ControlRef, GroupHeading, ListGroup, ListItem, OwnerBadge, PageMeta, ServiceRef,
    SourceRef,
};
use super::{Page, PageContext};
use crate::dataset::{Category, Kind, Row, SpectrumStep};
use serde::Serialize;

/// `category.html`'s context.
#[derive(Serialize)]
pub(crate) struct CategoryContext<'b> {
    page: PageMeta<'b>,
    category: CategoryView<'b>,
    /// Every category, for the navigation between them.
    categories: Vec<CategoryRef<'b>>,
    /// The services of this category.
    services: Vec<ServiceSummary<'b>>,
    /// Controls whose default owner differs between categories.
    shifts: Vec<Shift<'b>>,
}

/// `category`: the category itself.
#[derive(Serialize)]
struct CategoryView<'b> {
    id: &'b str,
    label: &'b str,
    aliases: &'b [String],
    summary: String,
    description: Option<String>,
    sources: Vec<SourceRef<'b>>,
}

/// A service with its summary.
#[derive(Serialize)]
struct ServiceSummary<'b> {
    #[serde(flatten)]
    service: ServiceRef<'b>,
    summary: String,
}

/// A control whose owner shifts between categories, with every category's owner.
#[derive(Serialize)]
struct Shift<'b> {
    control: ControlRef<'b>,
    cells: Vec<ShiftCell<'b>>,
}

/// One category's owner of a shifting control.
#[derive(Serialize)]
struct ShiftCell<'b> {
    category: CategoryRef<'b>,
    #[serde(flatten)]
    owner: OwnerBadge,
    /// True for the category of the page.
    here: bool,
}

/// A step of the compute spectrum.
#[derive(Serialize)]
pub(super) struct SpectrumView<'b> {
    id: &'b str,
    label: &'b str,
    rank: i64,
    summary: String,
    services: Vec<ServiceRef<'b>>,
    customer_manages: Vec<ControlRef<'b>>,
}

impl PageBuilder<'_, '_> {
    /// One page per category, then the categories index.
    pub(super) fn category_pages(&self) -> Vec<Page<'_>> {
        let ds = self.site.dataset;
        let mut pages: Vec<Page<'_>> = ds
            .categories
            .iter()
            .map(|cat| {
                let context = self.category_context(cat);
                let path = format!("categories/{}/index.html", cat.id);
                self.page(&path, "category.html", PageContext::Category(context))
            })
            .collect();
        let spectrum = ds.spectrum.iter().map(|s| self.spectrum_step(s)).collect();
        let groups = vec![ListGroup {
            category: GroupHeading::Plain {
                label: "Categories".into(),
                id: "all",
            },
            items: (ds.categories.iter())
                .map(|c| ListItem {
                    title: &c.label,
                    url: self.site.entity_url(Kind::Category, &c.id),
                    summary: self.md(&c.summary),
                    meta: c.aliases.join(", ").into(),
                })
                .collect(),
        }];
        let index = IndexContext {
            page: PageMeta::new(
                "Service categories",
                "Infrastructure, container and abstracted services, and how responsibility \
                 shifts between them.",
            ),
            groups,
            spectrum: Some(spectrum),
        };
        let index = PageContext::Index(index);
        pages.push(self.page("categories/index.html", "entities.html", index));
        pages
    }

    fn category_context<'b>(&'b self, cat: &'b Category) -> CategoryContext<'b> {
        let ds = self.site.dataset;
        let shifts = ds
            .controls
            .iter()
            .filter_map(|c| self.shift(cat, &c.id, ds.matrix.get(&c.id)?))
            .collect();
        CategoryContext {
            page: PageMeta::new(&cat.label, &cat.summary.md),
            category: CategoryView {
                id: &cat.id,
                label: &cat.label,
                aliases: &cat.aliases,
                summary: self.md(&cat.summary),
                description: self.opt_md(&cat.description),
                sources: self.sources(&cat.sources),
            },
            categories: (ds.categories.iter())
                .map(|k| self.category_ref(&k.id))
                .collect(),
            services: (ds.services.iter())
                .filter(|s| s.category == cat.id)
                .map(|s| ServiceSummary {
                    service: self.service_ref(&s.id),
                    summary: self.md(&s.summary),
                })
                .collect(),
            shifts,
        }
    }

    /// The owners of `control` in every category, when the owner in `cat` is not the
    /// owner everywhere.
    fn shift<'b>(&'b self, cat: &Category, control: &'b str, row: &'b Row) -> Option<Shift<'b>> {
        let here = row.defaults.get(&cat.id)?;
        if row.defaults.values().all(|o| o.owner == here.owner) {
            return None;
        }
        let cells = (self.site.dataset.categories.iter())
            .filter_map(|k| {
                let cell = row.defaults.get(&k.id)?;
                Some(ShiftCell {
                    category: self.category_ref(&k.id),
                    owner: self.owner_badge(&cell.owner),
                    here: k.id == cat.id,
                })
            })
            .collect();
        Some(Shift {
            control: self.control_ref(control),
            cells,
        })
    }

    fn spectrum_step<'b>(&'b self, s: &'b SpectrumStep) -> SpectrumView<'b> {
        SpectrumView {
            id: &s.id,
            label: &s.label,
            rank: s.rank,
            summary: self.md(&s.summary),
            services: s.services.iter().map(|x| self.service_ref(x)).collect(),
            customer_manages: (s.customer_manages.iter())
                .map(|x| self.control_ref(x))
                .collect(),
        }
    }
}
