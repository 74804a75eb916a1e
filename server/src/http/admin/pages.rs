//! The organizer pages. Each handler reads one report from
//! `store::reports` (the same function its JSON twin calls) and lays it out
//! with `view!`. Forms are plain HTML forms; the part of a page inside
//! `#live` is refreshed by `live.js` from the page itself.

use app::domain::checkin::AtDoor;
use app::protocol::ErrorCode;
use axum::Form;
use axum::extract::rejection::QueryRejection;
use axum::extract::{Multipart, Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use leptos::prelude::*;
use serde::Deserialize;
use time::OffsetDateTime;

use super::super::AppState;
use super::super::error::ApiError;
use super::api::{self, DayQuery};
use super::auth::OrganizerPage;
use super::export::Export;
use super::view::{QrImage, Section, count, hours, page, problem};
use crate::import::{ImportError, ImportKind};
use crate::store::reports::{
    self, Attendance, Bucket, ConferenceClock, LogFilter, MentoringBy, MentoringKey, Person,
    SessionAttendance,
};

/// An error as a page: the message of a 4xx, an opaque one for a 5xx.
pub(super) fn failed(email: &str, e: ApiError) -> Response {
    match e {
        ApiError::Client {
            status, message, ..
        } => problem(status, Some(email), message),
        other => {
            let response = other.into_response();
            problem(
                response.status(),
                Some(email),
                "The server could not complete this. Try again shortly.".into(),
            )
        }
    }
}

/// The clock and the data version (which changes with every write), for
/// labels and for chart URLs that change when the data does.
async fn clock_and_version(state: &AppState) -> Result<(ConferenceClock, i64), ApiError> {
    Ok(state
        .store
        .read(|conn| {
            Ok((
                ConferenceClock::of(conn)?,
                crate::store::epoch_and_version(conn)?.1,
            ))
        })
        .await?)
}

fn day_name(day: &str) -> String {
    reports::parse_day(day).map_or_else(|| day.to_owned(), app::domain::session::day_label)
}

#[component]
fn Updated(clock: ConferenceClock, as_of: String) -> impl IntoView {
    view! {
        <p class="updated">
            "Updated at " <time datetime=as_of.clone()>{clock.clock_label(&as_of)}</time>
            <span class="live-note">" · refreshes by itself"</span>
        </p>
    }
}

/// A chart and its numbers as a table, for screen readers and exact values.
#[component]
fn Chart(
    src: String,
    alt: String,
    caption: String,
    buckets: Vec<Bucket>,
    clock: ConferenceClock,
) -> impl IntoView {
    let total: i64 = buckets.iter().map(|b| b.checkins).sum();
    view! {
        <figure class="chart">
            <img src=src alt=alt width="760" height="280"/>
            <figcaption>
                <details>
                    <summary>{format!("{caption} as a table ({} in all)", count(total))}</summary>
                    <table>
                        <thead><tr><th scope="col">"From"</th><th scope="col" class="num">"Check-ins"</th></tr></thead>
                        <tbody>
                            {buckets.into_iter().map(|b| view! {
                                <tr><td>{clock.clock_label(&b.from)}</td><td class="num">{b.checkins}</td></tr>
                            }).collect_view()}
                        </tbody>
                    </table>
                </details>
            </figcaption>
        </figure>
    }
}

fn waiting_text(a: &Attendance, clock: &ConferenceClock) -> String {
    let w = &a.waiting_on_devices;
    if w.devices == 0 {
        return "Nothing is waiting on any device: every device that reported has sent everything."
            .into();
    }
    let seen = w
        .last_seen
        .as_deref()
        .map(|s| format!(" (last seen {})", clock.clock_label(s)))
        .unwrap_or_default();
    let mut parts = Vec::new();
    if w.kiosks > 0 {
        parts.push(format!(
            "+ up to {} check-in{} waiting on {} kiosk{}",
            count(w.kiosk_mutations),
            if w.kiosk_mutations == 1 { "" } else { "s" },
            w.kiosks,
            if w.kiosks == 1 { "" } else { "s" }
        ));
    }
    let phones = w.devices - w.kiosks;
    if phones > 0 {
        let changes = w.mutations - w.kiosk_mutations;
        parts.push(format!(
            "+ up to {} change{} waiting on {} phone{}",
            count(changes),
            if changes == 1 { "" } else { "s" },
            phones,
            if phones == 1 { "" } else { "s" }
        ));
    }
    format!("{}{seen}", parts.join("; "))
}

#[component]
fn DayPicker(days: Vec<String>, day: Option<String>, action: &'static str) -> impl IntoView {
    view! {
        <form method="get" action=action class="filters">
            <label for="day">"Day"</label>
            <select id="day" name="day">
                {days.into_iter().map(|d| {
                    let selected = day.as_deref() == Some(d.as_str());
                    view! { <option value=d.clone() selected=selected>{day_name(&d)}</option> }
                }).collect_view()}
            </select>
            <button type="submit">"Show"</button>
        </form>
    }
}

/// `GET /admin`.
pub async fn overview(
    State(state): State<AppState>,
    OrganizerPage(o): OrganizerPage,
    query: std::result::Result<Query<DayQuery>, QueryRejection>,
) -> Response {
    let email = o.account.email;
    let day = match query
        .map_err(|e| ApiError::bad_request(ErrorCode::BadQuery, e.body_text()))
        .and_then(|Query(q)| api::parse_day_query(q.day.as_deref()))
    {
        Ok(d) => d,
        Err(e) => return failed(&email, e),
    };
    let (report, (clock, version)) = match tokio::try_join!(
        api::attendance_report(&state, day),
        clock_and_version(&state)
    ) {
        Ok(r) => r,
        Err(e) => return failed(&email, e),
    };
    let now = OffsetDateTime::now_utc();
    let waiting = waiting_text(&report, &clock);
    let percent = if report.roster > 0 {
        report.checked_in * 100 / report.roster
    } else {
        0
    };
    let in_progress: Vec<SessionAttendance> = report
        .sessions
        .iter()
        .filter(|s| s.in_progress(now))
        .cloned()
        .collect();
    let day_text = report.day.clone().unwrap_or_default();
    let chart_src = format!("/admin/charts/checkins.svg?day={day_text}&v={version}");
    let Attendance {
        as_of,
        days,
        roster,
        checked_in,
        timeline,
        day: chosen,
        ..
    } = report;
    page(
        StatusCode::OK,
        "Overview",
        Section::Overview,
        Some(&email),
        view! {
            <h1>"Overview"</h1>
            <DayPicker days day=chosen.clone() action="/admin"/>
            <div id="live" data-live="3">
                <Updated clock as_of/>
                <div class="cards">
                    <section class="card" aria-labelledby="in-title">
                        <h2 id="in-title">"Checked in at the conference"</h2>
                        <p class="big"><span id="checked-in">{count(checked_in)}</span>" of "{count(roster)}</p>
                        <p>{format!("{percent}% of the roster; people, never scans.")}</p>
                    </section>
                    <section class="card" aria-labelledby="waiting-title">
                        <h2 id="waiting-title">"Still on devices"</h2>
                        <p id="waiting">{waiting}</p>
                    </section>
                </div>
                <section aria-labelledby="timeline-title">
                    <h2 id="timeline-title">{format!("Check-ins per 15 minutes, {}", day_name(&day_text))}</h2>
                    {if timeline.is_empty() {
                        view! { <p>"No check-ins on this day yet."</p> }.into_any()
                    } else {
                        view! {
                            <Chart src=chart_src alt="Bar chart of conference check-ins per 15 minutes; the table below it has the numbers.".into()
                                caption="Check-ins per 15 minutes".into() buckets=timeline clock/>
                        }.into_any()
                    }}
                </section>
                <section aria-labelledby="now-title">
                    <h2 id="now-title">"Sessions in progress"</h2>
                    {if in_progress.is_empty() {
                        view! { <p>"No session is in progress right now."</p> }.into_any()
                    } else {
                        view! {
                            <TableWrap label="Sessions in progress">
                                <table>
                                    <thead><tr>
                                        <th scope="col">"Session"</th><th scope="col">"Room"</th>
                                        <th scope="col" class="num">"In the room"</th><th scope="col" class="num">"Capacity"</th>
                                    </tr></thead>
                                    <tbody>
                                        {in_progress.into_iter().map(|s| view! {
                                            <tr>
                                                <td><a href=format!("/admin/sessions/{}", s.id)>{s.title.clone()}</a></td>
                                                <td>{s.room.clone()}</td>
                                                <td class="num">{s.checked_in}</td>
                                                <td class="num">{s.capacity.map_or_else(|| "unlimited".to_owned(), |c| c.to_string())}</td>
                                            </tr>
                                        }).collect_view()}
                                    </tbody>
                                </table>
                            </TableWrap>
                        }.into_any()
                    }}
                </section>
            </div>
            <section aria-labelledby="exports-title">
                <h2 id="exports-title">"Exports (CSV)"</h2>
                <ExportLinks/>
            </section>
        },
    )
}

/// A wide table that scrolls sideways on its own at phone widths (never
/// the page); focusable and named, so keyboard users can scroll it too.
#[component]
fn TableWrap(label: &'static str, children: Children) -> impl IntoView {
    view! {
        <div class="table-wrap" role="region" aria-label=label tabindex="0">{children()}</div>
    }
}

#[component]
fn ExportLinks() -> impl IntoView {
    view! {
        <ul class="exports">
            {Export::ALL.into_iter().map(|e| view! {
                <li><a href=e.href() download=e.file_name()>{e.label()}</a></li>
            }).collect_view()}
        </ul>
    }
}

#[derive(Debug, Default, Deserialize)]
pub struct SessionsQuery {
    day: Option<String>,
    room: Option<String>,
    sort: Option<String>,
    dir: Option<String>,
}

/// The sessions table's sortable columns.
const SORTS: [(&str, &str); 8] = [
    ("time", "Time"),
    ("title", "Session"),
    ("room", "Room"),
    ("confirmed", "Confirmed"),
    ("waitlisted", "Waitlisted"),
    ("checked_in", "Checked in"),
    ("no_shows", "No-shows"),
    ("fill", "Fill"),
];

fn sort_sessions(rows: &mut [SessionAttendance], sort: &str, descending: bool) {
    rows.sort_by(|a, b| {
        let order = match sort {
            "title" => a.title.to_lowercase().cmp(&b.title.to_lowercase()),
            "room" => a.room.cmp(&b.room),
            "confirmed" => a.confirmed.cmp(&b.confirmed),
            "waitlisted" => a.waitlisted.cmp(&b.waitlisted),
            "checked_in" => a.checked_in.cmp(&b.checked_in),
            "no_shows" => a.no_shows.cmp(&b.no_shows),
            "fill" => a.fill_percent().cmp(&b.fill_percent()),
            _ => a.starts_at.cmp(&b.starts_at),
        };
        let order = order.then_with(|| a.starts_at.cmp(&b.starts_at));
        if descending { order.reverse() } else { order }
    });
}

/// `GET /admin/sessions`.
pub async fn sessions(
    State(state): State<AppState>,
    OrganizerPage(o): OrganizerPage,
    query: std::result::Result<Query<SessionsQuery>, QueryRejection>,
) -> Response {
    let email = o.account.email;
    let q = query.map(|Query(q)| q).unwrap_or_default();
    let day = match api::parse_day_query(q.day.as_deref()) {
        Ok(d) => d,
        Err(e) => return failed(&email, e),
    };
    let now = OffsetDateTime::now_utc();
    let read = state
        .store
        .read(move |conn| {
            Ok((
                reports::sessions(
                    conn,
                    day.map_or(reports::Which::All, reports::Which::Day),
                    now,
                )?,
                reports::program_days(conn)?,
                ConferenceClock::of(conn)?,
            ))
        })
        .await;
    let (mut rows, days, clock) = match read {
        Ok(r) => r,
        Err(e) => return failed(&email, e.into()),
    };
    let mut rooms: Vec<String> = rows.iter().map(|s| s.room.clone()).collect();
    rooms.sort();
    rooms.dedup();
    let room = q.room.clone().filter(|r| !r.is_empty());
    if let Some(room) = &room {
        rows.retain(|s| &s.room == room);
    }
    let sort = q
        .sort
        .clone()
        .filter(|s| SORTS.iter().any(|(k, _)| k == s))
        .unwrap_or_else(|| "time".into());
    let descending = q.dir.as_deref() == Some("desc");
    sort_sessions(&mut rows, &sort, descending);
    let day_text = day.map(reports::day_text);
    let base = format!(
        "/admin/sessions?day={}&room={}",
        day_text.clone().unwrap_or_default(),
        room.clone()
            .map(|r| r.replace('&', "%26").replace(' ', "+"))
            .unwrap_or_default()
    );
    let shown = rows.len();
    page(
        StatusCode::OK,
        "Sessions",
        Section::Sessions,
        Some(&email),
        view! {
            <h1>"Sessions"</h1>
            <form method="get" action="/admin/sessions" class="filters">
                <label for="day">"Day"</label>
                <select id="day" name="day">
                    <option value="" selected=day_text.is_none()>"Every day"</option>
                    {days.into_iter().map(|d| {
                        let text = reports::day_text(d);
                        let selected = day_text.as_deref() == Some(text.as_str());
                        view! { <option value=text.clone() selected=selected>{app::domain::session::day_label(d)}</option> }
                    }).collect_view()}
                </select>
                <label for="room">"Room"</label>
                <select id="room" name="room">
                    <option value="" selected=room.is_none()>"Every room"</option>
                    {rooms.into_iter().map(|r| {
                        let selected = room.as_deref() == Some(r.as_str());
                        view! { <option value=r.clone() selected=selected>{r.clone()}</option> }
                    }).collect_view()}
                </select>
                <input type="hidden" name="sort" value=sort.clone()/>
                <button type="submit">"Show"</button>
            </form>
            <p role="status">{format!("{shown} session{}", if shown == 1 { "" } else { "s" })}</p>
            <TableWrap label="Sessions">
                <table class="sessions">
                    <thead><tr>
                        {SORTS.iter().map(|(key, label)| {
                            let current = *key == sort;
                            let next_dir = if current && !descending { "desc" } else { "asc" };
                            let aria = current.then_some(if descending { "descending" } else { "ascending" });
                            let numeric = !matches!(*key, "time" | "title" | "room");
                            view! {
                                <th scope="col" aria-sort=aria class:num=numeric>
                                    <a href=format!("{base}&sort={key}&dir={next_dir}")>{*label}
                                        {current.then(|| view! { <span aria-hidden="true">{if descending { " ▼" } else { " ▲" }}</span> })}
                                    </a>
                                </th>
                            }
                        }).collect_view()}
                        <th scope="col" class="num">"Walk-ins"</th>
                    </tr></thead>
                    <tbody>
                        {rows.into_iter().map(|s| view! {
                            <tr>
                                <td>{clock.stamp(&s.starts_at)}" – "{clock.clock_label(&s.ends_at)}</td>
                                <td><a href=format!("/admin/sessions/{}", s.id)>{s.title.clone()}</a><span class="code">{s.code.clone()}</span></td>
                                <td>{s.room.clone()}</td>
                                <td class="num">{s.confirmed}{s.capacity.map(|c| format!(" / {c}"))}</td>
                                <td class="num">{s.waitlisted}</td>
                                <td class="num">{s.checked_in}</td>
                                <td class="num">{s.no_shows.map_or_else(|| "not started".to_owned(), |n| n.to_string())}</td>
                                <td class="num">{s.fill_percent().map_or_else(|| "—".to_owned(), |p| format!("{p}%"))}</td>
                                <td class="num">{s.walk_ins}</td>
                            </tr>
                        }).collect_view()}
                    </tbody>
                </table>
            </TableWrap>
            <p><a href=Export::Attendance.href() download=Export::Attendance.file_name()>"Download attendance per session (CSV)"</a></p>
        },
    )
}

#[component]
fn People(
    title: &'static str,
    id: &'static str,
    people: Vec<Person>,
    clock: ConferenceClock,
    empty: &'static str,
) -> impl IntoView {
    let n = people.len();
    view! {
        <section aria-labelledby=id>
            <h2 id=id>{format!("{title} ({n})")}</h2>
            {if people.is_empty() {
                view! { <p>{empty}</p> }.into_any()
            } else {
                view! {
                    <TableWrap label=title>
                        <table>
                            <thead><tr>
                                <th scope="col">"Name"</th><th scope="col">"Badge"</th><th scope="col">"State"</th>
                                <th scope="col">"Career family"</th><th scope="col">"Came at / place"</th>
                            </tr></thead>
                            <tbody>
                                {people.into_iter().map(|p| view! {
                                    <tr>
                                        <td>{format!("{} {}", p.first_name, p.last_name)}</td>
                                        <td>{p.badge_code}</td>
                                        <td>{p.state}</td>
                                        <td>{p.career_family}</td>
                                        <td>{match (p.at, p.position) {
                                            (Some(at), _) => clock.clock_label(&at),
                                            (None, Some(n)) => format!("#{n} on the waitlist"),
                                            _ => String::new(),
                                        }}</td>
                                    </tr>
                                }).collect_view()}
                            </tbody>
                        </table>
                    </TableWrap>
                }.into_any()
            }}
        </section>
    }
}

/// `GET /admin/sessions/{id}`.
pub async fn session(
    State(state): State<AppState>,
    OrganizerPage(o): OrganizerPage,
    Path(id): Path<String>,
) -> Response {
    let email = o.account.email;
    let Ok(id) = id.parse::<i64>() else {
        return problem(
            StatusCode::NOT_FOUND,
            Some(&email),
            "There is no such session.".into(),
        );
    };
    let now = OffsetDateTime::now_utc();
    let read = state
        .store
        .read(move |conn| {
            Ok((
                reports::session_detail(conn, id, now)?,
                ConferenceClock::of(conn)?,
                crate::store::epoch_and_version(conn)?.1,
            ))
        })
        .await;
    let (detail, clock, version) = match read {
        Ok(r) => r,
        Err(e) => return failed(&email, e.into()),
    };
    let Some(d) = detail else {
        return problem(
            StatusCode::NOT_FOUND,
            Some(&email),
            "There is no such session.".into(),
        );
    };
    let s = d.session.clone();
    let as_of = crate::sync::push::rfc3339(now.to_offset(clock.offset));
    let title = s.title.clone();
    page(
        StatusCode::OK,
        &title,
        Section::Sessions,
        Some(&email),
        view! {
            <p class="crumbs"><a href="/admin/sessions">"Sessions"</a></p>
            <h1>{s.title.clone()}</h1>
            <p class="meta">
                {clock.stamp(&s.starts_at)}" – "{clock.clock_label(&s.ends_at)}" · "{s.room.clone()}" · "{s.code.clone()}
            </p>
            <div id="live" data-live="3">
                <Updated clock as_of/>
                <dl class="numbers">
                    <div><dt>"Capacity"</dt><dd>{s.capacity.map_or_else(|| "unlimited".to_owned(), |c| c.to_string())}</dd></div>
                    <div><dt>"Confirmed"</dt><dd id="confirmed">{s.confirmed}</dd></div>
                    <div><dt>"Waitlisted"</dt><dd>{s.waitlisted}</dd></div>
                    <div><dt>"Checked in"</dt><dd id="session-checked-in">{s.checked_in}</dd></div>
                    <div><dt>"Walk-ins"</dt><dd>{s.walk_ins}</dd></div>
                    <div><dt>"No-shows"</dt><dd>{s.no_shows.map_or_else(|| "not started".to_owned(), |n| n.to_string())}</dd></div>
                    <div><dt>"Fill"</dt><dd>{s.fill_percent().map_or_else(|| "—".to_owned(), |p| format!("{p}%"))}</dd></div>
                </dl>
                <section aria-labelledby="arrivals-title">
                    <h2 id="arrivals-title">"Arrivals per 5 minutes"</h2>
                    <Chart src=format!("/admin/charts/sessions/{}/arrivals.svg?v={version}", s.id)
                        alt="Bar chart of arrivals per 5 minutes, from half an hour before the start; the table below it has the numbers.".into()
                        caption="Arrivals per 5 minutes".into() buckets=d.arrivals clock/>
                </section>
                <People title="Registered and came" id="came" people=d.came_registered clock empty="Nobody yet."/>
                <People title="Came from the waitlist" id="from-waitlist" people=d.came_from_waitlist clock empty="Nobody."/>
                <People title="Came without a registration" id="walk-ins" people=d.walk_ins clock empty="Nobody."/>
                <People title="Registered and did not come" id="not-come" people=d.not_come clock empty="Everyone confirmed has come."/>
                <People title="Waitlist, in order" id="waitlist" people=d.waitlist clock empty="Nobody is waitlisted."/>
            </div>
        },
    )
}

#[derive(Debug, Default, Deserialize)]
pub struct LogQuery {
    place: Option<String>,
    kiosk: Option<String>,
    duplicates: Option<String>,
    before: Option<i64>,
}

const LOG_PAGE: i64 = 100;

/// `GET /admin/checkins`.
pub async fn checkins(
    State(state): State<AppState>,
    OrganizerPage(o): OrganizerPage,
    query: std::result::Result<Query<LogQuery>, QueryRejection>,
) -> Response {
    let email = o.account.email;
    let q = query.map(|Query(q)| q).unwrap_or_default();
    let place = match q.place.as_deref().unwrap_or("") {
        "" => None,
        "conference" => Some(None),
        id => match id.parse::<i64>() {
            Ok(id) => Some(Some(id)),
            Err(_) => {
                return problem(
                    StatusCode::BAD_REQUEST,
                    Some(&email),
                    format!("“{id}” is not a place."),
                );
            }
        },
    };
    let filter = LogFilter {
        place,
        device_id: q.kiosk.clone().filter(|k| !k.is_empty()),
        duplicates_only: q.duplicates.as_deref() == Some("on"),
        before: q.before,
    };
    let read = {
        let filter = filter.clone();
        state
            .store
            .read(move |conn| {
                Ok((
                    reports::checkin_log(conn, &filter, LOG_PAGE)?,
                    reports::places_and_kiosks(conn)?,
                    ConferenceClock::of(conn)?,
                ))
            })
            .await
    };
    let (log, reports::LogChoices { places, kiosks }, clock) = match read {
        Ok(r) => r,
        Err(e) => return failed(&email, e.into()),
    };
    let place_value = q.place.clone().unwrap_or_default();
    let kiosk_value = q.kiosk.clone().unwrap_or_default();
    let next = log.next_before.map(|before| {
        format!(
            "/admin/checkins?place={place_value}&kiosk={kiosk_value}&duplicates={}&before={before}",
            if filter.duplicates_only { "on" } else { "" }
        )
    });
    let total = log.total;
    page(
        StatusCode::OK,
        "Check-in log",
        Section::Checkins,
        Some(&email),
        view! {
            <h1>"Check-in log"</h1>
            <p>"Every check-in the server received, newest first. Nothing a kiosk sent is hidden or merged: a second scan of the same person is listed and flagged."</p>
            <form method="get" action="/admin/checkins" class="filters">
                <label for="place">"Place"</label>
                <select id="place" name="place">
                    <option value="" selected=place_value.is_empty()>"Everywhere"</option>
                    <option value="conference" selected=place_value == "conference">"The conference's door"</option>
                    {places.into_iter().map(|(id, label)| {
                        let value = id.to_string();
                        let selected = value == place_value;
                        view! { <option value=value selected=selected>{label}</option> }
                    }).collect_view()}
                </select>
                <label for="kiosk">"Kiosk"</label>
                <select id="kiosk" name="kiosk">
                    <option value="" selected=kiosk_value.is_empty()>"Every kiosk"</option>
                    {kiosks.into_iter().map(|(id, name)| {
                        let selected = id == kiosk_value;
                        view! { <option value=id selected=selected>{name}</option> }
                    }).collect_view()}
                </select>
                <span class="check">
                    <input type="checkbox" id="duplicates" name="duplicates" value="on" checked=filter.duplicates_only/>
                    <label for="duplicates">"Duplicates only"</label>
                </span>
                <button type="submit">"Show"</button>
            </form>
            <p role="status">{format!("{} check-in{}", count(total), if total == 1 { "" } else { "s" })}</p>
            <TableWrap label="Check-ins">
                <table>
                    <thead><tr>
                        <th scope="col">"Device time"</th><th scope="col">"Received"</th><th scope="col">"Person"</th>
                        <th scope="col">"Place"</th><th scope="col">"Kiosk"</th><th scope="col">"Kind"</th>
                        <th scope="col">"At the door"</th><th scope="col">"Duplicate of"</th>
                    </tr></thead>
                    <tbody>
                        {log.rows.into_iter().map(|r| {
                            let duplicate = r.duplicate_of.as_ref().map(|_| format!(
                                "the {} scan{}",
                                r.duplicate_of_at.as_deref().map(|a| clock.clock_label(a)).unwrap_or_default(),
                                r.duplicate_of_kiosk.as_deref().map(|k| format!(" ({k})")).unwrap_or_default()
                            ));
                            let is_duplicate = duplicate.is_some();
                            view! {
                                <tr class:duplicate=is_duplicate>
                                    <td>{clock.stamp(&r.at)}</td>
                                    <td>{clock.stamp(&r.received_at)}</td>
                                    <td>{r.name}<span class="code">{r.badge_code}</span></td>
                                    <td>{r.place.unwrap_or_else(|| "Conference".into())}</td>
                                    <td>{r.kiosk.unwrap_or(r.device_id)}</td>
                                    <td>{r.kind.as_str()}</td>
                                    <td>{r.at_door.map(AtDoor::label)}</td>
                                    <td>{duplicate.unwrap_or_default()}</td>
                                </tr>
                            }
                        }).collect_view()}
                    </tbody>
                </table>
            </TableWrap>
            <nav aria-label="Pages" class="pager">
                {next.map(|href| view! { <a href=href>"Older check-ins"</a> })}
                {filter.before.map(|_| view! { <a href="/admin/checkins">"Newest"</a> })}
            </nav>
            <p><a href=Export::Checkins.href() download=Export::Checkins.file_name()>"Download every check-in (CSV)"</a></p>
        },
    )
}

#[derive(Debug, Default, Deserialize)]
pub struct MentoringQuery {
    by: Option<String>,
    /// Pairs with no entry in the last this many days.
    quiet_days: Option<String>,
}

/// `GET /admin/mentoring`.
pub async fn mentoring(
    State(state): State<AppState>,
    OrganizerPage(o): OrganizerPage,
    query: std::result::Result<Query<MentoringQuery>, QueryRejection>,
) -> Response {
    let email = o.account.email;
    let q = query.map(|Query(q)| q).unwrap_or_default();
    let by = match api::parse_by(q.by.as_deref()) {
        Ok(b) => b,
        Err(e) => return failed(&email, e),
    };
    let quiet = match q
        .quiet_days
        .as_deref()
        .map(str::trim)
        .filter(|d| !d.is_empty())
    {
        None => None,
        Some(text) => match text.parse::<u16>() {
            Ok(n) if by == MentoringBy::Pair => Some(i64::from(n)),
            Ok(_) => None,
            Err(_) => {
                return problem(
                    StatusCode::BAD_REQUEST,
                    Some(&email),
                    format!("“{text}” is not a number of days."),
                );
            }
        },
    };
    let mut rows = match api::mentoring_report(&state, by).await {
        Ok(r) => r,
        Err(e) => return failed(&email, e),
    };
    let clock = match clock_and_version(&state).await {
        Ok((c, _)) => c,
        Err(e) => return failed(&email, e),
    };
    if let Some(days) = quiet {
        let since = clock.now().date() - time::Duration::days(days);
        let since = reports::day_text(since);
        rows.retain(|r| r.last_date < since);
    }
    let heading = match by {
        MentoringBy::Pair => "Pair",
        MentoringBy::State => "State affiliate",
        MentoringBy::CareerFamily => "Career family",
        MentoringBy::Standard => "Universal Standard",
    };
    let tab_label = |b: MentoringBy| match b {
        MentoringBy::Pair => "Per pair",
        MentoringBy::State => "Per state affiliate",
        MentoringBy::CareerFamily => "Per career family",
        MentoringBy::Standard => "Per Universal Standard",
    };
    let n = rows.len();
    page(
        StatusCode::OK,
        "Mentoring",
        Section::Mentoring,
        Some(&email),
        view! {
            <h1>"Mentoring"</h1>
            <p>"Hours logged by peer mentoring pairs, confirmed by the partner and not yet confirmed apart. Private notes stay with their authors: they never reach this page, the API or an export."</p>
            <nav aria-label="Group by" class="tabs">
                <ul>
                    {MentoringBy::ALL.into_iter().map(|b| view! {
                        <li><a href=format!("/admin/mentoring?by={}", b.as_str()) aria-current=(b == by).then_some("page")>{tab_label(b)}</a></li>
                    }).collect_view()}
                </ul>
            </nav>
            {(by == MentoringBy::Pair).then(|| view! {
                <form method="get" action="/admin/mentoring" class="filters">
                    <input type="hidden" name="by" value="pair"/>
                    <label for="quiet_days">"Only pairs with no entry in the last (days)"</label>
                    <input id="quiet_days" name="quiet_days" type="number" min="0" max="3650" inputmode="numeric" value=quiet.map(|d| d.to_string()).unwrap_or_default()/>
                    <button type="submit">"Show"</button>
                </form>
            })}
            <p role="status">{format!("{n} row{}", if n == 1 { "" } else { "s" })}</p>
            <TableWrap label="Mentoring hours">
                <table>
                    <thead><tr>
                        <th scope="col">{heading}</th><th scope="col" class="num">"Entries"</th>
                        <th scope="col" class="num">"Confirmed"</th><th scope="col" class="num">"Not yet confirmed"</th>
                        <th scope="col">"Latest entry"</th>
                    </tr></thead>
                    <tbody>
                        {rows.into_iter().map(|r| {
                            let key = match r.key {
                                MentoringKey::Pair(p) => match (p.b_name, p.partner_name) {
                                    (Some(b), _) => format!("{} & {b}", p.a_name),
                                    (None, Some(named)) => format!("{} & {named} (not at the conference)", p.a_name),
                                    (None, None) => p.a_name,
                                },
                                MentoringKey::Text(t) => t,
                            };
                            view! {
                                <tr>
                                    <td>{key}</td>
                                    <td class="num">{r.entries}</td>
                                    <td class="num">{hours(r.minutes_confirmed)}</td>
                                    <td class="num">{hours(r.minutes_unconfirmed)}</td>
                                    <td>{r.last_date}</td>
                                </tr>
                            }
                        }).collect_view()}
                    </tbody>
                </table>
            </TableWrap>
            <ul class="exports">
                <li><a href=Export::Mentoring.href() download=Export::Mentoring.file_name()>{Export::Mentoring.label()}" (CSV)"</a></li>
                <li><a href=Export::MentoringPairs.href() download=Export::MentoringPairs.file_name()>{Export::MentoringPairs.label()}" (CSV)"</a></li>
            </ul>
        },
    )
}

/// `GET /admin/devices`.
pub async fn devices(State(state): State<AppState>, OrganizerPage(o): OrganizerPage) -> Response {
    devices_page(&state, &o.account.email, None, None).await
}

/// A pairing code just made, to show large.
struct NewCode {
    name: String,
    code: String,
    expires_at: String,
}

async fn devices_page(
    state: &AppState,
    email: &str,
    made: Option<NewCode>,
    error: Option<String>,
) -> Response {
    let (list, clock) = match tokio::try_join!(api::device_list(state), clock_and_version(state)) {
        Ok((l, (c, _))) => (l, c),
        Err(e) => return failed(email, e),
    };
    let status = if error.is_some() {
        StatusCode::UNPROCESSABLE_ENTITY
    } else if made.is_some() {
        StatusCode::CREATED
    } else {
        StatusCode::OK
    };
    page(
        status,
        "Devices and kiosks",
        Section::Devices,
        Some(email),
        view! {
            <h1>"Devices and kiosks"</h1>
            {made.map(|m| {
                view! {
                    <section class="pairing" aria-labelledby="code-title">
                        <h2 id="code-title">{format!("Pairing code for “{}”", m.name)}</h2>
                        <p class="pairing-code" id="pairing-code">{m.code.clone()}</p>
                        <QrImage text=m.code.clone() class="pairing-qr" label=format!("QR code of the pairing code {}", m.code)/>
                        <p>{format!("Type it on the kiosk's set-up page (/kiosk) once, online. It pairs one kiosk, until {}.", clock.stamp(&m.expires_at))}</p>
                    </section>
                }
            })}
            <section aria-labelledby="pair-title">
                <h2 id="pair-title">"Pair a kiosk"</h2>
                {error.map(|e| view! { <p class="error" role="alert">{e}</p> })}
                <form method="post" action="/admin/kiosks" class="filters">
                    <label for="kiosk-name">"Kiosk name"</label>
                    <input id="kiosk-name" name="name" required maxlength="60" placeholder="Kiosk A, Hall B door"/>
                    <label for="kiosk-minutes">"Code works for (minutes)"</label>
                    <input id="kiosk-minutes" name="minutes" type="number" min="1" max="10080" value="60" inputmode="numeric"/>
                    <button type="submit" class="primary">"Make a pairing code"</button>
                </form>
            </section>
            <section aria-labelledby="list-title">
                <h2 id="list-title">{format!("Devices ({})", list.len())}</h2>
                <p>"Revoking a device stops its token at once. A revoked kiosk keeps the check-ins it has not sent and says so; pair it again to send them."</p>
                <TableWrap label="Devices">
                    <table>
                        <thead><tr>
                            <th scope="col">"Kind"</th><th scope="col">"Kiosk or person"</th><th scope="col">"First seen"</th>
                            <th scope="col">"Last sync"</th><th scope="col" class="num">"Waiting"</th><th scope="col">"Protocol"</th>
                            <th scope="col">"Access"</th>
                        </tr></thead>
                        <tbody>
                            {list.into_iter().map(|d| {
                                let who = d.name.clone().or(d.holder.clone()).unwrap_or_else(|| d.device_id.clone());
                                let label = format!("Revoke {who}");
                                view! {
                                    <tr>
                                        <td>{d.kind.as_str()}</td>
                                        <td>{who}</td>
                                        <td>{clock.stamp(&d.first_seen)}</td>
                                        <td>{d.last_sync_at.as_deref().map_or_else(|| "never".to_owned(), |s| clock.stamp(s))}</td>
                                        <td class="num">{d.pending_reported.map(|p| p.to_string()).unwrap_or_else(|| "—".into())}</td>
                                        <td>{d.protocol}</td>
                                        <td>{if d.revoked {
                                            view! { <span class="revoked">"revoked"</span> }.into_any()
                                        } else {
                                            view! {
                                                <form method="post" action=format!("/admin/devices/{}/revoke", d.device_id)>
                                                    <button type="submit" class="danger" aria-label=label>"Revoke"</button>
                                                </form>
                                            }.into_any()
                                        }}</td>
                                    </tr>
                                }
                            }).collect_view()}
                        </tbody>
                    </table>
                </TableWrap>
            </section>
        },
    )
}

/// `POST /admin/devices/{device_id}/revoke`.
pub async fn revoke(
    State(state): State<AppState>,
    OrganizerPage(o): OrganizerPage,
    Path(device_id): Path<String>,
) -> Response {
    match api::revoke_device(&state, device_id).await {
        Ok(()) => Redirect::to("/admin/devices").into_response(),
        Err(e) => failed(&o.account.email, e),
    }
}

#[derive(Debug, Deserialize)]
pub struct KioskForm {
    #[serde(default)]
    name: String,
    minutes: Option<String>,
}

/// `POST /admin/kiosks`: the devices page with the new code shown large.
pub async fn pair_kiosk(
    State(state): State<AppState>,
    OrganizerPage(o): OrganizerPage,
    form: std::result::Result<Form<KioskForm>, axum::extract::rejection::FormRejection>,
) -> Response {
    let email = o.account.email;
    let Ok(Form(f)) = form else {
        return devices_page(&state, &email, None, Some("Give the kiosk a name.".into())).await;
    };
    let minutes = match f
        .minutes
        .as_deref()
        .map(str::trim)
        .filter(|m| !m.is_empty())
    {
        None => None,
        Some(m) => match m.parse::<u64>() {
            Ok(m) => Some(m),
            Err(_) => {
                return devices_page(
                    &state,
                    &email,
                    None,
                    Some(format!("“{m}” is not a number of minutes.")),
                )
                .await;
            }
        },
    };
    match api::make_kiosk_code(&state, &f.name, minutes).await {
        Ok(code) => {
            let made = NewCode {
                name: code.name,
                code: code.pairing_code,
                expires_at: code.expires_at,
            };
            devices_page(&state, &email, Some(made), None).await
        }
        Err(ApiError::Client { message, .. }) => {
            devices_page(&state, &email, None, Some(message)).await
        }
        Err(e) => failed(&email, e),
    }
}

fn import_page(status: StatusCode, email: &str, outcome: Option<view_import::Outcome>) -> Response {
    page(
        status,
        "Import",
        Section::Import,
        Some(email),
        view_import::view(outcome),
    )
}

/// `GET /admin/import`.
pub async fn import_form(OrganizerPage(o): OrganizerPage) -> Response {
    import_page(StatusCode::OK, &o.account.email, None)
}

/// `POST /admin/import` (multipart: `kind` and `file`): the same import
/// as the CLI's and the API's.
pub async fn import_upload(
    State(state): State<AppState>,
    OrganizerPage(o): OrganizerPage,
    multipart: std::result::Result<Multipart, axum::extract::multipart::MultipartRejection>,
) -> Response {
    let email = o.account.email;
    let refused = |message: String| {
        import_page(
            StatusCode::UNPROCESSABLE_ENTITY,
            &email,
            Some(view_import::Outcome::Refused {
                message,
                rows: Vec::new(),
            }),
        )
    };
    let Ok(mut multipart) = multipart else {
        return refused("Choose a CSV file and what it holds, then import.".into());
    };
    let (mut kind, mut file, mut file_name) = (None, None, String::new());
    loop {
        match multipart.next_field().await {
            Ok(Some(field)) => match field.name() {
                Some("kind") => {
                    kind = field
                        .text()
                        .await
                        .ok()
                        .and_then(|k| ImportKind::parse(k.trim()))
                }
                Some("file") => {
                    file_name = field.file_name().unwrap_or("").to_owned();
                    match field.bytes().await {
                        Ok(b) => file = Some(b),
                        Err(e) => {
                            return refused(format!(
                                "The file did not arrive whole: {}",
                                e.body_text()
                            ));
                        }
                    }
                }
                _ => {}
            },
            Ok(None) => break,
            Err(e) => {
                return refused(format!(
                    "The upload did not arrive whole: {}",
                    e.body_text()
                ));
            }
        }
    }
    let Some(kind) = kind else {
        return refused("Say whether the file holds sessions or attendees.".into());
    };
    let Some(file) = file.filter(|f| !f.is_empty()) else {
        return refused("Choose a CSV file to import.".into());
    };
    match crate::import::import(&state.store, kind, file.as_ref()).await {
        Ok(summary) => import_page(
            StatusCode::OK,
            &email,
            Some(view_import::Outcome::Imported {
                kind,
                file_name,
                created: summary.inserted,
                updated: summary.updated,
                unchanged: summary.unchanged,
            }),
        ),
        Err(ImportError::Store(e)) => failed(&email, e.into()),
        Err(e) => {
            let rows = e.rows();
            let message = match &e {
                ImportError::Rows(r) => format!(
                    "{} bad row{} in {file_name}; nothing was imported. Fix them and import the file again.",
                    r.len(),
                    if r.len() == 1 { "" } else { "s" }
                ),
                other => format!("Nothing was imported: {other}."),
            };
            import_page(
                StatusCode::UNPROCESSABLE_ENTITY,
                &email,
                Some(view_import::Outcome::Refused { message, rows }),
            )
        }
    }
}

mod view_import {
    use leptos::prelude::*;

    use crate::import::{ATTENDEE_COLUMNS, ImportKind, RowError, SESSION_COLUMNS};

    pub enum Outcome {
        Imported {
            kind: ImportKind,
            file_name: String,
            created: usize,
            updated: usize,
            unchanged: usize,
        },
        Refused {
            message: String,
            rows: Vec<RowError>,
        },
    }

    pub fn view(outcome: Option<Outcome>) -> impl IntoView {
        view! {
            <h1>"Import"</h1>
            {outcome.map(|o| match o {
                Outcome::Imported { kind, file_name, created, updated, unchanged } => view! {
                    <div class="success" role="status" id="import-result">
                        <p>{format!("Imported {} from {file_name}: {created} created, {updated} updated, {unchanged} unchanged.", kind.as_str())}</p>
                    </div>
                }.into_any(),
                Outcome::Refused { message, rows } => view! {
                    <div class="error" role="alert" id="import-result">
                        <p>{message}</p>
                        {(!rows.is_empty()).then(|| view! {
                            <table>
                                <thead><tr><th scope="col" class="num">"Line"</th><th scope="col">"Problem"</th></tr></thead>
                                <tbody>
                                    {rows.into_iter().map(|r| view! { <tr><td class="num">{r.line}</td><td>{r.reason}</td></tr> }).collect_view()}
                                </tbody>
                            </table>
                        })}
                    </div>
                }.into_any(),
            })}
            <p>"The file is checked whole first: if any row is bad, every bad row is listed with its line and nothing is imported. Importing again updates changed rows and leaves registrations alone."</p>
            <form method="post" action="/admin/import" enctype="multipart/form-data" class="stack">
                <fieldset>
                    <legend>"The file holds"</legend>
                    <span class="check"><input type="radio" id="kind-sessions" name="kind" value="sessions" required/><label for="kind-sessions">"Sessions (the program)"</label></span>
                    <span class="check"><input type="radio" id="kind-attendees" name="kind" value="attendees"/><label for="kind-attendees">"Attendees (the roster)"</label></span>
                </fieldset>
                <label for="file">"CSV file"</label>
                <input id="file" name="file" type="file" accept=".csv,text/csv" required/>
                <button type="submit" class="primary">"Import"</button>
            </form>
            <details>
                <summary>"The columns"</summary>
                <p>"sessions.csv: "<code>{SESSION_COLUMNS.join(",")}</code></p>
                <p>"attendees.csv: "<code>{ATTENDEE_COLUMNS.join(",")}</code></p>
            </details>
        }
    }
}
