//! The same control across cloud providers, for datasets that cover more than one: on a
//! control page one row per category and one column per provider, each cell the provider's
//! services with their owner and parts; on the matrix page one row per control and one
//! column per provider. A dataset with one provider gets neither (`None`).

use super::builder::PageBuilder;
use super::parts::{CategoryRef, ControlRef, OwnerBadge, PartView, ServiceRef};
use crate::dataset::{Control, Layer, Provider, Service, Vocabulary};
use serde::Serialize;

/// A provider as a column heading.
#[derive(Serialize)]
pub(super) struct ProviderRef<'b> {
    /// Provider id.
    pub id: &'b str,
    /// Its name.
    pub label: &'b str,
}

/// One service of a provider and who holds the control there.
#[derive(Serialize)]
pub(super) struct Compared<'b> {
    #[serde(flatten)]
    service: ServiceRef<'b>,
    #[serde(flatten)]
    owner: OwnerBadge,
    /// The owner's short form (`C`).
    abbr: &'b str,
    /// What each party does, when the cell says it (shared cells).
    parts: Vec<PartView<'b>>,
}

/// A row of a comparison: what it is about, then one list of services per provider.
#[derive(Serialize)]
pub(super) struct ComparedRow<'b, H> {
    /// The row's heading (a category, or a control).
    head: H,
    /// Per provider (in the order of `providers`), its services in this row.
    cells: Vec<Vec<Compared<'b>>>,
}

/// A table comparing providers.
#[derive(Serialize)]
pub(super) struct Comparison<'b, H> {
    providers: Vec<ProviderRef<'b>>,
    rows: Vec<ComparedRow<'b, H>>,
}

impl PageBuilder<'_, '_> {
    /// Control `c` on every provider, one row per category that has services (`None` with
    /// one provider).
    pub(super) fn control_comparison<'b>(
        &'b self,
        c: &'b Control,
    ) -> Option<Comparison<'b, CategoryRef<'b>>> {
        let ds = self.site.dataset;
        let rows = (ds.categories.iter())
            .map(|cat| ComparedRow {
                head: self.category_ref(&cat.id),
                cells: self.per_provider(c, |s| s.category == cat.id, true),
            })
            .filter(|r| r.cells.iter().any(|c| !c.is_empty()))
            .collect();
        self.comparison(rows)
    }

    /// Every control on every provider, from the top layer down (`None` with one provider).
    pub(super) fn matrix_comparison(&self) -> Option<Comparison<'_, ControlRef<'_>>> {
        let ds = self.site.dataset;
        let rows = (Layer::ALL.iter().rev())
            .flat_map(|l| ds.controls.iter().filter(move |c| &c.layer == l))
            .map(|c| ComparedRow {
                head: self.control_ref(&c.id),
                cells: self.per_provider(c, |_| true, false),
            })
            .collect();
        self.comparison(rows)
    }

    fn comparison<'b, H>(&'b self, rows: Vec<ComparedRow<'b, H>>) -> Option<Comparison<'b, H>> {
        let ds = self.site.dataset;
        ds.several_providers().then(|| Comparison {
            providers: self.provider_refs(),
            rows,
        })
    }

    /// The providers, when the dataset covers several (empty otherwise).
    pub(super) fn provider_refs(&self) -> Vec<ProviderRef<'_>> {
        let ds = self.site.dataset;
        match ds.several_providers() {
            true => ds.providers.iter().map(provider_ref).collect(),
            false => Vec::new(),
        }
    }

    /// For each provider, its services that `keep` accepts and that have a cell for `c`.
    fn per_provider<'b>(
        &'b self,
        c: &'b Control,
        keep: impl Fn(&Service) -> bool,
        with_parts: bool,
    ) -> Vec<Vec<Compared<'b>>> {
        let ds = self.site.dataset;
        (ds.providers.iter())
            .map(|p| {
                (ds.services.iter())
                    .filter(|s| s.provider == p.id && keep(s))
                    .filter_map(|s| {
                        let cell = ds.cell(&c.id, s)?;
                        Some(Compared {
                            service: self.service_ref(&s.id),
                            owner: self.owner_badge(&cell.owner),
                            abbr: ds.owner_party(&cell.owner).map_or("–", |p| p.abbr.as_str()),
                            parts: match with_parts {
                                true => self.part_views(&cell.parts),
                                false => Vec::new(),
                            },
                        })
                    })
                    .collect()
            })
            .collect()
    }

    /// The provider of a service, when the dataset covers several (`None` otherwise).
    pub(super) fn provider_of<'b>(&'b self, s: &'b Service) -> Option<ProviderRef<'b>> {
        let ds = self.site.dataset;
        (ds.several_providers())
            .then(|| ds.provider(&s.provider))
            .flatten()
            .map(provider_ref)
    }
}

fn provider_ref(p: &Provider) -> ProviderRef<'_> {
    ProviderRef {
        id: &p.id,
        label: &p.label,
    }
}
