//! Articles against the dataset: every service, control and scenario an article's front
//! matter names must exist. This runs as its own stage once both are loaded, so the pages
//! built later only ever show references that resolve.

use crate::content::{Article, IdRef};
use crate::dataset::model::{Dataset, Kind};
use crate::diagnostics::{Diagnostics, UnknownId};

/// The dataset references of an article's front matter, by kind.
pub(crate) fn article_references(article: &Article) -> [(Kind, &[IdRef]); 3] {
    [
        (Kind::Service, &article.services),
        (Kind::Control, &article.controls),
        (Kind::Scenario, &article.scenarios),
    ]
}

/// Reports every reference of `articles` to an id the dataset does not define, at the place
/// it was written, with a did-you-mean.
pub(crate) fn check_article_references(
    articles: &[&Article],
    dataset: &Dataset,
    diags: &mut Diagnostics,
) {
    for article in articles {
        for (kind, refs) in article_references(article) {
            if dataset.partial.contains(&kind) {
                continue; // the unreadable dataset file is the error to fix first
            }
            for r in refs.iter().filter(|r| !dataset.has(kind, &r.id)) {
                let unknown = UnknownId::among(kind.noun(), &r.id, dataset.ids(kind));
                diags.push(unknown.error(r.location.clone()));
            }
        }
    }
}
