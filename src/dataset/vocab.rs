//! The closed vocabularies of the dataset (a service's kind, compute and status, a control's
//! layer, a cell's default state): each an enum parsed once at load, so later stages match on
//! variants instead of comparing strings. Each value serialises as the word written in YAML,
//! so templates and exports see exactly what they saw when these fields were strings.

use crate::diagnostics::did_you_mean;
use serde::{Serialize, Serializer};
use std::fmt;

/// A word outside a field's vocabulary: the message and did-you-mean hint to report at it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct UnknownWord {
    /// `{field} `{word}` must be one of: …`.
    pub message: String,
    /// `did you mean `…`?` when a word is close.
    pub help: Option<String>,
}

impl UnknownWord {
    /// The error for `word` in `field`, which accepts only `allowed`.
    pub(crate) fn new(field: &str, word: &str, allowed: &[&str]) -> Self {
        UnknownWord {
            message: format!("{field} `{word}` must be one of: {}", allowed.join(", ")),
            help: did_you_mean(word, allowed.iter().copied()),
        }
    }
}

/// A closed set of words one dataset field accepts.
pub(crate) trait Vocabulary: Copy + Sized + 'static {
    /// Every value, in the order messages list them.
    const ALL: &'static [Self];
    /// The field's name in messages (`layer`, `kind`, …).
    const FIELD: &'static str;

    /// The word as written in YAML.
    fn word(self) -> &'static str;

    /// Parses one word, or says which words are allowed.
    fn parse(word: &str) -> Result<Self, UnknownWord> {
        Self::ALL
            .iter()
            .copied()
            .find(|v| v.word() == word)
            .ok_or_else(|| {
                let allowed: Vec<&str> = Self::ALL.iter().map(|v| v.word()).collect();
                UnknownWord::new(Self::FIELD, word, &allowed)
            })
    }
}

/// Declares a vocabulary enum: its variants and words, `id()`, `Display` and `Serialize` as
/// the word.
macro_rules! vocabulary {
    (
        $(#[$doc:meta])*
        $name:ident, field $field:literal {
            $($(#[$vdoc:meta])* $variant:ident = $word:literal,)+
        }
    ) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub(crate) enum $name {
            $($(#[$vdoc])* $variant,)+
        }

        impl $name {
            /// The word as written in YAML, shown in pages and exports.
            pub(crate) fn id(self) -> &'static str {
                match self {
                    $($name::$variant => $word,)+
                }
            }
        }

        impl Vocabulary for $name {
            const ALL: &'static [Self] = &[$($name::$variant,)+];
            const FIELD: &'static str = $field;
            fn word(self) -> &'static str {
                self.id()
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.id())
            }
        }

        impl Serialize for $name {
            fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_str(self.id())
            }
        }
    };
}

vocabulary! {
    /// A layer of the responsibility stack; [`Vocabulary::ALL`] lists them bottom-up.
    Layer, field "layer" {
        /// Buildings, power, hardware.
        Facility = "facility",
        /// The hypervisor and host.
        Virtualization = "virtualization",
        /// Guest OS, runtimes, managed engines.
        Platform = "platform",
        /// Network configuration and traffic.
        Network = "network",
        /// Identity and access.
        Identity = "identity",
        /// Patching, backups, monitoring.
        Operations = "operations",
        /// The customer's application.
        Application = "application",
        /// The customer's data.
        Data = "data",
    }
}

vocabulary! {
    /// What a service is for.
    #[derive(Default)]
    ServiceKind, field "kind" {
        /// Runs or stores the customer's workload (the default).
        #[default]
        Workload = "workload",
        /// Helps secure other services.
        SecurityTool = "security-tool",
        /// Helps operate other services.
        ManagementTool = "management-tool",
        /// Gives access to compliance reports.
        CompliancePortal = "compliance-portal",
    }
}

vocabulary! {
    /// Where a service's code runs.
    Compute, field "compute" {
        /// Dedicated hardware.
        BareMetal = "bare-metal",
        /// A virtual machine.
        VirtualMachine = "virtual-machine",
        /// A container.
        Container = "container",
        /// A function.
        Function = "function",
    }
}

vocabulary! {
    /// Whether a service is still offered.
    #[derive(Default)]
    Status, field "status" {
        /// Offered (the default).
        #[default]
        Active = "active",
        /// No longer offered; kept for reference and ignored when deriving "varies".
        Retired = "retired",
    }
}

vocabulary! {
    /// The part a party plays in the dataset.
    #[derive(Default)]
    Role, field "role" {
        /// The cloud provider (the first party, unless one is named).
        Provider = "provider",
        /// The customer (the second party, unless one is named).
        Customer = "customer",
        /// Not a party but the state of a control both hold; its cells say what each does.
        Shared = "shared",
        /// Any other party, such as a platform team (the default).
        #[default]
        Party = "party",
    }
}

vocabulary! {
    /// Whether the provider switches a control on by default.
    DefaultState, field "default_state" {
        /// On unless the customer turns it off.
        Enabled = "enabled",
        /// Off unless the customer turns it on.
        Disabled = "disabled",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_word_parses_back_to_its_value() {
        for l in Layer::ALL {
            assert_eq!(Layer::parse(l.id()), Ok(*l));
        }
        assert_eq!(
            ServiceKind::parse("security-tool"),
            Ok(ServiceKind::SecurityTool)
        );
        assert_eq!(Compute::parse("bare-metal"), Ok(Compute::BareMetal));
        assert_eq!(Status::parse("retired"), Ok(Status::Retired));
        assert_eq!(DefaultState::parse("enabled"), Ok(DefaultState::Enabled));
    }

    #[test]
    fn an_unknown_word_lists_the_allowed_ones_with_a_hint() {
        let e = Layer::parse("netwrok").unwrap_err();
        assert_eq!(
            e.message,
            "layer `netwrok` must be one of: facility, virtualization, platform, network, identity, operations, application, data"
        );
        assert_eq!(e.help.as_deref(), Some("did you mean `network`?"));
        let e = Status::parse("gone").unwrap_err();
        assert_eq!(e.message, "status `gone` must be one of: active, retired");
        assert_eq!(e.help, None);
    }

    #[test]
    fn words_are_case_sensitive() {
        let e = ServiceKind::parse("Workload").unwrap_err();
        assert_eq!(
            e.message,
            "kind `Workload` must be one of: workload, security-tool, management-tool, compliance-portal"
        );
        assert_eq!(e.help.as_deref(), Some("did you mean `workload`?"));
    }

    #[test]
    fn values_serialise_as_their_words() {
        let v = serde_json::to_value([Compute::VirtualMachine]).unwrap();
        assert_eq!(v, serde_json::json!(["virtual-machine"]));
        assert_eq!(DefaultState::Disabled.to_string(), "disabled");
    }
}
