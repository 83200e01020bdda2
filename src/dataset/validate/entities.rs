//! One builder per kind of entity: raw struct in, typed struct out, every reference checked
//! and every closed word parsed on the way.

use super::Validator;
use crate::dataset::id::Id;
use crate::dataset::model::{
    Category, Conflict, Control, Dataset, Misconception, Position, Program, Scenario, Service,
    Source, SpectrumStep, Tip,
};
use crate::dataset::raw::{
    RawCategory, RawConflict, RawControl, RawFile, RawMisconception, RawProgram, RawScenario,
    RawService, RawSpectrum, RawTip,
};
use crate::diagnostics::Diagnostic;
use crate::source::SourceFile;

impl Validator<'_> {
    /// Every entity of one file except sources, parties and matrix rows, in file order per
    /// kind.
    pub(super) fn entities(&mut self, file: &SourceFile, raw: &RawFile, ds: &mut Dataset) {
        for c in &raw.categories {
            ds.categories.push(self.category(file, c));
        }
        for s in &raw.services {
            ds.services.push(self.service(file, s));
        }
        for c in &raw.controls {
            ds.controls.push(self.control(file, c));
        }
        for s in &raw.scenarios {
            ds.scenarios.push(self.scenario(file, s));
        }
        for m in &raw.misconceptions {
            ds.misconceptions.push(self.misconception(file, m));
        }
        for t in &raw.tips {
            ds.tips.push(self.tip(file, t));
        }
        for p in &raw.compliance_programs {
            ds.compliance_programs.push(self.program(file, p));
        }
        for c in &raw.conflicts {
            ds.conflicts.push(self.conflict(file, c));
        }
        for s in &raw.spectrum {
            ds.spectrum.push(self.spectrum_step(file, s));
        }
    }

    fn category(&mut self, file: &SourceFile, c: &RawCategory) -> Category {
        Category {
            id: Id::new(c.id.value.as_str()),
            label: c.label.clone(),
            aliases: c.aliases.clone(),
            rank: c.rank,
            summary: Self::text(file, &c.summary),
            description: Self::opt_text(file, &c.description),
            sources: self.refs::<Source>(file, &c.sources),
        }
    }

    fn service(&mut self, file: &SourceFile, s: &RawService) -> Service {
        let category = self
            .check::<Category>(file, &s.category)
            .unwrap_or_else(|| Id::new(s.category.value.as_str()));
        let kind = s.kind.as_ref().map(|k| self.word(file, k));
        let compute = s.compute.as_ref().map(|c| self.word(file, c));
        let status = s.status.as_ref().map(|c| self.word(file, c));
        Service {
            id: Id::new(s.id.value.as_str()),
            name: s.name.clone(),
            aliases: s.aliases.clone(),
            category,
            provider: self.service_provider(file, s),
            summary: Self::text(file, &s.summary),
            kind: kind.unwrap_or_default(),
            helps_with: self.refs::<Control>(file, &s.helps_with),
            compute,
            status: status.unwrap_or_default(),
            note: Self::opt_text(file, &s.note),
            updates: self.updates(file, &s.updates),
            conflicts: self.refs::<Conflict>(file, &s.conflicts),
            sources: self.refs::<Source>(file, &s.sources),
        }
    }

    fn control(&mut self, file: &SourceFile, c: &RawControl) -> Control {
        Control {
            id: Id::new(c.id.value.as_str()),
            title: c.title.clone(),
            layer: self.word(file, &c.layer),
            description: Self::text(file, &c.description),
            nist: c.nist.clone(),
            sources: self.refs::<Source>(file, &c.sources),
        }
    }

    fn scenario(&mut self, file: &SourceFile, s: &RawScenario) -> Scenario {
        let owner = self.owner(file, &s.owner, false);
        let parts = self.parts(file, &owner, &s.owner, &s.parts);
        if s.controls.is_empty() {
            self.diags.push(Diagnostic::error(
                Self::at(file, &s.id),
                format!("scenario `{}` names no controls", s.id.value),
            ));
        }
        Scenario {
            id: Id::new(s.id.value.as_str()),
            title: s.title.clone(),
            question: Self::text(file, &s.question),
            steps: s.steps.iter().map(|t| Self::text(file, t)).collect(),
            answer: Self::text(file, &s.answer),
            owner,
            parts,
            rationale: Self::opt_text(file, &s.rationale),
            services: self.refs::<Service>(file, &s.services),
            controls: self.refs::<Control>(file, &s.controls),
            conflicts: self.refs::<Conflict>(file, &s.conflicts),
            updates: self.updates(file, &s.updates),
            sources: self.refs::<Source>(file, &s.sources),
        }
    }

    fn misconception(&mut self, file: &SourceFile, m: &RawMisconception) -> Misconception {
        Misconception {
            id: Id::new(m.id.value.as_str()),
            myth: Self::text(file, &m.myth),
            reality: Self::text(file, &m.reality),
            controls: self.refs::<Control>(file, &m.controls),
            services: self.refs::<Service>(file, &m.services),
            updates: self.updates(file, &m.updates),
            conflicts: self.refs::<Conflict>(file, &m.conflicts),
            sources: self.refs::<Source>(file, &m.sources),
        }
    }

    fn tip(&mut self, file: &SourceFile, t: &RawTip) -> Tip {
        Tip {
            id: Id::new(t.id.value.as_str()),
            text: Self::text(file, &t.text),
            controls: self.refs::<Control>(file, &t.controls),
            updates: self.updates(file, &t.updates),
            sources: self.refs::<Source>(file, &t.sources),
        }
    }

    fn program(&mut self, file: &SourceFile, p: &RawProgram) -> Program {
        Program {
            id: Id::new(p.id.value.as_str()),
            name: p.name.clone(),
            family: p.family.clone(),
            note: Self::opt_text(file, &p.note),
            sources: self.refs::<Source>(file, &p.sources),
        }
    }

    fn conflict(&mut self, file: &SourceFile, c: &RawConflict) -> Conflict {
        let checked = c.checked.as_ref().map(|d| self.date(file, d));
        let positions = c
            .positions
            .iter()
            .map(|p| Position {
                claim: Self::text(file, &p.claim),
                sources: self.refs::<Source>(file, &p.sources),
            })
            .collect();
        Conflict {
            id: Id::new(c.id.value.as_str()),
            topic: c.topic.clone(),
            positions,
            resolution: Self::text(file, &c.resolution),
            checked,
        }
    }

    fn spectrum_step(&mut self, file: &SourceFile, s: &RawSpectrum) -> SpectrumStep {
        SpectrumStep {
            id: Id::new(s.id.value.as_str()),
            label: s.label.clone(),
            rank: s.rank,
            services: self.refs::<Service>(file, &s.services),
            customer_manages: self.refs::<Control>(file, &s.customer_manages),
            summary: Self::text(file, &s.summary),
            sources: self.refs::<Source>(file, &s.sources),
        }
    }
}
