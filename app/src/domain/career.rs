//! The nine ESP career families.

use std::fmt;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum CareerFamily {
    Clerical,
    CustodialMaintenance,
    FoodServices,
    HealthStudentServices,
    Paraeducators,
    Security,
    SkilledTrades,
    Technical,
    Transportation,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("“{0}” is not one of the nine ESP career families ({list})", list = CareerFamily::names().join(", "))]
pub struct UnknownCareerFamily(pub String);

impl CareerFamily {
    pub const ALL: [CareerFamily; 9] = [
        CareerFamily::Clerical,
        CareerFamily::CustodialMaintenance,
        CareerFamily::FoodServices,
        CareerFamily::HealthStudentServices,
        CareerFamily::Paraeducators,
        CareerFamily::Security,
        CareerFamily::SkilledTrades,
        CareerFamily::Technical,
        CareerFamily::Transportation,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            CareerFamily::Clerical => "Clerical services",
            CareerFamily::CustodialMaintenance => "Custodial and maintenance services",
            CareerFamily::FoodServices => "Food services",
            CareerFamily::HealthStudentServices => "Health and student services",
            CareerFamily::Paraeducators => "Paraeducators",
            CareerFamily::Security => "Security services",
            CareerFamily::SkilledTrades => "Skilled trades",
            CareerFamily::Technical => "Technical services",
            CareerFamily::Transportation => "Transportation services",
        }
    }

    pub fn names() -> Vec<&'static str> {
        Self::ALL.iter().map(|f| f.as_str()).collect()
    }

    /// Accepts the spelling of spec §2, ignoring case and surrounding space.
    pub fn parse(text: &str) -> Result<Self, UnknownCareerFamily> {
        let wanted = text.trim();
        Self::ALL
            .into_iter()
            .find(|f| f.as_str().eq_ignore_ascii_case(wanted))
            .ok_or_else(|| UnknownCareerFamily(wanted.to_owned()))
    }

    /// Parses the `;`-separated list of the CSV formats; blanks are skipped,
    /// repeats collapse, and the order is the canonical one.
    pub fn parse_list(text: &str) -> Result<Vec<Self>, UnknownCareerFamily> {
        let mut families = text
            .split(';')
            .filter(|part| !part.trim().is_empty())
            .map(Self::parse)
            .collect::<Result<Vec<_>, _>>()?;
        crate::sorting::sort(&mut families);
        families.dedup();
        Ok(families)
    }
}

impl fmt::Display for CareerFamily {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_family_round_trips_through_its_name() {
        for f in CareerFamily::ALL {
            assert_eq!(CareerFamily::parse(f.as_str()), Ok(f));
        }
    }

    #[test]
    fn lists_are_split_on_semicolons_deduplicated_and_ordered() {
        let list =
            CareerFamily::parse_list("Transportation services; paraeducators;;Paraeducators")
                .unwrap();
        assert_eq!(
            list,
            vec![CareerFamily::Paraeducators, CareerFamily::Transportation]
        );
        assert_eq!(CareerFamily::parse_list("  ").unwrap(), vec![]);
    }

    #[test]
    fn an_unknown_family_in_a_list_is_named_in_the_error() {
        let err = CareerFamily::parse_list("Paraeducators;Bus drivers").unwrap_err();
        assert_eq!(err, UnknownCareerFamily("Bus drivers".into()));
    }
}
