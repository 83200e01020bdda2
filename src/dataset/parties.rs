//! The parties of the dataset: who can hold a control. The dataset declares them (`owners:`),
//! any ids and any number of them; one may have the role `shared` (a cell owned by it says what
//! each party does), one `provider` and one `customer` (the pair a customer responsibility
//! matrix names). A dataset that declares none gets the classic three: `aws`, `customer`,
//! `shared`. A cell's [`Owner`] is one of them or `n/a`.

use super::id::Id;
use super::model::{Source, Text};
use serde::{Serialize, Serializer};

/// A party that can hold a control (or the `shared` state).
#[derive(Debug, Clone, Serialize)]
pub(crate) struct Party {
    /// The id (lowercase letters, digits and single hyphens; unique in the dataset).
    pub id: Id<Party>,
    /// Name shown on pages.
    pub label: String,
    /// How a sentence names it (`the customer`); the label when not given.
    pub in_text: String,
    /// The short form in matrix cells: given, or the shortest prefix of the label that no
    /// other party's abbreviation shares.
    pub abbr: String,
    /// What part it plays.
    pub role: super::Role,
    /// One-line summary of the party's part.
    pub motto: Option<String>,
    /// What the party is responsible for (`None` for the built-in parties).
    pub description: Option<Text>,
    /// Ids of the sources this comes from.
    pub sources: Vec<Id<Source>>,
}

impl Party {
    /// A party with the given id, label and role and nothing else said about it.
    pub(crate) fn plain(id: &str, label: &str, role: super::Role) -> Party {
        Party {
            id: Id::new(id),
            label: label.into(),
            in_text: label.into(),
            abbr: String::new(),
            role,
            motto: None,
            description: None,
            sources: Vec::new(),
        }
    }

    /// Its part's heading (`AWS's part`, `The customer's part`, `The product teams' part`).
    pub(crate) fn part_label(&self) -> String {
        let own = self.possessive();
        let mut chars = own.chars();
        let first = chars.next().map(|c| c.to_uppercase().collect::<String>());
        format!("{}{} part", first.unwrap_or_default(), chars.as_str())
    }

    /// How a sentence says what is the party's (`AWS's`, `the product teams'`): a plural
    /// ending in a lower-case `s` takes the apostrophe alone.
    pub(crate) fn possessive(&self) -> String {
        match self.in_text.ends_with('s') {
            true => format!("{}'", self.in_text),
            false => format!("{}'s", self.in_text),
        }
    }
}

/// The parties of a dataset that declares none.
pub(crate) fn builtin() -> Vec<Party> {
    use super::Role;
    let mut customer = Party::plain("customer", "Customer", Role::Customer);
    customer.in_text = "the customer".into();
    let mut shared = Party::plain("shared", "Shared", Role::Shared);
    shared.in_text = "shared".into();
    let mut all = vec![Party::plain("aws", "AWS", Role::Provider), customer, shared];
    abbreviate(&mut all);
    all
}

/// Fills in every missing abbreviation: the shortest prefix of the label (upper-cased
/// first letter) that no other party already has.
pub(crate) fn abbreviate(parties: &mut [Party]) {
    let given: Vec<String> = parties.iter().map(|p| p.abbr.clone()).collect();
    let mut taken: Vec<String> = given.iter().filter(|a| !a.is_empty()).cloned().collect();
    for p in parties.iter_mut().filter(|p| p.abbr.is_empty()) {
        let letters: Vec<char> = p.label.chars().filter(|c| !c.is_whitespace()).collect();
        let abbr = (1..=letters.len().max(1))
            .map(|n| {
                let s: String = letters.iter().take(n).collect();
                let mut c = s.chars();
                c.next()
                    .map(|f| f.to_uppercase().collect::<String>() + c.as_str())
                    .unwrap_or_else(|| p.id.to_string())
            })
            .find(|a| !taken.contains(a))
            .unwrap_or_else(|| p.id.to_string());
        taken.push(abbr.clone());
        p.abbr = abbr;
    }
}

/// Who holds a control: a party (possibly the shared one) or nobody (`n/a`).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub(crate) enum Owner {
    /// A party of the dataset.
    Party(Id<Party>),
    /// The control does not apply.
    NotApplicable,
}

impl Owner {
    /// The id used in YAML and exports (`n/a` for [`Owner::NotApplicable`]).
    pub(crate) fn id(&self) -> &str {
        match self {
            Owner::Party(id) => id,
            Owner::NotApplicable => "n/a",
        }
    }

    /// The CSS class (`owner-aws`, `owner-na`).
    pub(crate) fn class(&self) -> String {
        match self {
            Owner::Party(id) => format!("owner-{id}"),
            Owner::NotApplicable => "owner-na".into(),
        }
    }
}

impl Serialize for Owner {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.id())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dataset::Role;

    #[test]
    fn builtin_parties_keep_their_classic_labels_and_letters() {
        let all = builtin();
        let got: Vec<(&str, &str, String)> = all
            .iter()
            .map(|p| (&*p.id, p.abbr.as_str(), p.part_label()))
            .collect();
        assert_eq!(
            got,
            [
                ("aws", "A", "AWS's part".to_string()),
                ("customer", "C", "The customer's part".to_string()),
                ("shared", "S", "Shared's part".to_string()),
            ]
        );
    }

    #[test]
    fn abbreviations_grow_until_unique() {
        let mut all = vec![
            Party::plain("provider", "Provider", Role::Provider),
            Party::plain("platform-team", "Platform team", Role::Party),
            Party::plain("product", "product teams", Role::Customer),
        ];
        abbreviate(&mut all);
        let abbrs: Vec<&str> = all.iter().map(|p| p.abbr.as_str()).collect();
        assert_eq!(abbrs, ["P", "Pl", "Pr"]);
        assert_eq!(Owner::NotApplicable.class(), "owner-na");
        assert_eq!(Owner::Party(Id::new("x")).class(), "owner-x");
    }
}
