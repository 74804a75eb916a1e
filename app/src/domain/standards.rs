//! The eight ESP Universal Standards. A micro-credential is about 15 hours of
//! work on one of them, which is why hours are always counted per standard.

use std::fmt;

/// One of the eight ESP Universal Standards, spelled as NEA spells them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Standard {
    Communication,
    CulturalCompetence,
    Ethics,
    HealthAndSafety,
    Organization,
    Professionalism,
    Reporting,
    Technology,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("“{0}” is not one of the eight ESP Universal Standards ({list})", list = Standard::names().join(", "))]
pub struct UnknownStandard(pub String);

impl Standard {
    pub const ALL: [Standard; 8] = [
        Standard::Communication,
        Standard::CulturalCompetence,
        Standard::Ethics,
        Standard::HealthAndSafety,
        Standard::Organization,
        Standard::Professionalism,
        Standard::Reporting,
        Standard::Technology,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Standard::Communication => "Communication",
            Standard::CulturalCompetence => "Cultural Competence",
            Standard::Ethics => "Ethics",
            Standard::HealthAndSafety => "Health and Safety",
            Standard::Organization => "Organization",
            Standard::Professionalism => "Professionalism",
            Standard::Reporting => "Reporting",
            Standard::Technology => "Technology",
        }
    }

    pub fn names() -> Vec<&'static str> {
        Self::ALL.iter().map(|s| s.as_str()).collect()
    }

    /// Accepts the spelling of spec §2, ignoring case and surrounding space.
    pub fn parse(text: &str) -> Result<Self, UnknownStandard> {
        let wanted = text.trim();
        Self::ALL
            .into_iter()
            .find(|s| s.as_str().eq_ignore_ascii_case(wanted))
            .ok_or_else(|| UnknownStandard(wanted.to_owned()))
    }
}

impl fmt::Display for Standard {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_standard_round_trips_through_its_name() {
        for s in Standard::ALL {
            assert_eq!(Standard::parse(s.as_str()), Ok(s));
        }
    }

    #[test]
    fn parsing_ignores_case_and_padding() {
        assert_eq!(
            Standard::parse("  health and safety "),
            Ok(Standard::HealthAndSafety)
        );
    }

    #[test]
    fn unknown_standards_are_rejected_with_the_list() {
        let err = Standard::parse("Punctuality").unwrap_err();
        assert!(err.to_string().contains("Punctuality"));
        assert!(err.to_string().contains("Cultural Competence"));
        assert!(Standard::parse("").is_err());
    }
}
