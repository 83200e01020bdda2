//! The parties (`owners:`) and every reference to one: the owner of a cell or scenario, and
//! the parts a cell gives per party. Roles: at most one `provider`, `customer` and `shared`
//! each; without a named provider or customer the first and second parties take those roles.

use super::Validator;
use crate::dataset::id::Id;
use crate::dataset::model::{Dataset, Kind, Owner, Party, Source, Text};
use crate::dataset::parties::{abbreviate, builtin};
use crate::dataset::raw::{Entries, RawOwner, S};
use crate::dataset::{Role, Vocabulary};
use crate::diagnostics::{Diagnostic, Location};
use crate::source::SourceFile;

impl Validator<'_> {
    /// Reads every declared party, or takes the built-in three (`aws`, `customer`,
    /// `shared`) when no file declares any; gives each its role and abbreviation.
    pub(super) fn parties(&mut self, ds: &mut Dataset) {
        let files = self.files;
        for (file, raw) in files {
            for o in &raw.owners {
                let party = self.party(file, o);
                ds.owners.push(party);
            }
        }
        if ds.owners.is_empty() {
            ds.owners = builtin();
            let ids = ds.owners.iter().map(|p| p.id.to_string()).collect();
            self.ids.insert(Kind::Owner, ids);
        } else {
            self.default_roles(&mut ds.owners);
            abbreviate(&mut ds.owners);
        }
        self.shared = ds.with_role(Role::Shared).map(|p| p.id.to_string());
        self.pair = [Role::Provider, Role::Customer]
            .into_iter()
            .filter_map(|r| ds.with_role(r).map(|p| p.id.to_string()))
            .collect();
    }

    fn party(&mut self, file: &SourceFile, o: &RawOwner) -> Party {
        // An unknown role is reported once and read as `party` (no follow-on errors).
        let role = o.role.as_ref().and_then(|r| match Role::parse(&r.value) {
            Ok(role) => Some((role, r)),
            Err(e) => {
                self.unknown_word(file, r, e);
                None
            }
        });
        if let Some((role @ (Role::Provider | Role::Customer | Role::Shared), at)) = role {
            self.one_of_role(file, role, at);
        }
        Party {
            id: Id::new(o.id.value.as_str()),
            label: o.label.clone(),
            in_text: o.in_text.clone().unwrap_or_else(|| o.label.clone()),
            abbr: o.abbr.as_ref().map_or(String::new(), |a| a.value.clone()),
            role: role.map_or(Role::Party, |(r, _)| r),
            motto: o.motto.clone(),
            description: Some(Self::text(file, &o.description)),
            sources: self.refs::<Source>(file, &o.sources),
        }
    }

    /// Reports a second party with the same role, at its `role:`.
    fn one_of_role(&mut self, file: &SourceFile, role: Role, at: &S) {
        let first = self
            .files
            .iter()
            .flat_map(|(_, raw)| &raw.owners)
            .find(|o| o.role.as_ref().is_some_and(|r| r.value == role.id()));
        match first {
            Some(first) if !std::ptr::eq(&first.role.as_ref().unwrap().value, &at.value) => {
                self.diags.push(Diagnostic::error(
                    Self::at(file, at),
                    format!(
                        "only one party may have the role `{role}`: `{}` has it already",
                        first.id.value
                    ),
                ));
            }
            _ => {}
        }
    }

    /// Gives the first two plain parties the roles nobody named; reports a dataset with
    /// fewer than two parties that can hold a control.
    fn default_roles(&mut self, parties: &mut [Party]) {
        for role in [Role::Provider, Role::Customer] {
            if parties.iter().all(|p| p.role != role) {
                if let Some(p) = parties.iter_mut().find(|p| p.role == Role::Party) {
                    p.role = role;
                }
            }
        }
        let holders = parties.iter().filter(|p| p.role != Role::Shared).count();
        if holders < 2 {
            let at = parties[0].description.as_ref().map(|d| d.at.clone());
            self.diags.push(Diagnostic::error(
                at.unwrap_or_else(|| Location::file("content/data")),
                format!("the dataset declares {holders} party that can hold a control (`owners:`); it needs at least two"),
            ));
        }
    }

    /// Parses an owner: a party id, or `n/a` where `allow_na` (matrix cells).
    pub(super) fn owner(&mut self, file: &SourceFile, s: &S, allow_na: bool) -> Owner {
        self.owner_at(|| Self::at(file, s), &s.value, allow_na)
    }

    /// The owner of a plain cell: a party or `n/a` (the shared state needs a mapping).
    pub(super) fn plain_owner(&mut self, at: Location, word: &str) -> Owner {
        let owner = self.owner_at(|| at.clone(), word, true);
        if self.shared.as_deref() == Some(word) {
            self.diags.push(Diagnostic::error(
                at,
                format!("a plain `{word}` cell must be a mapping with `owner: {word}` and `parts:` saying what each party does"),
            ));
        }
        owner
    }

    fn owner_at(&mut self, at: impl Fn() -> Location, word: &str, allow_na: bool) -> Owner {
        if word == "n/a" {
            if !allow_na {
                self.diags.push(Diagnostic::error(
                    at(),
                    "owner `n/a` is only allowed in matrix cells",
                ));
            }
            return Owner::NotApplicable;
        }
        self.check_at::<Party>(&at, word)
            .map_or(Owner::NotApplicable, Owner::Party)
    }

    /// The parts of a cell or scenario, each keyed by a party that holds controls. A shared
    /// owner needs at least two; with fewer, each missing part of the provider and the
    /// customer is reported at the owner.
    pub(super) fn parts(
        &mut self,
        file: &SourceFile,
        owner: &Owner,
        owner_at: &S,
        parts: &Entries<S>,
    ) -> Vec<(Id<Party>, Text)> {
        let mut out = Vec::new();
        let mut unknown = false;
        for (key, text) in &parts.0 {
            let Some(party) = self.check::<Party>(file, key) else {
                unknown = true;
                continue;
            };
            if self.shared.as_deref() == Some(&*party) {
                let msg = format!("`{party}` is the shared state, not a party with a part");
                self.diags.push(Diagnostic::error(Self::at(file, key), msg));
            } else if !text.value.trim().is_empty() {
                out.push((party, Self::text(file, text)));
            }
        }
        let shared = matches!(owner, Owner::Party(p) if self.shared.as_deref() == Some(&**p));
        // A part under an unknown key is the root cause; its missing part is not reported.
        if shared && out.len() < 2 && !unknown {
            self.missing_parts(Self::at(file, owner_at), owner, &out);
        }
        out
    }

    fn missing_parts(&mut self, at: Location, owner: &Owner, given: &[(Id<Party>, Text)]) {
        let pair = self.pair.clone();
        for party in pair.iter().filter(|p| given.iter().all(|(g, _)| g != *p)) {
            self.diags.push(Diagnostic::error(
                at.clone(),
                format!(
                    "a `{}` owner must say what each party does: `parts: {party}:` is missing",
                    owner.id()
                ),
            ));
        }
    }
}
