//! The sync wire format, version 1 (docs/PROTOCOL.md). These types are what
//! travels; they convert into domain types with `TryFrom` where they are
//! received, so an unchecked value never reaches the rules.

use serde::{Deserialize, Serialize};

use crate::domain::attendee::Role;
use crate::domain::checkin::{AtDoor, CheckinKind};
use crate::domain::mentoring::Activity;
use crate::domain::mentoring::MentoringRole;
use crate::domain::program::Listing;
use crate::domain::registration::Status;
use crate::domain::session::{Capacity, Session, SessionCode, SessionError, Timeslot};
use crate::domain::{CareerFamily, SessionKind, Standard};

pub const PROTOCOL_VERSION: u32 = 1;
pub const PULL_PATH: &str = "/api/v1/sync/pull";
pub const PUSH_PATH: &str = "/api/v1/sync/push";
pub const SIGN_IN_PATH: &str = "/api/v1/auth/attendee";
pub const SIGN_OUT_PATH: &str = "/api/v1/auth/signout";
pub const KIOSK_PAIR_PATH: &str = "/api/v1/auth/kiosk";
/// A push carries at most this many mutations (and 1 MiB).
pub const MAX_PUSH_MUTATIONS: usize = 500;
/// Pull returns the results of this many of the device's latest seqs: a
/// whole batch, so a lost push response is always recovered.
pub const RECENT_RESULTS: u64 = MAX_PUSH_MUTATIONS as u64;
/// Pages larger than this are refused; the default page is smaller.
pub const MAX_PULL_LIMIT: u32 = 5_000;
pub const DEFAULT_PULL_LIMIT: u32 = 1_000;

/// `{"error": {"code": "...", "message": "..."}}`, the shape of every error.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ErrorBody {
    pub error: ErrorDetail,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ErrorDetail {
    pub code: ErrorCode,
    pub message: String,
    /// `seq_gap` only: the seq the server expects next.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expected_seq: Option<u64>,
}

/// The `code` of an error body: stable, for programs to branch on (the
/// message is for people). A code this build does not know reads as
/// `Other`, so an older device still reads a newer server's errors.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ErrorCode {
    BadBy,
    BadCredentials,
    BadCursor,
    BadDay,
    BadDeviceId,
    BadLimit,
    BadMinutes,
    BadName,
    BadPairingCode,
    BadQuery,
    BadSeq,
    BadSession,
    BadSigninCode,
    CrossSite,
    Forbidden,
    Internal,
    InvalidBody,
    InvalidFile,
    InvalidToken,
    MailFailed,
    MailNotConfigured,
    MailRunning,
    Malformed,
    MethodNotAllowed,
    MissingCredentials,
    MissingToken,
    NoEmail,
    NoSuchAttendee,
    NotCsv,
    NotFound,
    NotJson,
    Overloaded,
    PairingCodeExpired,
    PairingCodeUsed,
    RateLimited,
    Revoked,
    SeqGap,
    Timeout,
    TooLarge,
    TooManyMutations,
    UnknownDevice,
    UnknownSession,
    UnsupportedProtocol,
    WrongDevice,
    #[serde(other)]
    Other,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PullResponse {
    pub cursor: String,
    pub more: bool,
    pub reset: bool,
    pub last_seq: u64,
    /// The server database's epoch (also inside the cursor): a device keeps
    /// it to know, when it signs in again, whether this server still holds
    /// what it acknowledged.
    #[serde(default)]
    pub epoch: String,
    pub changes: Vec<Change>,
    pub results: Vec<MutationResult>,
}

/// `POST /api/v1/sync/push`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PushRequest {
    pub protocol: u32,
    pub device_id: String,
    pub mutations: Vec<Mutation>,
    /// How many changes the device holds unsent, for the organizers'
    /// device-health view.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pending: Option<u32>,
}

/// One queued change, as the device numbered it. `args` stays JSON text
/// until [`Operation::parse`](crate::domain::ops::Operation::parse) reads it
/// as the shape its `op` names, so that one mutation the server cannot
/// read is refused alone, not with the batch.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Mutation {
    pub seq: u64,
    pub op: String,
    #[serde(default = "Json::null")]
    pub args: Json,
    /// The device's clock when the change was made: kept, never used to order.
    pub at: String,
}

/// JSON text as it travels, read as a type only where that type is known:
/// a mutation's args (by its `op`), a push's outcome (by the operation),
/// a pulled row (by its `entity`). Two are equal when their text is.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Json(Box<serde_json::value::RawValue>);

impl Json {
    pub fn of<T: Serialize + ?Sized>(value: &T) -> Result<Json, serde_json::Error> {
        serde_json::value::to_raw_value(value).map(Json)
    }

    /// Text already checked to be JSON elsewhere (kept in the database).
    pub fn from_text(text: String) -> Result<Json, serde_json::Error> {
        serde_json::value::RawValue::from_string(text).map(Json)
    }

    pub fn null() -> Json {
        Json(serde_json::value::RawValue::NULL.to_owned())
    }

    /// The text read as `T`.
    pub fn read<T: serde::de::DeserializeOwned>(&self) -> Result<T, serde_json::Error> {
        serde_json::from_str(self.0.get())
    }

    pub fn get(&self) -> &str {
        self.0.get()
    }
}

impl std::ops::Deref for Json {
    type Target = serde_json::value::RawValue;

    fn deref(&self) -> &Self::Target {
        &self.0
    }
}

impl PartialEq for Json {
    fn eq(&self, other: &Self) -> bool {
        self.get() == other.get()
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PushResponse {
    pub last_seq: u64,
    pub results: Vec<MutationResult>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ResultStatus {
    Applied,
    Rejected,
    Duplicate,
}

/// What became of one mutation. A duplicate carries the code, message and
/// outcome of the first time, when the server still has them.
///
/// The outcome's type is the one its operation names
/// ([`RegistrationOutcome`], [`CheckinOutcome`], [`MentoringOutcome`]); it
/// travels as that type's JSON and stays text until the device reads it
/// with [`MutationResult::outcome_as`], as a pulled row does
/// ([`Change::row`]).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MutationResult {
    pub seq: u64,
    pub status: ResultStatus,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub code: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub outcome: Option<Json>,
}

impl MutationResult {
    /// The outcome as `T`, the type its operation names; `None` without an
    /// outcome or with one of another shape.
    pub fn outcome_as<T: serde::de::DeserializeOwned>(&self) -> Option<T> {
        self.outcome.as_ref()?.read().ok()
    }
}

/// The `outcome` of an applied registration mutation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RegistrationOutcome {
    pub status: Status,
    pub position: Option<u32>,
}

/// The `outcome` of an applied `checkin.record`: enough for a kiosk to
/// say "already checked in at 9:02 (Kiosk B)".
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CheckinOutcome {
    pub checkin_id: String,
    pub attendee_id: String,
    /// The first entry of the same person at the same place, when this is
    /// a later one, with its kiosk's time and name.
    pub duplicate_of: Option<String>,
    pub first_at: Option<String>,
    pub first_kiosk: Option<String>,
    /// As [`CheckinData::at_door`].
    pub at_door: Option<AtDoor>,
}

/// The `outcome` of an applied `mentoring.*` operation (docs/PROTOCOL.md):
/// `{entry_id, confirmed}` for a log, an update or a confirmation,
/// `{entry_id, deleted: true}` for a deletion, and a confirmation that
/// waits for its entry says so.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MentoringOutcome {
    pub entry_id: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub confirmed: Option<bool>,
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub deleted: bool,
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub waiting_for_entry: bool,
}

impl MentoringOutcome {
    /// The entry as it stands, confirmed by its partner or not.
    pub fn kept(entry_id: &str, confirmed: bool) -> Self {
        MentoringOutcome {
            entry_id: entry_id.to_owned(),
            confirmed: Some(confirmed),
            deleted: false,
            waiting_for_entry: false,
        }
    }

    pub fn deleted(entry_id: &str) -> Self {
        MentoringOutcome {
            entry_id: entry_id.to_owned(),
            confirmed: None,
            deleted: true,
            waiting_for_entry: false,
        }
    }

    /// A confirmation kept until the entry it confirms arrives.
    pub fn waiting(entry_id: &str) -> Self {
        MentoringOutcome {
            waiting_for_entry: true,
            ..MentoringOutcome::kept(entry_id, false)
        }
    }
}

/// The `data` of a `registration` change.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RegistrationData {
    pub id: String,
    pub attendee_id: String,
    pub session_id: String,
    pub status: Status,
    pub position: Option<u32>,
}

/// The `data` of a `checkin` change.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CheckinData {
    pub id: String,
    pub attendee_id: String,
    /// `None`: the conference itself.
    pub session_id: Option<String>,
    pub kind: CheckinKind,
    /// The kiosk's clock when it recorded the check-in.
    pub at: String,
    pub device_id: String,
    /// The first entry of the same person at the same place, when this is
    /// a later one.
    pub duplicate_of: Option<String>,
    /// The name of the kiosk that recorded it, for "already checked in at
    /// 9:02 (Kiosk B)".
    pub kiosk: Option<String>,
    /// An entry at a session only: what the person's registration said
    /// when it reached the server.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub at_door: Option<AtDoor>,
}

/// The `data` of an `attendee` change. Never carries the email.
/// A mentoring log entry as its author and its partner receive it. `note`
/// is there for the author only; the partner's copy never has it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MentoringEntryData {
    pub id: String,
    pub author_id: String,
    /// "First Last", so the partner's phone can say whose entry it is.
    pub author_name: String,
    pub partner_id: Option<String>,
    pub partner_badge: Option<String>,
    /// The free text given, or the partner's name from the roster.
    pub partner_name: String,
    pub role: MentoringRole,
    pub date: String,
    pub minutes: u16,
    pub activity: Activity,
    pub standards: Vec<Standard>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    pub confirmed_at: Option<String>,
    pub updated_at: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AttendeeData {
    pub id: String,
    pub badge_code: String,
    pub first_name: String,
    pub last_name: String,
    pub state: String,
    pub local: String,
    pub career_family: CareerFamily,
    pub role: Role,
    /// The attendee's own scope only: the QR code of their badge code as
    /// `0`/`1` modules, row after row (a square), for the My badge page.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub badge_qr: Option<String>,
}

/// `POST /api/v1/auth/attendee`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SignInRequest {
    /// From the attendee's sign-in card, email or link; never the badge code.
    pub signin_code: String,
}

/// `POST /api/v1/auth/kiosk`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct KioskPairRequest {
    pub pairing_code: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct KioskPairResponse {
    pub token: String,
    pub device_id: String,
    pub kiosk: KioskData,
    /// As in [`PullResponse::epoch`].
    #[serde(default)]
    pub epoch: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct KioskData {
    pub name: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SignInResponse {
    pub token: String,
    pub device_id: String,
    pub attendee: AttendeeData,
    /// As in [`PullResponse::epoch`].
    #[serde(default)]
    pub epoch: String,
}

/// One entity put or deleted since the client's cursor:
/// `{"op":"put","entity":…,"id":…,"data":{…}}` or
/// `{"op":"del","entity":…,"id":…}`.
///
/// A put's `data` stays JSON text until the receiver, knowing from `entity`
/// which row it is, reads it as that type with [`Change::row`]: one typed
/// decode of the row's text, where a `serde_json::Value` would parse it into
/// a tree and then decode the tree again, with a second decoder per row type
/// in the browser's bundle (BENCHMARKS.md).
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(try_from = "WireChange<'static>")]
pub enum Change {
    Put {
        entity: Entity,
        id: String,
        data: Json,
    },
    Del {
        entity: Entity,
        id: String,
    },
}

impl Change {
    pub fn id(&self) -> &str {
        match self {
            Change::Put { id, .. } | Change::Del { id, .. } => id,
        }
    }

    /// A put's data read as `T`, the row type its entity names; `None` for
    /// a delete or data that is not a `T`.
    pub fn row<T: serde::de::DeserializeOwned>(&self) -> Option<T> {
        match self {
            Change::Put { data, .. } => data.read().ok(),
            Change::Del { .. } => None,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
enum ChangeOp {
    Put,
    Del,
}

/// A change as it travels. Read as a plain struct, not as a tagged enum:
/// serde buffers a tagged enum's fields before choosing its variant, and
/// raw JSON text cannot be read back from that buffer.
#[derive(Serialize, Deserialize)]
struct WireChange<'a> {
    op: ChangeOp,
    entity: Entity,
    id: std::borrow::Cow<'a, str>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    data: Option<std::borrow::Cow<'a, serde_json::value::RawValue>>,
}

impl TryFrom<WireChange<'_>> for Change {
    type Error = &'static str;

    fn try_from(w: WireChange<'_>) -> Result<Self, Self::Error> {
        let id = w.id.into_owned();
        match (w.op, w.data) {
            (ChangeOp::Put, Some(data)) => Ok(Change::Put {
                entity: w.entity,
                id,
                data: Json(data.into_owned()),
            }),
            (ChangeOp::Put, None) => Err("a put carries the row as `data`"),
            (ChangeOp::Del, None) => Ok(Change::Del {
                entity: w.entity,
                id,
            }),
            (ChangeOp::Del, Some(_)) => Err("a delete carries no `data`"),
        }
    }
}

impl Serialize for Change {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let (op, entity, id, data) = match self {
            Change::Put { entity, id, data } => (ChangeOp::Put, *entity, id, Some(data)),
            Change::Del { entity, id } => (ChangeOp::Del, *entity, id, None),
        };
        WireChange {
            op,
            entity,
            id: std::borrow::Cow::Borrowed(id),
            data: data.map(|d| std::borrow::Cow::Borrowed(&**d)),
        }
        .serialize(serializer)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Entity {
    Session,
    Attendee,
    Registration,
    Checkin,
    MentoringEntry,
}

impl Entity {
    pub fn as_str(self) -> &'static str {
        match self {
            Entity::Session => "session",
            Entity::Attendee => "attendee",
            Entity::Registration => "registration",
            Entity::Checkin => "checkin",
            Entity::MentoringEntry => "mentoring_entry",
        }
    }
}

/// The `data` of a `session` change (spec §4, field names fixed).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SessionData {
    pub id: String,
    pub code: String,
    pub title: String,
    pub description: String,
    pub kind: SessionKind,
    pub topic: String,
    pub standard: Option<Standard>,
    pub career_families: Vec<CareerFamily>,
    pub room: String,
    pub starts_at: String,
    pub ends_at: String,
    pub capacity: Option<u32>,
    pub presenter: String,
    pub confirmed_count: u32,
    pub waitlist_count: u32,
    /// Kiosk scope only: who holds a seat and who waits (attendee ids, in
    /// arrival order), for session-room check-in. Carried on the session
    /// rather than as registration rows because a kiosk needs thousands of
    /// them and nothing else about them; the session row changes with
    /// every registration anyway.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub confirmed_attendees: Option<Vec<String>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub waitlisted_attendees: Option<Vec<String>>,
}

impl SessionData {
    pub fn new(id: String, session: &Session, confirmed_count: u32, waitlist_count: u32) -> Self {
        SessionData {
            id,
            code: session.code.to_string(),
            title: session.title.clone(),
            description: session.description.clone(),
            kind: session.kind,
            topic: session.topic.clone(),
            standard: session.standard,
            career_families: session.career_families.clone(),
            room: session.room.clone(),
            starts_at: session.slot.starts_rfc3339(),
            ends_at: session.slot.ends_rfc3339(),
            capacity: session.capacity.as_option(),
            presenter: session.presenter.clone(),
            confirmed_count,
            waitlist_count,
            confirmed_attendees: None,
            waitlisted_attendees: None,
        }
    }
}

/// The program as a device shows it, from sessions as the server sent them.
/// A row the domain refuses would be a server bug: it is skipped rather
/// than hiding the whole program.
pub fn listings(sessions: impl IntoIterator<Item = SessionData>) -> Vec<Listing> {
    sessions
        .into_iter()
        .filter_map(|data| Listing::try_from(data).ok())
        .collect()
}

impl TryFrom<SessionData> for Listing {
    type Error = SessionError;

    fn try_from(data: SessionData) -> Result<Self, Self::Error> {
        let session = Session {
            code: SessionCode::parse(&data.code)?,
            title: data.title,
            description: data.description,
            kind: data.kind,
            topic: data.topic,
            standard: data.standard,
            career_families: data.career_families,
            room: data.room,
            slot: Timeslot::parse(&data.starts_at, &data.ends_at)?,
            capacity: Capacity::from_option(data.capacity)?,
            presenter: data.presenter,
        }
        .checked()?;
        Ok(Listing {
            id: data.id,
            session,
            confirmed: data.confirmed_count,
            waitlisted: data.waitlist_count,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Each value's name on the wire (serde) is the name the rules and the
    /// database use (`as_str`), and reads back as the same value.
    fn spelled_as<T>(values: &[T], name: fn(&T) -> &'static str)
    where
        T: Serialize + serde::de::DeserializeOwned + PartialEq + std::fmt::Debug,
    {
        for value in values {
            let wire = serde_json::to_value(value).expect("serialize");
            assert_eq!(wire, serde_json::json!(name(value)), "{value:?}");
            let back: T = serde_json::from_value(wire).expect("deserialize");
            assert_eq!(&back, value);
        }
    }

    #[test]
    fn statuses_kinds_and_roles_travel_by_the_names_the_rules_use() {
        spelled_as(
            &[Status::Confirmed, Status::Waitlisted, Status::Cancelled],
            |s| s.as_str(),
        );
        spelled_as(&[CheckinKind::Entry, CheckinKind::Exit], |k| k.as_str());
        spelled_as(
            &[AtDoor::Confirmed, AtDoor::Waitlisted, AtDoor::WalkIn],
            |a| a.as_str(),
        );
        spelled_as(&[MentoringRole::Mentor, MentoringRole::Mentee], |r| {
            r.as_str()
        });
        spelled_as(&[Role::Attendee, Role::Mentor, Role::Presenter], |r| {
            r.as_str()
        });
        spelled_as(&SessionKind::ALL, |k| k.as_str());
        spelled_as(&Standard::ALL, |s| s.as_str());
        spelled_as(&CareerFamily::ALL, |f| f.as_str());
        spelled_as(&Activity::ALL, |a| a.as_str());
    }

    #[test]
    fn a_session_names_its_kind_standard_and_families_as_the_csv_does() {
        let data = sample_session_data();
        let wire = serde_json::to_value(&data).expect("serialize");
        assert_eq!(wire["kind"], "workshop");
        assert_eq!(
            wire["career_families"],
            serde_json::json!(["Paraeducators"])
        );
        let mut bad = wire.clone();
        bad["career_families"] = serde_json::json!(["Bus drivers"]);
        let refused = serde_json::from_value::<SessionData>(bad).expect_err("unknown family");
        assert!(refused.to_string().contains("Bus drivers"), "{refused}");
        let mut bad = wire;
        bad["standard"] = serde_json::json!("Cooking");
        assert!(serde_json::from_value::<SessionData>(bad).is_err());
    }

    #[test]
    fn a_value_the_contract_does_not_name_is_refused_on_the_way_in() {
        let row = serde_json::json!({
            "id": "c1", "attendee_id": "1", "session_id": null, "kind": "enter",
            "at": "2027-03-26T09:00:00Z", "device_id": "d", "duplicate_of": null, "kiosk": null,
        });
        assert!(serde_json::from_value::<CheckinData>(row).is_err());
    }

    #[test]
    fn mentoring_outcomes_have_the_shapes_the_contract_gives() {
        let json = |o: MentoringOutcome| serde_json::to_value(o).expect("serialize");
        assert_eq!(
            json(MentoringOutcome::kept("e", true)),
            serde_json::json!({"entry_id": "e", "confirmed": true})
        );
        assert_eq!(
            json(MentoringOutcome::deleted("e")),
            serde_json::json!({"entry_id": "e", "deleted": true})
        );
        assert_eq!(
            json(MentoringOutcome::waiting("e")),
            serde_json::json!({"entry_id": "e", "confirmed": false, "waiting_for_entry": true})
        );
    }

    #[test]
    fn a_seq_gap_carries_the_seq_expected_and_other_errors_do_not() {
        let gap: ErrorBody = serde_json::from_value(serde_json::json!({
            "error": {"code": "seq_gap", "message": "m", "expected_seq": 42}
        }))
        .expect("seq_gap body");
        assert_eq!(gap.error.expected_seq, Some(42));
        assert_eq!(gap.error.code, ErrorCode::SeqGap);
        let other = ErrorBody {
            error: ErrorDetail {
                code: ErrorCode::BadQuery,
                message: "m".into(),
                expected_seq: None,
            },
        };
        assert_eq!(
            serde_json::to_value(&other).expect("serialize"),
            serde_json::json!({"error": {"code": "bad_query", "message": "m"}})
        );
        let newer: ErrorBody = serde_json::from_value(serde_json::json!({
            "error": {"code": "a_code_from_a_newer_server", "message": "m"}
        }))
        .expect("an unknown code still reads");
        assert_eq!(newer.error.code, ErrorCode::Other);
    }

    #[test]
    fn changes_carry_op_entity_and_id_as_the_contract_spells_them() {
        let put = Change::Put {
            entity: Entity::Session,
            id: "7".into(),
            data: Json::of(&serde_json::json!({"title": "x"})).unwrap(),
        };
        let json = serde_json::to_value(&put).unwrap();
        assert_eq!(
            json,
            serde_json::json!({"op": "put", "entity": "session", "id": "7", "data": {"title": "x"}})
        );
        let del: Change =
            serde_json::from_str(r#"{"op":"del","entity":"mentoring_entry","id":"e1"}"#).unwrap();
        assert_eq!(
            del,
            Change::Del {
                entity: Entity::MentoringEntry,
                id: "e1".into()
            }
        );
    }

    #[test]
    fn a_put_keeps_its_row_as_text_until_read_as_its_type() {
        let row = sample_session_data();
        let put = Change::Put {
            entity: Entity::Session,
            id: row.id.clone(),
            data: Json::of(&row).unwrap(),
        };
        let wire = serde_json::to_string(&put).unwrap();
        let back: Change = serde_json::from_str(&wire).unwrap();
        assert_eq!(back, put);
        assert_eq!(back.row::<SessionData>(), Some(row));
        assert_eq!(back.row::<CheckinData>(), None, "not a check-in's row");
        let del = Change::Del {
            entity: Entity::Session,
            id: "3".into(),
        };
        assert_eq!(del.row::<SessionData>(), None);
    }

    #[test]
    fn a_put_without_data_or_a_delete_with_it_is_refused() {
        let put = serde_json::from_str::<Change>(r#"{"op":"put","entity":"session","id":"7"}"#);
        assert!(
            put.unwrap_err()
                .to_string()
                .contains("a put carries the row")
        );
        let del = serde_json::from_str::<Change>(
            r#"{"op":"del","entity":"session","id":"7","data":{"title":"x"}}"#,
        );
        assert!(del.unwrap_err().to_string().contains("a delete carries no"));
        let neither =
            serde_json::from_str::<Change>(r#"{"op":"move","entity":"session","id":"7"}"#);
        assert!(neither.is_err());
    }

    fn sample_session_data() -> SessionData {
        SessionData {
            id: "3".into(),
            code: "GE-PARA".into(),
            title: "Getting Educated: Paraeducators".into(),
            description: String::new(),
            kind: SessionKind::Workshop,
            topic: "Adult Learning".into(),
            standard: None,
            career_families: vec![CareerFamily::Paraeducators],
            room: "Room 101".into(),
            starts_at: "2027-03-12T09:00:00-05:00".into(),
            ends_at: "2027-03-12T10:00:00-05:00".into(),
            capacity: Some(30),
            presenter: String::new(),
            confirmed_count: 4,
            waitlist_count: 0,
            confirmed_attendees: None,
            waitlisted_attendees: None,
        }
    }

    #[test]
    fn session_data_round_trips_into_a_listing() {
        let data = sample_session_data();
        let listing = Listing::try_from(data.clone()).unwrap();
        assert_eq!(listing.seats_left(), Some(26));
        assert_eq!(SessionData::new("3".into(), &listing.session, 4, 0), data);
    }

    #[test]
    fn a_session_from_the_wire_meets_the_limits_an_import_does() {
        let too_long = SessionData {
            title: "x".repeat(201),
            ..sample_session_data()
        };
        assert!(Listing::try_from(too_long).is_err());
        let no_seats = SessionData {
            capacity: Some(0),
            ..sample_session_data()
        };
        assert_eq!(
            Listing::try_from(no_seats).map(|_| ()),
            Err(SessionError::BadCapacity("0".into()))
        );
        let untrimmed = SessionData {
            room: "  Room 101 ".into(),
            ..sample_session_data()
        };
        assert_eq!(
            Listing::try_from(untrimmed).unwrap().session.room,
            "Room 101"
        );
    }
}
