//! One walkthrough page per scenario (question, steps, answer, and who holds each control
//! involved in each service involved) and the scenarios index.

use super::builder::PageBuilder;
use super::lists::IndexContext;
use super::parts::{
    ArticleSummary, ConflictRef, ControlRef, GroupHeading, ListGroup, ListItem, OwnerBadge,
    OwnerView, PageMeta, PartView, ServiceRef, SourceRef, UpdateView,
};
use super::{Page, PageContext};
use crate::dataset::{Kind, Scenario};
use serde::Serialize;

/// `scenario.html`'s context.
#[derive(Serialize)]
pub(crate) struct ScenarioContext<'b> {
    page: PageMeta<'b>,
    scenario: ScenarioView<'b>,
    /// Articles that cover it.
    articles: Vec<&'b ArticleSummary>,
}

/// `scenario`: the walkthrough itself.
#[derive(Serialize)]
struct ScenarioView<'b> {
    id: &'b str,
    title: &'b str,
    question: String,
    steps: Vec<String>,
    answer: String,
    /// Who is responsible.
    #[serde(flatten)]
    owner: OwnerView,
    /// What each party does, in the dataset's order of parties.
    parts: Vec<PartView<'b>>,
    rationale: Option<String>,
    services: Vec<ServiceRef<'b>>,
    /// The controls involved, each with its owner in every service involved.
    controls: Vec<InvolvedControl<'b>>,
    conflicts: Vec<ConflictRef<'b>>,
    updates: Vec<UpdateView<'b>>,
    sources: Vec<SourceRef<'b>>,
}

/// A control involved in a scenario.
#[derive(Serialize)]
struct InvolvedControl<'b> {
    #[serde(flatten)]
    control: ControlRef<'b>,
    cells: Vec<InvolvedCell<'b>>,
}

/// Who holds an involved control in one involved service.
#[derive(Serialize)]
struct InvolvedCell<'b> {
    service: ServiceRef<'b>,
    #[serde(flatten)]
    owner: OwnerBadge,
}

impl PageBuilder<'_, '_> {
    /// One page per scenario, then the scenarios index.
    pub(super) fn scenario_pages(&self) -> Vec<Page<'_>> {
        let ds = self.site.dataset;
        let mut pages: Vec<Page<'_>> = ds
            .scenarios
            .iter()
            .map(|s| {
                let context = self.scenario_context(s);
                let path = format!("scenarios/{}/index.html", s.id);
                self.page(&path, "scenario.html", PageContext::Scenario(context))
            })
            .collect();
        let groups = vec![ListGroup {
            category: GroupHeading::Plain {
                label: "Walkthroughs".into(),
                id: "all",
            },
            items: (ds.scenarios.iter())
                .map(|s| ListItem {
                    title: &s.title,
                    url: self.site.entity_url(Kind::Scenario, &s.id),
                    summary: self.md(&s.question),
                    meta: format!("Answer: {}", ds.owner_label(&s.owner)).into(),
                })
                .collect(),
        }];
        let index = IndexContext {
            page: PageMeta::new(
                "Scenarios",
                "Walkthroughs: who is responsible when something goes wrong.",
            ),
            groups,
            spectrum: None,
        };
        pages.push(self.page(
            "scenarios/index.html",
            "entities.html",
            PageContext::Index(index),
        ));
        pages
    }

    fn scenario_context<'b>(&'b self, s: &'b Scenario) -> ScenarioContext<'b> {
        let ds = self.site.dataset;
        let controls = (s.controls.iter())
            .map(|c| InvolvedControl {
                control: self.control_ref(c),
                cells: (s.services.iter())
                    .filter_map(|sid| {
                        let cell = ds.cell(c, ds.service(sid)?)?;
                        Some(InvolvedCell {
                            service: self.service_ref(sid),
                            owner: self.owner_badge(&cell.owner),
                        })
                    })
                    .collect(),
            })
            .collect();
        ScenarioContext {
            page: PageMeta::new(&s.title, &s.question.md),
            scenario: ScenarioView {
                id: &s.id,
                title: &s.title,
                question: self.md(&s.question),
                steps: s.steps.iter().map(|t| self.md(t)).collect(),
                answer: self.md(&s.answer),
                owner: self.owner_view(&s.owner),
                parts: self.part_views(&s.parts),
                rationale: self.opt_md(&s.rationale),
                services: s.services.iter().map(|x| self.service_ref(x)).collect(),
                controls,
                conflicts: self.conflicts(&s.conflicts),
                updates: self.updates(&s.updates),
                sources: self.sources(&s.sources),
            },
            articles: self.backlinks(Kind::Scenario, &s.id),
        }
    }
}
