//! `srm-docs init DIR`: scaffolds a small site that `build` accepts as is — a config, two
//! articles and a minimal dataset with one service, two controls and one scenario.

use std::path::Path;

const FILES: &[(&str, &str)] = &[
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

/// Creates the scaffold; refuses to overwrite existing files. Says what it did unless
/// `--quiet`. Returns the exit code.
pub fn run(dir: &Path, verbosity: crate::term::Verbosity) -> i32 {
    for (path, _) in FILES {
        if dir.join(path).exists() {
            eprintln!(
                "error: {} already exists; init writes only into a new or empty site",
                dir.join(path).display()
            );
            return 2;
        }
    }
    for (path, text) in FILES {
        let target = dir.join(path);
        if let Some(parent) = target.parent() {
            if let Err(e) = std::fs::create_dir_all(parent) {
                eprintln!("error: cannot create {}: {e}", parent.display());
                return 2;
            }
        }
        if let Err(e) = std::fs::write(&target, text) {
            eprintln!("error: cannot write {}: {e}", target.display());
            return 2;
        }
    }
    if verbosity != crate::term::Verbosity::Quiet {
        println!(
            "created a site in {}; next: srm-docs build --root {}",
            dir.display(),
            dir.display()
        );
    }
    0
}
