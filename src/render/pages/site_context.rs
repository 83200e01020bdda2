//! `site`: the context every template sees beside its page's own (title, base path,
//! navigation, sidebar).

use super::navigation::Navigation;
use crate::config::{BasePath, SiteUrl};
use crate::dataset::Role;
use crate::site::Site;
use serde::{Serialize, Serializer};
use std::sync::Arc;

/// The site-wide context of every page.
#[derive(Serialize)]
pub(crate) struct SiteContext<'s> {
    /// Site title.
    pub title: &'s str,
    /// One-line description.
    pub description: &'s str,
    /// The path every internal URL starts with.
    pub base_path: &'s BasePath,
    /// The absolute URL of the site.
    pub base_url: &'s SiteUrl,
    /// `lang` of every page.
    pub language: &'s str,
    /// True when the site has a dataset (services or controls).
    pub has_data: bool,
    /// The main navigation.
    pub nav: Vec<NavLink>,
    /// Whether folder links name their `index.html` (see [`super::relative`]).
    pub explicit_index: bool,
    /// The "edit this page" pattern, `{path}` standing for the source path.
    pub edit_url: Option<&'s str>,
    /// The sidebar's groups (`sidebar`), breadcrumbs and pagers (looked up per page at
    /// render time).
    #[serde(rename = "sidebar", serialize_with = "sidebar_of")]
    pub navigation: Arc<Navigation>,
    /// The hash of what breadcrumbs and pagers show (so that it is part of every page key).
    pub navigation_key: String,
    /// The dataset's parties (and its shared state), for legends.
    pub parties: Vec<PartyBadge<'s>>,
    /// The provider's label.
    pub provider: Option<&'s str>,
    /// How a sentence names the provider party (`AWS`, `the cloud provider`).
    pub provider_text: &'s str,
    /// How a sentence names the customer (`the customer`).
    pub customer_text: &'s str,
    /// The customer's label (`Customer`).
    pub customer_label: &'s str,
    /// The label of the dataset's only cloud provider (`None` when it covers several).
    pub only_provider: Option<&'s str>,
}

/// A party as legends show it.
#[derive(Serialize)]
pub(crate) struct PartyBadge<'s> {
    /// Its id.
    pub id: &'s str,
    /// Its label.
    pub label: &'s str,
    /// Its CSS class (`owner-aws`).
    pub class: String,
    /// Its short form in matrix cells.
    pub abbr: &'s str,
}

/// An entry of the main navigation.
#[derive(Serialize)]
pub(crate) struct NavLink {
    /// Text shown.
    pub title: &'static str,
    /// Where it goes.
    pub url: String,
}

/// The navigation of a site's context, kept to build the context of the next site over the
/// same graph (see [`site_context_with`]).
#[derive(Clone)]
pub(crate) struct KeptNavigation {
    navigation: Arc<Navigation>,
    key: String,
}

impl SiteContext<'_> {
    /// Its navigation, to reuse.
    pub(crate) fn kept_navigation(&self) -> KeptNavigation {
        KeptNavigation {
            navigation: Arc::clone(&self.navigation),
            key: self.navigation_key.clone(),
        }
    }
}

fn sidebar_of<S: Serializer>(navigation: &Arc<Navigation>, s: S) -> Result<S::Ok, S::Error> {
    navigation.sidebar.serialize(s)
}

/// The site-wide context of `site`.
pub(crate) fn site_context<'s>(site: &Site<'s>) -> SiteContext<'s> {
    let navigation = Navigation::new(site);
    let key = navigation.key();
    site_context_with(
        site,
        KeptNavigation {
            navigation: Arc::new(navigation),
            key,
        },
    )
}

/// The site-wide context of `site` with the navigation of an earlier site over the same
/// graph (its sections, titles and dataset: the navigation shows nothing else).
pub(crate) fn site_context_with<'s>(site: &Site<'s>, kept: KeptNavigation) -> SiteContext<'s> {
    let ds = site.dataset;
    let has_data = !ds.services.is_empty() || !ds.controls.is_empty();
    let link = |title, path: &str| NavLink {
        title,
        url: site.url(path),
    };
    let mut nav = vec![link("Articles", "articles/")];
    if has_data {
        for (title, path) in [
            ("Services", "services/"),
            ("Controls", "controls/"),
            ("Categories", "categories/"),
            ("Scenarios", "scenarios/"),
            ("Matrix", "matrix/"),
            ("Quick reference", "quick-reference/"),
        ] {
            nav.push(link(title, path));
        }
    }
    nav.push(link("Tags", "tags/"));
    let config = site.config;
    let customer = ds.with_role(Role::Customer);
    SiteContext {
        title: &config.title,
        description: &config.description,
        base_path: &config.base_path,
        base_url: &config.base_url,
        language: &config.language,
        has_data,
        nav,
        parties: (ds.owners.iter())
            .map(|p| PartyBadge {
                id: &p.id,
                label: &p.label,
                class: format!("owner-{}", p.id),
                abbr: &p.abbr,
            })
            .collect(),
        provider: ds.with_role(Role::Provider).map(|p| p.label.as_str()),
        provider_text: ds
            .with_role(Role::Provider)
            .map_or("the provider", |p| p.in_text.as_str()),
        customer_text: customer.map_or("the customer", |p| p.in_text.as_str()),
        customer_label: customer.map_or("Customer", |p| p.label.as_str()),
        only_provider: match ds.providers.as_slice() {
            [only] => Some(only.label.as_str()),
            _ => None,
        },
        explicit_index: config.explicit_index,
        edit_url: config.edit_url.as_deref(),
        navigation: kept.navigation,
        navigation_key: kept.key,
    }
}
