//! The demo conference: the NEA ESP National Conference over a
//! pre-conference day and three conference days, built from the public
//! program (`shared/seeds/`), with a deterministic roster of 1,500
//! attendees. It is written as the two CSV files an organizer would import
//! and goes through the same import code.

use app::domain::{CareerFamily, Standard, StateCode};

use crate::import::{self, ATTENDEE_COLUMNS, ImportError, ImportSummary, SESSION_COLUMNS};
use crate::store::Store;

/// The demo's organizer account (`hallpass serve --demo`).
pub const ORGANIZER_EMAIL: &str = "organizer@demo.hallpass.example";
pub const CONFERENCE_NAME: &str = "NEA ESP National Conference";
pub const ATTENDEE_COUNT: usize = 1_500;

/// Conference days on the conference's own clock (US Central, daylight time).
const OFFSET: &str = "-05:00";
const THU: &str = "2027-03-25";
const FRI: &str = "2027-03-26";
const SAT: &str = "2027-03-27";
const SUN: &str = "2027-03-28";

struct Slot {
    day: &'static str,
    starts: &'static str,
    ends: &'static str,
}

const fn slot(day: &'static str, starts: &'static str, ends: &'static str) -> Slot {
    Slot { day, starts, ends }
}

/// Code, title, topic, description, standard, career families, capacity.
type Workshop = (
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    Option<Standard>,
    &'static [CareerFamily],
    Option<u32>,
);

struct Item {
    code: String,
    title: String,
    description: String,
    kind: &'static str,
    topic: &'static str,
    standard: Option<Standard>,
    families: Vec<CareerFamily>,
    room: String,
    slot: Slot,
    capacity: Option<u32>,
    presenter: String,
}

const PRESENTERS: [&str; 12] = [
    "Lisa Connor",
    "Marcus Whitfield",
    "Rosa Delgado",
    "Janell Thomas",
    "Kathleen Parker",
    "Dwayne Okafor",
    "Mei-Ling Chen",
    "Judy Near",
    "Tomás Herrera",
    "Brenda Little Elk",
    "Aaron Goldberg",
    "Shirley Ouellette",
];

fn program() -> Vec<Item> {
    let mut items = Vec::new();
    let mut presenter = PRESENTERS.iter().cycle();
    let mut next_presenter = || {
        presenter
            .next()
            .copied()
            .unwrap_or("NEA ESP Quality staff")
            .to_owned()
    };

    // Pre-conference day.
    items.push(Item {
        code: "PRE-SUTP".into(),
        title: "Stepping Up to the Plate: A Training Guide for Emerging Leaders".into(),
        description: "For members who have stepped forward to lead their local: NEA history and governance \
                      structure; leadership roles and responsibilities; membership recruitment and development."
            .into(),
        kind: "pre-conference",
        topic: "Professional Leadership",
        standard: Some(Standard::Professionalism),
        families: vec![],
        room: "Salon A".into(),
        slot: slot(THU, "09:00", "16:30"),
        capacity: Some(60),
        presenter: next_presenter(),
    });
    items.push(Item {
        code: "PRE-LFT".into(),
        title: "ESP Leaders for Tomorrow: Cohort Day".into(),
        description:
            "The year's twenty Leaders for Tomorrow meet as a learning community on leadership \
                      attitudes, skills and knowledge, drawing on systems thinking."
                .into(),
        kind: "pre-conference",
        topic: "Professional Leadership",
        standard: Some(Standard::Organization),
        families: vec![],
        room: "Salon B".into(),
        slot: slot(THU, "09:00", "16:30"),
        capacity: Some(20),
        presenter: next_presenter(),
    });
    items.push(Item {
        code: "PRE-SOO".into(),
        title: "Supporting Our Own: Starting an ESP Mentoring Program".into(),
        description:
            "A half-day workshop for local teams planning an ESP peer mentoring pilot: the steps, \
                      matching mentors and mentees, and keeping a record of the work."
                .into(),
        kind: "pre-conference",
        topic: "Peer Mentoring & Collaboration",
        standard: Some(Standard::Communication),
        families: vec![],
        room: "Salon C".into(),
        slot: slot(THU, "13:00", "16:30"),
        capacity: Some(40),
        presenter: next_presenter(),
    });

    // General sessions: everyone, no seat limit.
    let general = [
        (
            "GEN-OPEN",
            "Opening General Session: Welcome to the NEA ESP National Conference",
            slot(FRI, "08:30", "10:00"),
        ),
        (
            "GEN-SAT",
            "General Session: ESP of the Year Award",
            slot(SAT, "08:30", "09:30"),
        ),
        (
            "GEN-CLOSE",
            "Closing General Session: Taking It Home to Your Local",
            slot(SUN, "10:30", "12:00"),
        ),
    ];
    for (code, title, s) in general {
        items.push(Item {
            code: code.into(),
            title: title.into(),
            description: "All attendees. Seating is open.".into(),
            kind: "general",
            topic: "Professional Leadership",
            standard: None,
            families: vec![],
            room: "Grand Ballroom".into(),
            slot: s,
            capacity: None,
            presenter: next_presenter(),
        });
    }

    // The eight micro-credential workshops, each offered twice, as three-hour
    // blocks that overlap two ordinary slots.
    for (i, standard) in Standard::ALL.into_iter().enumerate() {
        for (run, s) in [
            (1, slot(FRI, "13:30", "17:00")),
            (2, slot(SAT, "13:00", "16:30")),
        ] {
            items.push(Item {
                code: format!("MC-{}-{run}", short(standard.as_str())),
                title: format!("ESP Growth Continuum Micro-credential: {standard}"),
                description: format!(
                    "Use the ESP Universal Standards and Levels of Practice to reflect on your practice in \
                     {standard} and start the roughly 15 hours of work toward this micro-credential."
                ),
                kind: "workshop",
                topic: "ESP Professional Growth Continuum",
                standard: Some(standard),
                families: vec![],
                room: format!("Room {}", 301 + i),
                slot: s,
                capacity: Some(if i % 3 == 0 { 24 } else { 40 }),
                presenter: next_presenter(),
            });
        }
    }

    // "Getting Educated" per career family, offered twice.
    let regular_slots = [
        slot(FRI, "10:30", "12:00"),
        slot(FRI, "13:30", "15:00"),
        slot(FRI, "15:30", "17:00"),
        slot(SAT, "10:00", "11:30"),
        slot(SAT, "13:00", "14:30"),
        slot(SAT, "15:00", "16:30"),
        slot(SUN, "08:30", "10:00"),
    ];
    for (i, family) in CareerFamily::ALL.into_iter().enumerate() {
        for run in 0..2 {
            let s = &regular_slots[(i + run * 4) % regular_slots.len()];
            items.push(Item {
                code: format!("GE-{}-{}", short(family.as_str()), run + 1),
                title: format!("Getting Educated: {family} Professionals"),
                description: format!(
                    "What privatization means for {} and how to make the case for in-house services.",
                    family.as_str().to_lowercase()
                ),
                kind: "workshop",
                topic: "Professional Leadership",
                standard: Some(Standard::Reporting),
                families: vec![family],
                room: format!("Room {}", 201 + i),
                slot: slot(s.day, s.starts, s.ends),
                capacity: Some(50),
                presenter: next_presenter(),
            });
        }
    }

    // Mentoring circles per career family: small, on purpose.
    for (i, family) in CareerFamily::ALL.into_iter().enumerate() {
        let s = &regular_slots[(i + 2) % regular_slots.len()];
        items.push(Item {
            code: format!("MCIR-{}", short(family.as_str())),
            title: format!("Mentoring Circle: {family}"),
            description:
                "Supporting Our Own: experienced and newer colleagues from the same career family \
                          meet in a small circle. Bring a question from your work."
                    .into(),
            kind: "mentoring-circle",
            topic: "Peer Mentoring & Collaboration",
            standard: Some(Standard::Professionalism),
            families: vec![family],
            room: format!("Boardroom {}", i % 3 + 1),
            slot: slot(s.day, s.starts, s.ends),
            capacity: Some(if i % 2 == 0 { 12 } else { 8 }),
            presenter: next_presenter(),
        });
    }

    // The rest of the program.
    let workshops: [Workshop; 14] = [
        (
            "SOO-101",
            "Supporting Our Own: ESP Mentoring",
            "Peer Mentoring & Collaboration",
            "What mentoring is, what it is not, and the steps to a successful program.",
            Some(Standard::Communication),
            &[],
            Some(60),
        ),
        (
            "BWT-101",
            "Building Winning Teams within the School Community",
            "Positive School Environments",
            "Communication and collaboration among all members of the school community.",
            Some(Standard::Communication),
            &[],
            Some(45),
        ),
        (
            "BP-101",
            "Beat Privatization: A Step-by-Step Crisis Action Plan",
            "Professional Leadership",
            "When the district is already considering contracting out: organize an Offensive Action Plan now.",
            Some(Standard::Organization),
            &[],
            Some(50),
        ),
        (
            "BP-102",
            "An Organizer's Checklist",
            "Professional Leadership",
            "Turning a privatization threat into an organizing campaign, week by week.",
            Some(Standard::Organization),
            &[],
            Some(30),
        ),
        (
            "BP-103",
            "Taking Charge: Action Tools to Assist with Your Efforts",
            "Professional Leadership",
            "Petitions, media, school-board testimony: tools that work.",
            Some(Standard::Reporting),
            &[],
            Some(30),
        ),
        (
            "BP-104",
            "A Call to Action",
            "Family & Community Engagement",
            "Bringing parents and community allies into the fight for public school services.",
            Some(Standard::Communication),
            &[],
            Some(40),
        ),
        (
            "CERT-101",
            "ESP Certification at the State Level",
            "ESP Professional Growth Continuum",
            "How states recognize ESP professional growth, and how to start it in yours.",
            Some(Standard::Professionalism),
            &[],
            Some(35),
        ),
        (
            "LFT-101",
            "ESP Leaders for Tomorrow: Is It for You?",
            "Professional Leadership",
            "Meet alumni of the program and learn how the twenty members of each cohort are chosen.",
            Some(Standard::Professionalism),
            &[],
            Some(20),
        ),
        (
            "FCE-101",
            "Family & Community Engagement from the Front Office",
            "Family & Community Engagement",
            "The school secretary is the first voice families hear.",
            Some(Standard::CulturalCompetence),
            &[CareerFamily::Clerical],
            Some(35),
        ),
        (
            "FCE-102",
            "At the Bus Stop: Building Trust with Families",
            "Family & Community Engagement",
            "Drivers and families: communication that keeps children safe.",
            Some(Standard::CulturalCompetence),
            &[CareerFamily::Transportation],
            Some(35),
        ),
        (
            "PSE-101",
            "De-escalation for Every ESP",
            "Positive School Environments",
            "Practical de-escalation for hallways, cafeterias and buses.",
            Some(Standard::HealthAndSafety),
            &[
                CareerFamily::Security,
                CareerFamily::Paraeducators,
                CareerFamily::Transportation,
            ],
            Some(8),
        ),
        (
            "PSE-102",
            "Healthy Schools: Infection Control and Safe Chemicals",
            "Positive School Environments",
            "For custodians, nurses and food-service staff.",
            Some(Standard::HealthAndSafety),
            &[
                CareerFamily::CustodialMaintenance,
                CareerFamily::HealthStudentServices,
                CareerFamily::FoodServices,
            ],
            Some(40),
        ),
        (
            "AL-101",
            "How Adults Learn: Leading Trainings in Your Local",
            "Adult Learning",
            "Design a training your colleagues will remember.",
            Some(Standard::Communication),
            &[],
            Some(30),
        ),
        (
            "TECH-101",
            "Student Data Privacy for Technical Staff",
            "ESP Professional Growth Continuum",
            "Keeping student records safe across the systems you run.",
            Some(Standard::Technology),
            &[CareerFamily::Technical, CareerFamily::Clerical],
            Some(30),
        ),
    ];
    for (i, (code, title, topic, description, standard, families, capacity)) in
        workshops.into_iter().enumerate()
    {
        let s = &regular_slots[i % regular_slots.len()];
        items.push(Item {
            code: code.into(),
            title: title.into(),
            description: description.into(),
            kind: "workshop",
            topic,
            standard,
            families: families.to_vec(),
            room: format!("Room {}", 210 + i),
            slot: slot(s.day, s.starts, s.ends),
            capacity,
            presenter: next_presenter(),
        });
    }
    items
}

/// `Health and Safety` → `HEALTH`: a code fragment from a name.
fn short(name: &str) -> String {
    name.split_whitespace()
        .next()
        .unwrap_or(name)
        .to_ascii_uppercase()
}

pub fn sessions_csv() -> String {
    let mut out = csv::Writer::from_writer(Vec::new());
    let _ = out.write_record(SESSION_COLUMNS);
    for item in program() {
        let families = item
            .families
            .iter()
            .map(|f| f.as_str())
            .collect::<Vec<_>>()
            .join(";");
        let _ = out.write_record([
            item.code.as_str(),
            item.title.as_str(),
            item.description.as_str(),
            item.kind,
            item.topic,
            item.standard.map(|s| s.as_str()).unwrap_or(""),
            families.as_str(),
            item.room.as_str(),
            &format!("{}T{}:00{OFFSET}", item.slot.day, item.slot.starts),
            &format!("{}T{}:00{OFFSET}", item.slot.day, item.slot.ends),
            &item.capacity.map(|c| c.to_string()).unwrap_or_default(),
            item.presenter.as_str(),
        ]);
    }
    String::from_utf8(out.into_inner().unwrap_or_default()).unwrap_or_default()
}

/// A small deterministic generator (xorshift64*), so that every demo
/// database has the same roster and the same sample credentials.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[(self.next() % items.len() as u64) as usize]
    }
}

const FIRST_NAMES: [&str; 40] = [
    "Maria",
    "James",
    "Linda",
    "Robert",
    "Patricia",
    "Michael",
    "Barbara",
    "David",
    "Jennifer",
    "William",
    "Elizabeth",
    "José",
    "Guadalupe",
    "Keisha",
    "DeShawn",
    "Nguyen",
    "Mei",
    "Aaliyah",
    "Zoë",
    "Renée",
    "François",
    "Darnell",
    "Tamika",
    "Ana",
    "Luis",
    "Carmen",
    "Hoang",
    "Fatima",
    "Omar",
    "Brenda",
    "Sharon",
    "Terrence",
    "Yolanda",
    "Curtis",
    "Rosa",
    "Dolores",
    "Earl",
    "Wanda",
    "Harold",
    "Jolene",
];

const LAST_NAMES: [&str; 40] = [
    "Johnson",
    "Williams",
    "Brown",
    "Jones",
    "García",
    "Miller",
    "Davis",
    "Rodríguez",
    "Martínez",
    "Hernández",
    "López",
    "Gonzalez",
    "Wilson",
    "Anderson",
    "Thomas",
    "Taylor",
    "Moore",
    "Jackson",
    "Martin",
    "Lee",
    "Pérez",
    "Thompson",
    "White",
    "Harris",
    "Sánchez",
    "Clark",
    "Ramírez",
    "Lewis",
    "Robinson",
    "Walker",
    "O'Brien",
    "Nguyen",
    "Tran",
    "Begay",
    "Yazzie",
    "Kowalski",
    "Schmidt",
    "Novak",
    "Okafor",
    "Washington",
];

/// No 0/O or 1/I: badge codes get read aloud and typed.
const CODE_ALPHABET: &[u8] = b"23456789ABCDEFGHJKLMNPQRSTUVWXYZ";

pub fn attendees_csv() -> String {
    roster_csv(ATTENDEE_COUNT)
}

/// A deterministic roster of `count` attendees (the demo's first
/// `ATTENDEE_COUNT`, or more for benchmarks).
pub fn roster_csv(count: usize) -> String {
    let states: Vec<StateCode> = StateCode::all().collect();
    let mut rng = Rng(0x5EED_E5B0_2027_0325);
    let mut out = csv::Writer::from_writer(Vec::new());
    let _ = out.write_record(ATTENDEE_COLUMNS);
    for n in 0..count {
        let first = rng.pick(&FIRST_NAMES).to_string();
        let last = rng.pick(&LAST_NAMES).to_string();
        // Codes are unique by construction: the serial number is part of them.
        let random: String = (0..4).map(|_| *rng.pick(CODE_ALPHABET) as char).collect();
        let badge = format!("ESP-{random}{n:04}");
        // Every state and DC is represented: the first 51 attendees cover them.
        let state = if n < states.len() {
            states[n]
        } else {
            *rng.pick(&states)
        };
        let family = CareerFamily::ALL[n % CareerFamily::ALL.len()];
        let role = match rng.next() % 50 {
            0..=4 => "mentor",
            5 => "presenter",
            _ => "attendee",
        };
        let email = if n % 7 == 0 {
            String::new()
        } else {
            format!(
                "{}.{}{n}@example.org",
                ascii_fold(&first),
                ascii_fold(&last)
            )
        };
        let local = format!("{} ESP Local {}", state.name(), 1 + rng.next() % 40);
        let _ = out.write_record([
            badge.as_str(),
            first.as_str(),
            last.as_str(),
            email.as_str(),
            state.code(),
            local.as_str(),
            family.as_str(),
            role,
        ]);
    }
    String::from_utf8(out.into_inner().unwrap_or_default()).unwrap_or_default()
}

/// Email-safe lower-case form of a demo name.
fn ascii_fold(name: &str) -> String {
    name.chars()
        .filter_map(|c| match c {
            'á' | 'à' => Some('a'),
            'é' | 'ë' => Some('e'),
            'í' => Some('i'),
            'ó' => Some('o'),
            'ç' => Some('c'),
            c if c.is_ascii_alphabetic() => Some(c.to_ascii_lowercase()),
            _ => None,
        })
        .collect()
}

pub struct DemoLoaded {
    pub sessions: ImportSummary,
    pub attendees: ImportSummary,
}

/// Loads the demo conference through the import code.
pub async fn load(store: &Store) -> Result<DemoLoaded, ImportError> {
    let sessions = import::import_sessions(store, sessions_csv().as_bytes()).await?;
    let attendees = import::import_attendees(store, attendees_csv().as_bytes()).await?;
    Ok(DemoLoaded {
        sessions,
        attendees,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn the_demo_program_is_a_valid_import_of_at_least_sixty_sessions() {
        let sessions = import::parse_sessions(sessions_csv().as_bytes()).unwrap();
        assert!(sessions.len() >= 60, "{} sessions", sessions.len());
        let kinds: HashSet<_> = sessions.iter().map(|s| s.kind).collect();
        assert_eq!(kinds.len(), 4, "every kind of session appears");
        let days: HashSet<_> = sessions.iter().map(|s| s.slot.day()).collect();
        assert_eq!(days.len(), 4, "pre-conference day plus three days");
        for standard in Standard::ALL {
            assert!(
                sessions
                    .iter()
                    .any(|s| s.standard == Some(standard) && s.title.contains("Micro-credential"))
            );
        }
        for family in CareerFamily::ALL {
            assert!(
                sessions
                    .iter()
                    .any(|s| s.title.starts_with("Getting Educated")
                        && s.career_families == [family])
            );
        }
        assert!(sessions.iter().any(|s| s.capacity.as_option().is_none()));
        assert!(
            sessions
                .iter()
                .any(|s| s.capacity.as_option().is_some_and(|c| c <= 12))
        );
        let overlapping = sessions.iter().any(|a| {
            sessions.iter().any(|b| {
                a.code != b.code && a.slot.starts() != b.slot.starts() && a.slot.overlaps(&b.slot)
            })
        });
        assert!(
            overlapping,
            "some sessions overlap without starting together"
        );
        for title in [
            "Stepping Up to the Plate",
            "ESP Leaders for Tomorrow",
            "Beat Privatization",
            "Supporting Our Own: ESP Mentoring",
            "Building Winning Teams",
        ] {
            assert!(sessions.iter().any(|s| s.title.contains(title)), "{title}");
        }
    }

    #[test]
    fn rooms_are_never_double_booked() {
        let sessions = import::parse_sessions(sessions_csv().as_bytes()).unwrap();
        for a in &sessions {
            for b in &sessions {
                if a.code != b.code && a.room == b.room {
                    assert!(
                        !a.slot.overlaps(&b.slot),
                        "{} and {} share {}",
                        a.code,
                        b.code,
                        a.room
                    );
                }
            }
        }
    }

    #[test]
    fn the_demo_roster_is_deterministic_and_covers_every_state_and_family() {
        assert_eq!(attendees_csv(), attendees_csv());
        let attendees = import::parse_attendees(attendees_csv().as_bytes()).unwrap();
        assert_eq!(attendees.len(), ATTENDEE_COUNT);
        let states: HashSet<_> = attendees.iter().map(|a| a.state).collect();
        assert_eq!(states.len(), 51);
        let families: HashSet<_> = attendees.iter().map(|a| a.career_family).collect();
        assert_eq!(families.len(), 9);
    }
}
