//! The cloud providers (`providers:`) and the provider each service names. A dataset that
//! declares none has one, its party with the role `provider`, and its services need not
//! name it; with several, every service names its own.

use super::Validator;
use crate::dataset::follow_on::Section;
use crate::dataset::id::Id;
use crate::dataset::model::{Dataset, Kind, Provider, Source};
use crate::dataset::raw::RawService;
use crate::dataset::Role;
use crate::diagnostics::Diagnostic;
use crate::source::SourceFile;

impl Validator<'_> {
    /// Reads every declared provider, or takes the provider party as the only one.
    pub(super) fn providers(&mut self, ds: &mut Dataset) {
        let files = self.files;
        for (file, raw) in files {
            for p in &raw.providers {
                ds.providers.push(Provider {
                    id: Id::new(p.id.value.as_str()),
                    label: p.label.clone(),
                    description: Self::opt_text(file, &p.description),
                    sources: self.refs::<Source>(file, &p.sources),
                });
            }
        }
        let declared = self.ids.get(&Kind::Provider).is_some_and(|v| !v.is_empty());
        if ds.providers.is_empty() && !declared {
            if let Some(party) = ds.with_role(Role::Provider).cloned() {
                self.ids.insert(Kind::Provider, vec![party.id.to_string()]);
                ds.providers.push(Provider {
                    id: Id::new(party.id.as_str()),
                    label: party.label,
                    description: None,
                    sources: Vec::new(),
                });
            }
        }
    }

    /// The provider a service names, or the only one; a service of a dataset with several
    /// providers that names none is an error at its id.
    pub(super) fn service_provider(&mut self, file: &SourceFile, s: &RawService) -> Id<Provider> {
        if let Some(named) = &s.provider {
            return (self.check::<Provider>(file, named))
                .unwrap_or_else(|| Id::new(named.value.as_str()));
        }
        let known = self.ids.get(&Kind::Provider).cloned().unwrap_or_default();
        if let [only] = known.as_slice() {
            return Id::new(only.as_str());
        }
        if !self
            .follow
            .absorbs(Section::Ids(Kind::Provider), !known.is_empty())
        {
            let list = known.iter().map(|k| format!("`{k}`")).collect::<Vec<_>>();
            self.diags.push(
                Diagnostic::error(
                    Self::at(file, &s.id),
                    format!("service `{}` names no provider", s.id.value),
                )
                .with_help(Some(format!(
                    "the dataset has several ({}): add `provider:` to the service",
                    list.join(", ")
                ))),
            );
        }
        Id::new("")
    }
}

#[cfg(test)]
mod tests {
    use crate::dataset::{load, Dataset};
    use crate::diagnostics::Diagnostics;

    const BASE: &str = "categories:\n  - {id: iaas, label: I, rank: 1, summary: s}\ncontrols:\n  - {id: guest-os, title: G, layer: platform, description: d}\nmatrix:\n  - control: guest-os\n    default: {all: customer}\n";

    fn load_one(extra: &str) -> (Dataset, Diagnostics) {
        let mut d = Diagnostics::new();
        let text = format!("{BASE}{extra}");
        let ds = load(&[("data/x.yaml".into(), text.into_bytes())], &mut d);
        (ds, d)
    }

    fn headlines(d: &Diagnostics) -> Vec<(String, Option<String>)> {
        (d.errors().iter())
            .map(|e| (e.headline(), e.help.clone()))
            .collect()
    }

    #[test]
    fn a_dataset_without_providers_has_its_provider_party_as_the_only_one() {
        let (ds, d) = load_one("services:\n  - {id: ec2, name: EC2, category: iaas, summary: s}\n  - {id: s3, name: S3, category: iaas, provider: aws, summary: s}\n");
        assert!(!d.has_errors(), "{}", d.render(false));
        let ids: Vec<(&str, &str)> = (ds.providers.iter())
            .map(|p| (p.id.as_str(), p.label.as_str()))
            .collect();
        assert_eq!(ids, [("aws", "AWS")]);
        assert!(!ds.several_providers());
        assert!(ds.services.iter().all(|s| s.provider == "aws"));
    }

    const TWO: &str = "providers:\n  - {id: aws, label: AWS}\n  - {id: azure, label: Microsoft Azure}\nowners:\n  - {id: provider, label: Cloud provider, role: provider, description: d}\n  - {id: customer, label: Customer, role: customer, description: d}\n";

    #[test]
    fn each_service_names_its_provider_when_there_are_several() {
        let (ds, d) = load_one(&format!("{TWO}services:\n  - {{id: ec2, name: EC2, category: iaas, provider: aws, summary: s}}\n  - {{id: vm, name: VM, category: iaas, provider: azure, summary: s}}\n"));
        assert!(!d.has_errors(), "{}", d.render(false));
        assert!(ds.several_providers());
        let got: Vec<(&str, &str)> = (ds.services.iter())
            .map(|s| (s.id.as_str(), s.provider.as_str()))
            .collect();
        assert_eq!(got, [("ec2", "aws"), ("vm", "azure")]);
    }

    #[test]
    fn an_unknown_provider_is_the_one_error_at_its_value_with_a_hint() {
        let (_, d) = load_one(&format!("{TWO}services:\n  - {{id: vm, name: VM, category: iaas, provider: azur, summary: s}}\n"));
        assert_eq!(
            headlines(&d),
            [(
                "data/x.yaml:15:50: error: unknown provider `azur`".to_string(),
                Some("did you mean `azure`?".to_string())
            )]
        );
    }

    #[test]
    fn a_service_that_names_no_provider_among_several_is_located_at_its_id() {
        let (_, d) = load_one(&format!(
            "{TWO}services:\n  - {{id: vm, name: VM, category: iaas, summary: s}}\n"
        ));
        assert_eq!(
            headlines(&d),
            [(
                "data/x.yaml:15:10: error: service `vm` names no provider".to_string(),
                Some(
                    "the dataset has several (`aws`, `azure`): add `provider:` to the service"
                        .to_string()
                )
            )]
        );
    }
}
