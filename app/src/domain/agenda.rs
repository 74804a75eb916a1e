//! The attendee's own registrations as the phone shows them: what the
//! server last said, with the changes still waiting in the outbox laid on
//! top, so a tap shows at once and survives until the server's verdict.

use super::ids::{RegistrationId, SessionId};
use super::ops::Operation;
use super::registration::{Placement, Status};

/// A registration as the server last reported it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Known {
    pub id: RegistrationId,
    pub session_id: SessionId,
    pub status: Status,
    pub position: Option<u32>,
}

/// Where one of my registrations stands, as far as this device knows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Standing {
    Confirmed,
    Waitlisted {
        position: Option<u32>,
    },
    /// Queued on this device; `expected` is the verdict the last-known
    /// seat counts point to. The server decides.
    Pending {
        expected: Placement,
    },
    /// A cancellation is queued on this device.
    Cancelling,
}

impl Standing {
    /// Whether it holds a place in my day (for time conflicts).
    pub fn holds_place(self) -> bool {
        !matches!(self, Standing::Cancelling)
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Mine {
    pub id: RegistrationId,
    pub session_id: SessionId,
    pub standing: Standing,
}

/// Lays the queued operations (oldest first) over the known registrations.
/// `expect` gives the likely placement in a session from last-known counts.
pub fn overlay(
    known: &[Known],
    queued: &[Operation],
    expect: impl Fn(&SessionId) -> Placement,
) -> Vec<Mine> {
    let mut mine: Vec<Mine> = known
        .iter()
        .filter_map(|k| {
            let standing = match k.status {
                Status::Confirmed => Standing::Confirmed,
                Status::Waitlisted => Standing::Waitlisted {
                    position: k.position,
                },
                Status::Cancelled => return None,
            };
            Some(Mine {
                id: k.id.clone(),
                session_id: k.session_id.clone(),
                standing,
            })
        })
        .collect();
    for op in queued {
        match op {
            Operation::RegistrationCreate {
                registration_id,
                session_id,
            } if !mine.iter().any(|m| &m.id == registration_id) => {
                mine.push(Mine {
                    id: registration_id.clone(),
                    session_id: session_id.clone(),
                    standing: Standing::Pending {
                        expected: expect(session_id),
                    },
                });
            }
            Operation::RegistrationCancel { registration_id } => {
                if let Some(m) = mine.iter_mut().find(|m| &m.id == registration_id) {
                    m.standing = Standing::Cancelling;
                }
            }
            // Kiosks' and the mentoring log's business, not the agenda's.
            _ => {}
        }
    }
    mine
}

/// My active registration for a session, if any: the one that is not being
/// cancelled, else the latest.
pub fn for_session<'a>(mine: &'a [Mine], session_id: &SessionId) -> Option<&'a Mine> {
    let mut found = mine.iter().filter(|m| &m.session_id == session_id);
    let all: Vec<&Mine> = found.by_ref().collect();
    all.iter()
        .rev()
        .find(|m| m.standing.holds_place())
        .or(all.last())
        .copied()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rid(n: u32) -> RegistrationId {
        RegistrationId::parse(&format!("00000000-0000-4000-8000-{n:012}")).unwrap()
    }

    fn sid(s: &str) -> SessionId {
        SessionId::parse(s).unwrap()
    }

    #[test]
    fn queued_changes_show_over_what_the_server_said() {
        let known = vec![
            Known {
                id: rid(1),
                session_id: sid("1"),
                status: Status::Confirmed,
                position: None,
            },
            Known {
                id: rid(2),
                session_id: sid("2"),
                status: Status::Waitlisted,
                position: Some(3),
            },
            Known {
                id: rid(3),
                session_id: sid("3"),
                status: Status::Cancelled,
                position: None,
            },
        ];
        let queued = vec![
            Operation::RegistrationCancel {
                registration_id: rid(1),
            },
            Operation::RegistrationCreate {
                registration_id: rid(4),
                session_id: sid("3"),
            },
        ];

        let mine = overlay(&known, &queued, |_| Placement::Waitlisted);

        let standings: Vec<(String, Standing)> = mine
            .iter()
            .map(|m| (m.session_id.to_string(), m.standing))
            .collect();
        assert_eq!(
            standings,
            vec![
                ("1".into(), Standing::Cancelling),
                ("2".into(), Standing::Waitlisted { position: Some(3) }),
                (
                    "3".into(),
                    Standing::Pending {
                        expected: Placement::Waitlisted
                    }
                ),
            ]
        );
    }

    #[test]
    fn a_new_registration_after_a_queued_cancel_is_the_one_shown() {
        let known = vec![Known {
            id: rid(1),
            session_id: sid("1"),
            status: Status::Confirmed,
            position: None,
        }];
        let queued = vec![
            Operation::RegistrationCancel {
                registration_id: rid(1),
            },
            Operation::RegistrationCreate {
                registration_id: rid(2),
                session_id: sid("1"),
            },
        ];
        let mine = overlay(&known, &queued, |_| Placement::Confirmed);
        assert_eq!(
            for_session(&mine, &sid("1")).map(|m| m.id.clone()),
            Some(rid(2))
        );
        assert_eq!(for_session(&mine, &sid("9")), None);
    }
}
