//! `srm-docs init DIR [--example NAME]`: scaffolds a site that `build` accepts as is. The
//! examples: `small` (the default: a config, two articles and a minimal dataset with one
//! service, two controls and one scenario, on the built-in parties), `platform` (an
//! organisation's own handbook: the cloud provider, a platform team and product teams) and
//! `providers` (one dataset comparing AWS, Azure and Google Cloud).

use crate::error::Error;
use std::path::Path;

/// The examples `init` offers, by name, each a list of (path, text).
pub const EXAMPLES: &[(&str, &[(&str, &str)])] = &[
    ("small", SMALL),
    ("platform", PLATFORM),
    ("providers", PROVIDERS),
];

/// One dataset covering three providers (AWS, Azure, Google Cloud), compared control by
/// control.
const PROVIDERS: &[(&str, &str)] = &[
    (
        "srm-docs.toml",
        include_str!("init/providers/srm-docs.toml"),
    ),
    (
        "content/articles/comparing-providers.md",
        include_str!("init/providers/content/articles/comparing-providers.md"),
    ),
    (
        "content/data/parties.yaml",
        include_str!("init/providers/content/data/parties.yaml"),
    ),
    (
        "content/data/dataset.yaml",
        include_str!("init/providers/content/data/dataset.yaml"),
    ),
    (
        "content/data/matrix.yaml",
        include_str!("init/providers/content/data/matrix.yaml"),
    ),
];

/// An organisation-internal handbook with four parties.
const PLATFORM: &[(&str, &str)] = &[
    ("srm-docs.toml", include_str!("init/platform/srm-docs.toml")),
    (
        "content/articles/how-we-split-the-work.md",
        include_str!("init/platform/content/articles/how-we-split-the-work.md"),
    ),
    (
        "content/data/parties.yaml",
        include_str!("init/platform/content/data/parties.yaml"),
    ),
    (
        "content/data/dataset.yaml",
        include_str!("init/platform/content/data/dataset.yaml"),
    ),
];

const SMALL: &[(&str, &str)] = &[
    (
        "srm-docs.toml",
        "title = \"Our cloud responsibility notes\"\ndescription = \"Who secures what in our cloud estate.\"\nbase_url = \"https://kb.example.com/\"\nlanguage = \"en\"\n\n[highlight]\nlight_theme = \"InspiredGitHub\"\ndark_theme = \"base16-ocean.dark\"\n",
    ),
    (
        "content/articles/welcome.md",
        "---\ntitle: Welcome\ndate: 2026-01-01\nsummary: What this knowledge base is for.\ntags: [fundamentals]\nweight: 10\nservices: [ec2]\ncontrols: [guest-os]\n---\n\nThe provider secures the cloud itself; we secure what we put [in it](control:guest-os).\nOn [EC2](service:ec2) that starts with the guest operating system.\n\n## Next steps\n\nRead [how to write articles](writing.md), then add services to `content/data/`.\n",
    ),
    (
        "content/articles/writing.md",
        "---\ntitle: Writing articles\ndate: 2026-01-02\nsummary: Front matter, links and code samples.\ntags: [howto]\nweight: 20\n---\n\nArticles are Markdown with YAML front matter. Link to dataset pages with a scheme,\nfor example [the patching walkthrough](scenario:unpatched-instance), and to other\narticles with a relative link such as [the welcome page](welcome.md#next-steps).\n\n```bash\naws ssm describe-instance-patch-states --instance-ids i-0123456789abcdef0\n```\n",
    ),
    (
        "content/data/dataset.yaml",
        "sources:\n  - id: team-notes\n    title: Team notes\n    author: Platform team\n\ncategories:\n  - id: infrastructure\n    label: Infrastructure services\n    aliases: [IaaS]\n    rank: 1\n    summary: The provider runs the hardware and hypervisor; we run the guest OS and up.\n  - id: abstracted\n    label: Abstracted services\n    aliases: [SaaS]\n    rank: 3\n    summary: The provider runs the platform; we keep data, access and keys.\n\nservices:\n  - id: ec2\n    name: Amazon EC2\n    aliases: [EC2]\n    category: infrastructure\n    summary: Virtual machines whose operating system we manage.\n\ncontrols:\n  - id: hardware\n    title: Hardware lifecycle\n    layer: facility\n    description: Servers and disks in the provider's data centres.\n  - id: guest-os\n    title: Guest OS patching\n    layer: platform\n    description: Keeping the operating system of a workload patched and hardened.\n\nmatrix:\n  - control: hardware\n    default: {all: aws}\n  - control: guest-os\n    default: {infrastructure: customer, abstracted: aws}\n\nscenarios:\n  - id: unpatched-instance\n    title: Unpatched instance\n    question: An attacker uses an OS flaw on an EC2 instance. Who had to patch it?\n    steps:\n      - EC2 is an [infrastructure](category:infrastructure) service.\n      - There the guest OS is ours.\n    answer: We did.\n    owner: customer\n    services: [ec2]\n    controls: [guest-os]\n    sources: [team-notes]\n",
    ),
];

/// Creates the `small` scaffold in `dir` (see [`init_example`]).
pub fn init(dir: &Path) -> Result<&Path, Error> {
    init_example(dir, "small")
}

/// Creates the scaffold of example `name` in `dir`, which must be new or empty (nothing is
/// ever overwritten, and files of another project are not mixed in). Returns the folder it
/// wrote.
pub fn init_example<'d>(dir: &'d Path, name: &str) -> Result<&'d Path, Error> {
    let Some((_, files)) = EXAMPLES.iter().find(|(n, _)| *n == name) else {
        let names: Vec<&str> = EXAMPLES.iter().map(|(n, _)| *n).collect();
        return Err(Error::Usage(format!(
            "unknown example `{name}` (one of: {})",
            names.join(", ")
        )));
    };
    if let Some(first) = first_entry(dir) {
        return Err(Error::Usage(format!(
            "{} already exists and is not empty (it holds {}); init writes only into a new or \
             empty folder",
            dir.display(),
            first
        )));
    }
    for (path, text) in *files {
        let target = dir.join(path);
        let written = match target.parent() {
            Some(parent) => std::fs::create_dir_all(parent),
            None => Ok(()),
        }
        .and_then(|()| write_new(&target, text));
        written.map_err(|source| Error::Write {
            path: target.clone(),
            source,
        })?;
    }
    Ok(dir)
}

/// The name of one entry of `dir` (a symlink or file at `dir` counts as itself), or `None`
/// when `dir` does not exist or is an empty folder.
fn first_entry(dir: &Path) -> Option<String> {
    let meta = std::fs::symlink_metadata(dir).ok()?;
    if !meta.is_dir() {
        return Some("a file, not a folder".into());
    }
    let mut entries = std::fs::read_dir(dir).ok()?;
    entries.next().map(|e| {
        e.map_or_else(
            |_| "?".into(),
            |e| format!("`{}`", e.file_name().to_string_lossy()),
        )
    })
}

/// Writes `text` to a file that must not exist yet.
fn write_new(path: &Path, text: &str) -> std::io::Result<()> {
    use std::io::Write;
    let mut file = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(path)?;
    file.write_all(text.as_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn writes_into_a_new_or_empty_folder_and_refuses_any_other() {
        let tmp = tempfile::tempdir().unwrap();
        let new = tmp.path().join("new");
        assert!(init(&new).is_ok());
        assert!(new.join("content/data/dataset.yaml").is_file());
        let empty = tmp.path().join("empty");
        std::fs::create_dir(&empty).unwrap();
        assert!(init(&empty).is_ok());
        let notes = tmp.path().join("notes");
        std::fs::create_dir(&notes).unwrap();
        std::fs::write(notes.join("todo.md"), "mine").unwrap();
        let err = init(&notes).unwrap_err();
        assert_eq!(err.exit_code(), 2);
        assert!(err.to_string().contains("(it holds `todo.md`)"), "{err}");
        assert_eq!(
            std::fs::read_to_string(notes.join("todo.md")).unwrap(),
            "mine"
        );
        assert_eq!(std::fs::read_dir(&notes).unwrap().count(), 1);
    }

    #[test]
    fn every_example_is_offered_by_name_and_an_unknown_one_is_refused() {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path().join("handbook");
        assert!(init_example(&dir, "platform").is_ok());
        assert!(dir.join("content/data/parties.yaml").is_file());
        let err = init_example(&tmp.path().join("x"), "huge").unwrap_err();
        assert_eq!(
            err.to_string(),
            "error: unknown example `huge` (one of: small, platform, providers)"
        );
        assert!(!tmp.path().join("x").exists());
    }
}
