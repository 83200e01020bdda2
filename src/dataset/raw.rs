//! The dataset files exactly as written: serde structs with `deny_unknown_fields` and
//! positions ([`Spanned`]) on every id, reference and Markdown text, so validation can point
//! at the offending value.

use serde::de::{Deserializer, MapAccess, Visitor};
use serde::Deserialize;
use serde_saphyr::Spanned;
use std::fmt;

/// A string with its position.
pub(crate) type S = Spanned<String>;

/// One dataset file.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawFile {
    #[serde(default)]
    pub sources: Vec<RawSource>,
    #[serde(default)]
    pub owners: Vec<RawOwner>,
    #[serde(default)]
    pub providers: Vec<RawProvider>,
    #[serde(default)]
    pub categories: Vec<RawCategory>,
    #[serde(default)]
    pub services: Vec<RawService>,
    #[serde(default)]
    pub controls: Vec<RawControl>,
    #[serde(default)]
    pub matrix: Vec<RawRow>,
    #[serde(default)]
    pub scenarios: Vec<RawScenario>,
    #[serde(default)]
    pub misconceptions: Vec<RawMisconception>,
    #[serde(default)]
    pub tips: Vec<RawTip>,
    #[serde(default)]
    pub compliance_programs: Vec<RawProgram>,
    #[serde(default)]
    pub conflicts: Vec<RawConflict>,
    #[serde(default)]
    pub spectrum: Vec<RawSpectrum>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawSource {
    pub id: S,
    pub title: String,
    pub author: String,
    pub date: Option<S>,
    pub accessed: Option<S>,
    pub url: Option<S>,
    pub note: Option<S>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawOwner {
    pub id: S,
    pub label: String,
    pub role: Option<S>,
    pub in_text: Option<String>,
    pub abbr: Option<S>,
    pub motto: Option<String>,
    pub description: S,
    #[serde(default)]
    pub sources: Vec<S>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawProvider {
    pub id: S,
    pub label: String,
    pub description: Option<S>,
    #[serde(default)]
    pub sources: Vec<S>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawCategory {
    pub id: S,
    pub label: String,
    #[serde(default)]
    pub aliases: Vec<String>,
    pub rank: i64,
    pub summary: S,
    pub description: Option<S>,
    #[serde(default)]
    pub sources: Vec<S>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawUpdate {
    pub date: S,
    pub text: S,
    #[serde(default)]
    pub sources: Vec<S>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawService {
    pub id: S,
    pub name: String,
    #[serde(default)]
    pub aliases: Vec<String>,
    pub category: S,
    pub provider: Option<S>,
    pub summary: S,
    pub kind: Option<S>,
    #[serde(default)]
    pub helps_with: Vec<S>,
    pub compute: Option<S>,
    pub status: Option<S>,
    pub note: Option<S>,
    #[serde(default)]
    pub updates: Vec<RawUpdate>,
    #[serde(default)]
    pub conflicts: Vec<S>,
    #[serde(default)]
    pub sources: Vec<S>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawControl {
    pub id: S,
    pub title: String,
    pub layer: S,
    pub description: S,
    #[serde(default)]
    pub nist: Vec<String>,
    #[serde(default)]
    pub sources: Vec<S>,
}

/// A matrix cell: a plain owner string or a mapping with the details (`parts:` says what each
/// party does, keyed by party id).
#[derive(Debug)]
pub(crate) enum RawCell {
    Plain(String),
    Full(Box<RawCellMap>),
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawCellMap {
    pub owner: S,
    #[serde(default)]
    pub parts: Entries<S>,
    pub note: Option<S>,
    pub default_state: Option<S>,
    #[serde(default)]
    pub updates: Vec<RawUpdate>,
    #[serde(default)]
    pub conflicts: Vec<S>,
    #[serde(default)]
    pub sources: Vec<S>,
}

impl<'de> Deserialize<'de> for RawCell {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = RawCell;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("an owner id, `n/a` or a mapping with `owner:`")
            }
            fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<RawCell, E> {
                Ok(RawCell::Plain(v.to_string()))
            }
            fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<RawCell, A::Error> {
                RawCellMap::deserialize(serde::de::value::MapAccessDeserializer::new(map))
                    .map(|m| RawCell::Full(Box::new(m)))
            }
        }
        d.deserialize_any(V)
    }
}

/// A mapping whose keys keep their positions, in document order.
#[derive(Debug)]
pub(crate) struct Entries<V>(pub Vec<(S, V)>);

impl<'de, V: Deserialize<'de>> Deserialize<'de> for Entries<V> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct Vis<V>(std::marker::PhantomData<V>);
        impl<'de, V: Deserialize<'de>> Visitor<'de> for Vis<V> {
            type Value = Entries<V>;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a mapping")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Entries<V>, A::Error> {
                let mut out = Vec::new();
                while let Some(k) = map.next_key::<S>()? {
                    out.push((k, map.next_value::<V>()?));
                }
                Ok(Entries(out))
            }
        }
        d.deserialize_map(Vis(std::marker::PhantomData))
    }
}

impl<V> Default for Entries<V> {
    fn default() -> Self {
        Entries(Vec::new())
    }
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawRow {
    pub control: S,
    pub default: Spanned<Entries<Spanned<RawCell>>>,
    #[serde(default)]
    pub overrides: Entries<Spanned<RawCell>>,
    #[serde(default)]
    pub sources: Vec<S>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawScenario {
    pub id: S,
    pub title: String,
    pub question: S,
    #[serde(default)]
    pub steps: Vec<S>,
    pub answer: S,
    pub owner: S,
    #[serde(default)]
    pub parts: Entries<S>,
    pub rationale: Option<S>,
    #[serde(default)]
    pub services: Vec<S>,
    #[serde(default)]
    pub controls: Vec<S>,
    #[serde(default)]
    pub conflicts: Vec<S>,
    #[serde(default)]
    pub updates: Vec<RawUpdate>,
    #[serde(default)]
    pub sources: Vec<S>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawMisconception {
    pub id: S,
    pub myth: S,
    pub reality: S,
    #[serde(default)]
    pub controls: Vec<S>,
    #[serde(default)]
    pub services: Vec<S>,
    #[serde(default)]
    pub updates: Vec<RawUpdate>,
    #[serde(default)]
    pub conflicts: Vec<S>,
    #[serde(default)]
    pub sources: Vec<S>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawTip {
    pub id: S,
    pub text: S,
    #[serde(default)]
    pub controls: Vec<S>,
    #[serde(default)]
    pub updates: Vec<RawUpdate>,
    #[serde(default)]
    pub sources: Vec<S>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawProgram {
    pub id: S,
    pub name: String,
    pub family: String,
    pub note: Option<S>,
    #[serde(default)]
    pub sources: Vec<S>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawPosition {
    pub claim: S,
    #[serde(default)]
    pub sources: Vec<S>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawConflict {
    pub id: S,
    pub topic: String,
    pub positions: Vec<RawPosition>,
    pub resolution: S,
    pub checked: Option<S>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawSpectrum {
    pub id: S,
    pub label: String,
    pub rank: i64,
    #[serde(default)]
    pub services: Vec<S>,
    #[serde(default)]
    pub customer_manages: Vec<S>,
    pub summary: S,
    #[serde(default)]
    pub sources: Vec<S>,
}
