//! The pieces many page contexts share: a page's title and description, references to
//! entities (name, URL and the little each list shows), matrix cells, dated updates, cited
//! sources, article summaries and the grouped lists of the index pages. Field names are the
//! names the templates read.

use super::builder::PageBuilder;
use crate::cache::Key;
use crate::content::{slugify, Article};
use crate::dataset::{
    Cell, Conflict, DefaultState, Id, Kind, Owner, Party, Role, Source, Spread, Text, Update,
};
use crate::render::escape::escape_html;
use crate::site::Site;
use serde::Serialize;
use std::borrow::Cow;

/// `page`: what `<title>` and the description meta tag show.
#[derive(Serialize)]
pub(super) struct PageMeta<'b> {
    /// The page title.
    pub title: Cow<'b, str>,
    /// The description (`null` when there is none).
    pub description: Option<Cow<'b, str>>,
}

impl<'b> PageMeta<'b> {
    /// A page with a title and a description.
    pub(super) fn new(
        title: impl Into<Cow<'b, str>>,
        description: impl Into<Cow<'b, str>>,
    ) -> Self {
        PageMeta {
            title: title.into(),
            description: Some(description.into()),
        }
    }
}

/// A reference to a service.
#[derive(Serialize)]
pub(super) struct ServiceRef<'b> {
    /// Service id.
    pub id: &'b str,
    /// Its name (the id when unknown).
    pub name: &'b str,
    /// Its page.
    pub url: String,
}

/// A reference to a control.
#[derive(Serialize)]
pub(super) struct ControlRef<'b> {
    /// Control id.
    pub id: &'b str,
    /// Its title (the id when unknown).
    pub title: &'b str,
    /// Its layer's id.
    pub layer: Option<&'static str>,
    /// Its page.
    pub url: String,
}

/// A reference to a scenario, with its answer.
#[derive(Serialize)]
pub(super) struct ScenarioRef<'b> {
    /// Scenario id.
    pub id: &'b str,
    /// Its title (the id when unknown).
    pub title: &'b str,
    /// Who is responsible (owner id).
    pub owner: Option<&'b str>,
    /// Who is responsible, as shown.
    pub owner_label: Option<&'b str>,

    /// Its page.
    pub url: String,
}

/// A reference to a service category.
#[derive(Serialize)]
pub(super) struct CategoryRef<'b> {
    /// Category id.
    pub id: &'b str,
    /// Its label (the id when unknown).
    pub label: &'b str,
    /// Its other names.
    pub aliases: Option<&'b [String]>,
    /// Its page.
    pub url: String,
}

/// A cited source.
#[derive(Serialize)]
pub(super) struct SourceRef<'b> {
    /// Source id.
    pub id: &'b str,
    /// Its title.
    pub title: &'b str,
    /// Who wrote it.
    pub author: &'b str,
    /// Its entry on the sources page.
    pub url: String,
}

/// A disagreement between sources.
#[derive(Serialize)]
pub(super) struct ConflictRef<'b> {
    /// Conflict id.
    pub id: &'b str,
    /// What the sources disagree about.
    pub topic: &'b str,
    /// Its entry on the sources page.
    pub url: String,
}

/// A dated change to a fact.
#[derive(Serialize)]
pub(super) struct UpdateView<'b> {
    /// When.
    pub date: &'b str,
    /// What changed (HTML).
    pub html: String,
    /// Its sources.
    pub sources: Vec<SourceRef<'b>>,
}

/// Who holds a control, shown three ways: id, CSS class and label.
#[derive(Serialize)]
pub(super) struct OwnerView {
    /// Owner id (`aws`, …).
    pub owner: String,
    /// CSS class (`owner-aws`, …).
    pub owner_class: String,
    /// Label (`AWS`, …).
    pub owner_label: String,
}

/// An owner's CSS class and label, without its id (small cells of tables).
#[derive(Serialize)]
pub(super) struct OwnerBadge {
    /// Label.
    pub owner_label: String,
    /// CSS class.
    pub owner_class: String,
}

impl From<OwnerView> for OwnerBadge {
    fn from(o: OwnerView) -> Self {
        OwnerBadge {
            owner_label: o.owner_label,
            owner_class: o.owner_class,
        }
    }
}

/// What one party does (a part of a shared cell or answer).
#[derive(Serialize)]
pub(super) struct PartView<'b> {
    /// The party's label.
    pub label: &'b str,
    /// Its CSS class.
    pub class: String,
    /// The heading of its part (`AWS's part`), escaped.
    pub part_label: String,
    /// What it does (HTML).
    pub html: String,
}

/// A resolved matrix cell with everything it says.
#[derive(Serialize)]
pub(super) struct CellView<'b> {
    /// Who holds the control.
    #[serde(flatten)]
    pub owner: OwnerView,
    /// What each party does (HTML), one entry per column of `site.parties` that holds
    /// controls (`null` where the cell says nothing for that party).
    pub parts: Vec<Option<String>>,
    /// Free note (HTML).
    pub note: Option<String>,
    /// Whether the provider switches the control on by default.
    pub default_state: Option<DefaultState>,
    /// Dated changes.
    pub updates: Vec<UpdateView<'b>>,
    /// Disagreements about it.
    pub conflicts: Vec<ConflictRef<'b>>,
    /// Its sources.
    pub sources: Vec<SourceRef<'b>>,
}

/// The part columns of one responsibility table: the provider's and the customer's always,
/// another party's only when a cell of the table gives it a part (so a table is no wider
/// than what it says).
pub(super) struct PartColumns<'b> {
    /// The labels of the columns shown, in the dataset's order.
    pub labels: Vec<&'b str>,
    /// For each party of [`crate::dataset::Dataset::part_parties`], whether it has a column.
    keep: Vec<bool>,
}

impl PartColumns<'_> {
    /// Drops from `cell` the parts of the parties without a column.
    pub(super) fn fit<'c>(&self, mut cell: CellView<'c>) -> CellView<'c> {
        let mut keep = self.keep.iter();
        cell.parts.retain(|_| *keep.next().unwrap_or(&true));
        cell
    }
}

/// A tag and its page.
#[derive(Serialize, Debug, Clone)]
pub(crate) struct TagRef {
    /// The tag as written.
    pub name: String,
    /// Its page.
    pub url: String,
}

/// An article as lists show it (home, article index, tags, backlinks, previous and next).
#[derive(Serialize, Debug, Clone)]
pub(crate) struct ArticleSummary {
    /// Title.
    pub title: String,
    /// Its page.
    pub url: String,
    /// Publication date.
    pub date: Option<String>,
    /// One-sentence summary.
    pub summary: Option<String>,
    /// Its tags.
    pub tags: Vec<TagRef>,
}

/// A summary and its key: lists and backlinks depend on these keys, not on article bodies.
pub(crate) type KeyedSummary = (ArticleSummary, Key);

/// The list entry of an article.
pub(super) fn summarize(site: &Site<'_>, article: &Article) -> ArticleSummary {
    ArticleSummary {
        title: article.title.clone(),
        url: site.article_url(article),
        date: article.date.clone(),
        summary: article.summary.clone(),
        tags: tag_refs(site, &article.tags),
    }
}

/// References to the tags of an article.
pub(super) fn tag_refs(site: &Site<'_>, tags: &[String]) -> Vec<TagRef> {
    tags.iter()
        .map(|t| TagRef {
            name: t.clone(),
            url: site.url(&format!("tags/{}/", slugify(t))),
        })
        .collect()
}

/// One entry of a grouped list on an index page.
#[derive(Serialize)]
pub(super) struct ListItem<'b> {
    /// Name shown.
    pub title: &'b str,
    /// Its page.
    pub url: String,
    /// Summary (HTML).
    pub summary: String,
    /// A short note beside the title (`retired`, a spread, an answer).
    pub meta: Cow<'b, str>,
}

/// The heading of a group on an index page.
#[derive(Serialize)]
#[serde(untagged)]
pub(super) enum GroupHeading<'b> {
    /// A service category (linked, with its aliases).
    Category(CategoryRef<'b>),
    /// A plain heading (a layer, or the one group of a page).
    Plain {
        /// Heading text.
        label: String,
        /// Anchor id of the group.
        id: &'static str,
    },
}

/// A group of entries on an index page.
#[derive(Serialize)]
pub(super) struct ListGroup<'b> {
    /// The group's heading (the template reads it as `category`).
    pub category: GroupHeading<'b>,
    /// Its entries.
    pub items: Vec<ListItem<'b>>,
}

impl PageBuilder<'_, '_> {
    /// An owner as pages show it.
    pub(super) fn owner_view(&self, o: &Owner) -> OwnerView {
        OwnerView {
            owner: o.id().to_string(),
            owner_class: o.class(),
            owner_label: self.site.dataset.owner_label(o).to_string(),
        }
    }

    /// An owner's class and label.
    pub(super) fn owner_badge(&self, o: &Owner) -> OwnerBadge {
        self.owner_view(o).into()
    }

    /// Label of a control's spread across services (`Always AWS`, `Always the customer`).
    pub(super) fn spread_label(&self, s: &Spread) -> String {
        match s {
            Spread::Always(o) => {
                let party = self.site.dataset.owner_party(o);
                format!("Always {}", party.map_or(o.id(), |p| p.in_text.as_str()))
            }
            Spread::Varies => "Varies by service".into(),
        }
    }

    /// The parts of a cell or answer in the order of the dataset's parties.
    pub(super) fn part_views<'b>(&'b self, parts: &'b [(Id<Party>, Text)]) -> Vec<PartView<'b>> {
        (self.site.dataset.part_parties())
            .filter_map(|p| {
                let (_, text) = parts.iter().find(|(id, _)| *id == p.id)?;
                Some(PartView {
                    label: &p.label,
                    class: format!("owner-{}", p.id),
                    part_label: escape_html(&p.part_label()).into_owned(),
                    html: self.md(text),
                })
            })
            .collect()
    }

    /// Inline Markdown of an optional dataset text field.
    pub(super) fn opt_md(&self, text: &Option<Text>) -> Option<String> {
        text.as_ref().map(|t| self.md(t))
    }

    /// Dated updates, their text rendered.
    pub(super) fn updates<'b>(&'b self, list: &'b [Update]) -> Vec<UpdateView<'b>> {
        list.iter()
            .map(|u| UpdateView {
                date: &u.date,
                html: self.md(&u.text),
                sources: self.sources(&u.sources),
            })
            .collect()
    }

    /// The sources of `ids` that exist.
    pub(super) fn sources<'b>(&'b self, ids: &[Id<Source>]) -> Vec<SourceRef<'b>> {
        ids.iter()
            .filter_map(|id| self.site.dataset.source(id))
            .map(|s| SourceRef {
                id: &s.id,
                title: &s.title,
                author: &s.author,
                url: self.site.entity_url(Kind::Source, &s.id),
            })
            .collect()
    }

    /// The conflicts of `ids` that exist.
    pub(super) fn conflicts<'b>(&'b self, ids: &[Id<Conflict>]) -> Vec<ConflictRef<'b>> {
        ids.iter()
            .filter_map(|id| self.site.dataset.conflict(id))
            .map(|c| ConflictRef {
                id: &c.id,
                topic: &c.topic,
                url: self.site.entity_url(Kind::Conflict, &c.id),
            })
            .collect()
    }

    /// A reference to service `id`.
    pub(super) fn service_ref<'b>(&'b self, id: &'b str) -> ServiceRef<'b> {
        let s = self.site.dataset.service(id);
        ServiceRef {
            id,
            name: s.map_or(id, |s| s.name.as_str()),
            url: self.site.entity_url(Kind::Service, id),
        }
    }

    /// A reference to control `id`.
    pub(super) fn control_ref<'b>(&'b self, id: &'b str) -> ControlRef<'b> {
        let c = self.site.dataset.control(id);
        ControlRef {
            id,
            title: c.map_or(id, |c| c.title.as_str()),
            layer: c.map(|c| c.layer.id()),
            url: self.site.entity_url(Kind::Control, id),
        }
    }

    /// A reference to scenario `id`.
    pub(super) fn scenario_ref<'b>(&'b self, id: &'b str) -> ScenarioRef<'b> {
        let s = self.site.dataset.scenario(id);
        ScenarioRef {
            id,
            title: s.map_or(id, |s| s.title.as_str()),
            owner: s.map(|s| s.owner.id()),
            owner_label: s.map(|s| self.site.dataset.owner_label(&s.owner)),

            url: self.site.entity_url(Kind::Scenario, id),
        }
    }

    /// A reference to category `id`.
    pub(super) fn category_ref<'b>(&'b self, id: &'b str) -> CategoryRef<'b> {
        let c = self.site.dataset.category(id);
        CategoryRef {
            id,
            label: c.map_or(id, |c| c.label.as_str()),
            aliases: c.map(|c| c.aliases.as_slice()),
            url: self.site.entity_url(Kind::Category, id),
        }
    }

    /// The part columns of a table of `cells`.
    pub(super) fn part_columns<'c>(
        &self,
        cells: impl Iterator<Item = &'c Cell>,
    ) -> PartColumns<'_> {
        let cells: Vec<&Cell> = cells.collect();
        let parties: Vec<&Party> = self.site.dataset.part_parties().collect();
        let keep: Vec<bool> = (parties.iter())
            .map(|p| {
                matches!(p.role, Role::Provider | Role::Customer)
                    || (cells.iter()).any(|c| c.parts.iter().any(|(id, _)| *id == p.id))
            })
            .collect();
        PartColumns {
            labels: (parties.iter().zip(&keep))
                .filter(|(_, k)| **k)
                .map(|(p, _)| p.label.as_str())
                .collect(),
            keep,
        }
    }

    /// A matrix cell with its texts rendered.
    pub(super) fn cell<'b>(&'b self, cell: &'b Cell) -> CellView<'b> {
        CellView {
            owner: self.owner_view(&cell.owner),
            parts: (self.site.dataset.part_parties())
                .map(|p| {
                    let part = cell.parts.iter().find(|(id, _)| *id == p.id);
                    part.map(|(_, text)| self.md(text))
                })
                .collect(),
            note: self.opt_md(&cell.note),
            default_state: cell.default_state,
            updates: self.updates(&cell.updates),
            conflicts: self.conflicts(&cell.conflicts),
            sources: self.sources(&cell.sources),
        }
    }

    /// The summaries of the articles that reference an entity.
    pub(super) fn backlinks(&self, kind: Kind, id: &str) -> Vec<&ArticleSummary> {
        self.site
            .backlinks
            .get(&kind)
            .and_then(|by_id| by_id.get(id))
            .map_or(Vec::new(), |list| {
                list.iter().map(|&i| self.summary(i)).collect()
            })
    }

    /// The scenarios that involve a service or a control.
    pub(super) fn scenarios_touching(&self, kind: Kind, id: &str) -> Vec<ScenarioRef<'_>> {
        self.site
            .dataset
            .scenarios
            .iter()
            .filter(|s| match kind {
                Kind::Service => s.services.iter().any(|x| x == id),
                Kind::Control => s.controls.iter().any(|x| x == id),
                _ => false,
            })
            .map(|s| self.scenario_ref(&s.id))
            .collect()
    }
}
