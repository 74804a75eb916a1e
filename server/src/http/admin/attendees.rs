//! Attendees and their sign-in secret, for the organizers: the roster
//! with search, one person's page at the help desk (show their sign-in QR
//! on screen, email it, reissue it), printable sign-in cards, and emailing
//! everyone their link. The JSON twins are under `/api/v1/admin/attendees`.

use app::protocol::ErrorCode;
use std::sync::Arc;

use app::domain::BadgeCode;
use axum::Json;
use axum::extract::rejection::QueryRejection;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use leptos::prelude::*;
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

use super::super::AppState;
use super::super::error::{ApiError, Result};
use super::auth::{Organizer, OrganizerPage, over_tls};
use super::pages::failed;
use super::view::{QrImage, Section, count, page, url_encode};
use crate::mail::Mailer;
use crate::signin::{self, Card, CardError, PublicUrl, Selection};
use crate::store::{WriteError, signin as codes};
use crate::sync::push::rfc3339;

/// Rows of the roster per page, and cards per print page (25 sheets of 8).
const ROSTER_PAGE: usize = 50;
const CARDS_PAGE: usize = 200;

/// Where phones reach this server: the configured address, else the one
/// this request came to (as the organizer's browser sees it).
pub fn public_url(state: &AppState, headers: &HeaderMap) -> PublicUrl {
    if let Some(url) = &state.public_url {
        return url.clone();
    }
    let scheme = if over_tls(headers) { "https" } else { "http" };
    headers
        .get(axum::http::header::HOST)
        .and_then(|h| h.to_str().ok())
        .and_then(|host| PublicUrl::parse(&format!("{scheme}://{host}")).ok())
        .or_else(|| PublicUrl::parse(&format!("http://{}", state.leptos.site_addr)).ok())
        .unwrap_or_else(|| {
            PublicUrl::parse("http://127.0.0.1:3000").unwrap_or_else(|_| unreachable!())
        })
}

fn parse_badge(text: &str) -> Result<BadgeCode> {
    BadgeCode::parse(text)
        .map_err(|e| ApiError::not_found(ErrorCode::NoSuchAttendee, e.to_string()))
}

fn card_error(e: CardError) -> ApiError {
    match e {
        CardError::NoSuchBadge(badge) => ApiError::not_found(
            ErrorCode::NoSuchAttendee,
            format!("No attendee has the badge code {badge}."),
        ),
        other => ApiError::Internal(Box::new(other)),
    }
}

fn mailer(state: &AppState) -> Result<Arc<Mailer>> {
    state.mailer.clone().ok_or_else(|| {
        ApiError::unavailable(
            ErrorCode::MailNotConfigured,
            "This server has no SMTP server to send email with. Start it with --smtp-host \
             and --mail-from (README, “Email”), or print sign-in cards instead.",
        )
    })
}

/// Emails `card` its link and notes when.
async fn email_card(state: &AppState, card: &Card, url: &PublicUrl) -> Result<()> {
    if card.email.is_none() {
        return Err(ApiError::invalid(
            ErrorCode::NoEmail,
            format!(
                "{} has no email address: print their card instead.",
                card.name()
            ),
        ));
    }
    mailer(state)?
        .send_signin(card, url)
        .await
        .map_err(|e| ApiError::unavailable(ErrorCode::MailFailed, e.to_string()))?;
    let id = card.attendee_id;
    let now = rfc3339(OffsetDateTime::now_utc());
    state
        .store
        .write(move |conn| codes::mark_emailed(conn, id, &now).map_err(WriteError::from))
        .await?;
    Ok(())
}

/// Emails everyone with an address who was not sent their current link,
/// one after the other, in the background. `Err` when a run is going.
fn start_bulk_email(state: &AppState, url: PublicUrl) -> Result<()> {
    let mailer = mailer(state)?;
    let mut started = false;
    mailer.update_run(|run| {
        if !run.running {
            *run = crate::mail::MailRun {
                running: true,
                ..Default::default()
            };
            started = true;
        }
    });
    if !started {
        return Err(ApiError::Client {
            status: StatusCode::CONFLICT,
            code: ErrorCode::MailRunning,
            message: "Sign-in links are being emailed already; wait for that to finish.".into(),
        });
    }
    let state = state.clone();
    let selection = Selection {
        not_yet_emailed: true,
        ..Default::default()
    };
    tokio::spawn(async move {
        let cards = state
            .store
            .read(move |conn| Ok(signin::cards(conn, &selection, 0, usize::MAX >> 1)?))
            .await;
        let cards = match cards {
            Ok(cards) => cards,
            Err(e) => {
                mailer.update_run(|run| {
                    run.running = false;
                    run.last_error = Some(e.to_string());
                });
                return;
            }
        };
        for card in &cards {
            let outcome = email_card(&state, card, &url).await;
            mailer.update_run(|run| match outcome {
                Ok(()) => run.sent += 1,
                Err(e) => {
                    run.failed += 1;
                    let message = match e {
                        ApiError::Client { message, .. } => message,
                        other => other.to_string(),
                    };
                    tracing::warn!(badge = %card.badge_code, error = %message, "sign-in email not sent");
                    run.last_error = Some(message);
                }
            });
        }
        mailer.update_run(|run| run.running = false);
        let run = mailer.run();
        tracing::info!(sent = run.sent, failed = run.failed, "sign-in emails done");
    });
    Ok(())
}

// ---- JSON ---------------------------------------------------------------

#[derive(Debug, Serialize)]
pub struct SigninLink {
    pub badge_code: String,
    pub name: String,
    pub link: String,
    pub code: String,
    pub emailed_at: Option<String>,
}

fn link_of(card: &Card, url: &PublicUrl) -> SigninLink {
    SigninLink {
        badge_code: card.badge_code.clone(),
        name: card.name(),
        link: url.link(&card.code),
        code: card.code.grouped(),
        emailed_at: card.emailed_at.clone(),
    }
}

/// `GET /api/v1/admin/attendees/{badge_code}/signin`.
pub async fn api_link(
    State(state): State<AppState>,
    _organizer: Organizer,
    headers: HeaderMap,
    Path(badge): Path<String>,
) -> Result<Json<SigninLink>> {
    let card = signin::card(&state.store, parse_badge(&badge)?)
        .await
        .map_err(card_error)?;
    Ok(Json(link_of(&card, &public_url(&state, &headers))))
}

/// `POST /api/v1/admin/attendees/{badge_code}/reissue`: a new code; the
/// old one stops working, signed-in devices keep working.
pub async fn api_reissue(
    State(state): State<AppState>,
    organizer: Organizer,
    headers: HeaderMap,
    Path(badge): Path<String>,
) -> Result<Json<SigninLink>> {
    let card = signin::reissue(&state.store, parse_badge(&badge)?)
        .await
        .map_err(card_error)?;
    tracing::info!(badge = %card.badge_code, by = %organizer.account.email, "sign-in code reissued");
    Ok(Json(link_of(&card, &public_url(&state, &headers))))
}

/// `POST /api/v1/admin/attendees/{badge_code}/email`.
pub async fn api_email(
    State(state): State<AppState>,
    _organizer: Organizer,
    headers: HeaderMap,
    Path(badge): Path<String>,
) -> Result<Json<serde_json::Value>> {
    let card = signin::card(&state.store, parse_badge(&badge)?)
        .await
        .map_err(card_error)?;
    email_card(&state, &card, &public_url(&state, &headers)).await?;
    Ok(Json(serde_json::json!({ "sent": true })))
}

/// `POST /api/v1/admin/signin-emails`: emails every attendee with an
/// address who has not been sent their current link (202, in the
/// background); `GET` says how far it got.
pub async fn api_email_all(
    State(state): State<AppState>,
    _organizer: Organizer,
    headers: HeaderMap,
) -> Result<Response> {
    let waiting = waiting_for_email(&state).await?;
    start_bulk_email(&state, public_url(&state, &headers))?;
    Ok((
        StatusCode::ACCEPTED,
        Json(serde_json::json!({ "queued": waiting })),
    )
        .into_response())
}

pub async fn api_email_progress(
    State(state): State<AppState>,
    _organizer: Organizer,
) -> Result<Json<serde_json::Value>> {
    let run = mailer(&state)?.run();
    Ok(Json(serde_json::json!({
        "running": run.running, "sent": run.sent, "failed": run.failed,
        "last_error": run.last_error, "waiting": waiting_for_email(&state).await?,
    })))
}

async fn waiting_for_email(state: &AppState) -> Result<usize> {
    let selection = Selection {
        not_yet_emailed: true,
        ..Default::default()
    };
    Ok(state
        .store
        .read(move |conn| Ok(signin::count(conn, &selection)?))
        .await?)
}

// ---- Pages --------------------------------------------------------------

#[derive(Debug, Deserialize, Default)]
pub struct RosterQuery {
    q: Option<String>,
    page: Option<usize>,
    sent: Option<String>,
}

/// `GET /admin/attendees`: the roster, searchable, with who has been
/// emailed their link.
pub async fn roster(
    State(state): State<AppState>,
    OrganizerPage(o): OrganizerPage,
    query: std::result::Result<Query<RosterQuery>, QueryRejection>,
) -> Response {
    let email = o.account.email;
    let Query(query) = query.unwrap_or_default();
    let search = query.q.clone().filter(|q| !q.trim().is_empty());
    let page_no = query.page.unwrap_or(1).max(1);
    let selection = Selection {
        search: search.clone(),
        ..Default::default()
    };
    let listed = {
        let selection = selection.clone();
        state
            .store
            .read(move |conn| {
                Ok((
                    signin::count(conn, &selection)?,
                    signin::cards(conn, &selection, (page_no - 1) * ROSTER_PAGE, ROSTER_PAGE)?,
                    signin::count(
                        conn,
                        &Selection {
                            not_yet_emailed: true,
                            ..Default::default()
                        },
                    )?,
                    signin::count(
                        conn,
                        &Selection {
                            without_email: true,
                            ..Default::default()
                        },
                    )?,
                ))
            })
            .await
    };
    let (total, cards, not_emailed, without_email) = match listed {
        Ok(l) => l,
        Err(e) => return failed(&email, e.into()),
    };
    let run = state.mailer.as_ref().map(|m| m.run());
    let pages = total.div_ceil(ROSTER_PAGE).max(1);
    let q = search.clone().unwrap_or_default();
    let more = |p: usize| format!("/admin/attendees?q={}&page={p}", url_encode(&q));
    page(
        StatusCode::OK,
        "Attendees",
        Section::Attendees,
        Some(&email),
        view! {
            <h1>"Attendees and sign-in"</h1>
            <p>"Each attendee signs in with a secret of their own, on a sign-in card or in an email; \
                never with what their badge shows. Reissue a code when a card or email went astray: \
                the old code stops working, phones already signed in keep working."</p>
            <section aria-labelledby="hand-out">
                <h2 id="hand-out">"Hand out sign-in links"</h2>
                <ul class="actions">
                    <li><a href="/admin/cards">"Print sign-in cards for everyone"</a></li>
                    <li><a href="/admin/cards?without_email=1">{format!("Print cards for the {} without an email address", count(without_email as i64))}</a></li>
                </ul>
                {match (&state.mailer, run) {
                    (None, _) => view! {
                        <p class="muted">"Email is off: start the server with --smtp-host and --mail-from to email links (README, “Email”)."</p>
                    }.into_any(),
                    (Some(_), run) => {
                        let run = run.unwrap_or_default();
                        view! {
                            <form method="post" action="/admin/attendees/email" class="filters">
                                <button type="submit" class="primary" disabled=run.running || not_emailed == 0>
                                    {format!("Email sign-in links to {} attendees not yet sent theirs", count(not_emailed as i64))}
                                </button>
                            </form>
                            {(run.running || run.sent > 0 || run.failed > 0).then(|| view! {
                                <p role="status">{format!(
                                    "{}: {} sent, {} not sent{}.",
                                    if run.running { "Sending" } else { "Last sending" },
                                    run.sent,
                                    run.failed,
                                    run.last_error.as_deref().map(|e| format!(" (last problem: {e})")).unwrap_or_default(),
                                )}</p>
                            })}
                        }.into_any()
                    }
                }}
                {query.sent.map(|who| view! { <p role="status" class="ok">{format!("Sign-in link emailed to {who}.")}</p> })}
            </section>
            <section aria-labelledby="roster-title">
                <h2 id="roster-title">{format!("Roster ({})", count(total as i64))}</h2>
                <form method="get" action="/admin/attendees" class="filters" role="search">
                    <label for="roster-q">"Name or badge code"</label>
                    <input id="roster-q" name="q" type="search" value=q.clone()/>
                    <button type="submit">"Search"</button>
                </form>
                <div class="table-wrap" role="region" aria-label="Roster" tabindex="0">
                    <table>
                        <thead><tr>
                            <th scope="col">"Name"</th><th scope="col">"Badge code"</th>
                            <th scope="col">"Email"</th><th scope="col">"Sign-in link emailed"</th>
                        </tr></thead>
                        <tbody>
                            {cards.into_iter().map(|c| {
                                let href = format!("/admin/attendees/{}", c.badge_code);
                                view! {
                                    <tr>
                                        <td><a href=href>{c.name()}</a></td>
                                        <td>{c.badge_code.clone()}</td>
                                        <td>{c.email.clone().unwrap_or_else(|| "—".into())}</td>
                                        <td>{match (&c.email, &c.emailed_at) {
                                            (None, _) => "no address: print a card".to_owned(),
                                            (Some(_), None) => "not yet".to_owned(),
                                            (Some(_), Some(at)) => at.clone(),
                                        }}</td>
                                    </tr>
                                }
                            }).collect_view()}
                        </tbody>
                    </table>
                </div>
                <nav aria-label="Roster pages" class="pager">
                    {(page_no > 1).then(|| view! { <a href=more(page_no - 1)>"Previous"</a> })}
                    <span>{format!("Page {page_no} of {pages}")}</span>
                    {(page_no < pages).then(|| view! { <a href=more(page_no + 1)>"Next"</a> })}
                </nav>
            </section>
        },
    )
}

#[derive(Debug, Deserialize, Default)]
pub struct PersonQuery {
    show: Option<String>,
    reissued: Option<String>,
}

/// `GET /admin/attendees/{badge_code}`: one person, at the help desk.
pub async fn person(
    State(state): State<AppState>,
    OrganizerPage(o): OrganizerPage,
    headers: HeaderMap,
    Path(badge): Path<String>,
    query: std::result::Result<Query<PersonQuery>, QueryRejection>,
) -> Response {
    let email = o.account.email;
    let Query(query) = query.unwrap_or_default();
    let card = match parse_badge(&badge) {
        Ok(b) => signin::card(&state.store, b).await.map_err(card_error),
        Err(e) => Err(e),
    };
    let card = match card {
        Ok(c) => c,
        Err(e) => return failed(&email, e),
    };
    let url = public_url(&state, &headers);
    let show = query.show.is_some() || query.reissued.is_some();
    let base = format!("/admin/attendees/{}", card.badge_code);
    let link = url.link(&card.code);
    page(
        StatusCode::OK,
        &card.name(),
        Section::Attendees,
        Some(&email),
        view! {
            <p><a href="/admin/attendees">"← Attendees"</a></p>
            <h1>{card.name()}</h1>
            <dl class="facts">
                <dt>"Badge code"</dt><dd>{card.badge_code.clone()}</dd>
                <dt>"Email"</dt><dd>{card.email.clone().unwrap_or_else(|| "none".into())}</dd>
                <dt>"Sign-in link emailed"</dt><dd>{card.emailed_at.clone().unwrap_or_else(|| "not yet".into())}</dd>
            </dl>
            {query.reissued.is_some().then(|| view! {
                <p role="status" class="ok">"A new sign-in code was made. The old one no longer works; phones already signed in keep working."</p>
            })}
            {if show {
                view! {
                    <section class="signin-card on-screen" aria-labelledby="card-title">
                        <h2 id="card-title">"Sign-in for "{card.name()}</h2>
                        <p>"Let them scan this with their phone's camera, or type the code at "{format!("{}/signin", url.as_str())}"."</p>
                        <QrImage text=link.clone() class="signin-qr" label=format!("QR code of the sign-in link of {}", card.name())/>
                        <p class="signin-code">{card.code.grouped()}</p>
                    </section>
                }.into_any()
            } else {
                view! {
                    <p><a class="button" href=format!("{base}?show=1")>"Show the sign-in code on this screen"</a></p>
                }.into_any()
            }}
            <ul class="actions">
                <li><a href=format!("/admin/cards?badge={}", card.badge_code)>"Print their sign-in card"</a></li>
            </ul>
            {card.email.as_ref().map(|address| view! {
                <form method="post" action=format!("{base}/email")>
                    <button type="submit" disabled=state.mailer.is_none()>{format!("Email the sign-in link to {address}")}</button>
                </form>
            })}
            <section aria-labelledby="reissue-title">
                <h2 id="reissue-title">"Reissue"</h2>
                <p>"When a card or email went to someone else: the old code stops working at once. \
                    Phones already signed in keep working; revoke them on the devices page if they should not."</p>
                <form method="post" action=format!("{base}/reissue")>
                    <button type="submit" class="danger">"Make a new sign-in code"</button>
                </form>
            </section>
        },
    )
}

/// `POST /admin/attendees/{badge_code}/reissue`.
pub async fn reissue(
    State(state): State<AppState>,
    OrganizerPage(o): OrganizerPage,
    Path(badge): Path<String>,
) -> Response {
    let done = match parse_badge(&badge) {
        Ok(b) => signin::reissue(&state.store, b).await.map_err(card_error),
        Err(e) => Err(e),
    };
    match done {
        Ok(card) => {
            tracing::info!(badge = %card.badge_code, by = %o.account.email, "sign-in code reissued");
            Redirect::to(&format!("/admin/attendees/{}?reissued=1", card.badge_code))
                .into_response()
        }
        Err(e) => failed(&o.account.email, e),
    }
}

/// `POST /admin/attendees/{badge_code}/email`.
pub async fn email_one(
    State(state): State<AppState>,
    OrganizerPage(o): OrganizerPage,
    headers: HeaderMap,
    Path(badge): Path<String>,
) -> Response {
    let card = match parse_badge(&badge) {
        Ok(b) => signin::card(&state.store, b).await.map_err(card_error),
        Err(e) => Err(e),
    };
    let sent = match card {
        Ok(card) => email_card(&state, &card, &public_url(&state, &headers))
            .await
            .map(|()| card),
        Err(e) => Err(e),
    };
    match sent {
        Ok(card) => Redirect::to(&format!(
            "/admin/attendees?sent={}",
            url_encode(&card.email.unwrap_or_default())
        ))
        .into_response(),
        Err(e) => failed(&o.account.email, e),
    }
}

/// `POST /admin/attendees/email`: email everyone not yet sent their link.
pub async fn email_all(
    State(state): State<AppState>,
    OrganizerPage(o): OrganizerPage,
    headers: HeaderMap,
) -> Response {
    match start_bulk_email(&state, public_url(&state, &headers)) {
        Ok(_) => Redirect::to("/admin/attendees").into_response(),
        Err(e) => failed(&o.account.email, e),
    }
}

#[derive(Debug, Deserialize, Default)]
pub struct CardsQuery {
    badge: Option<String>,
    without_email: Option<String>,
    page: Option<usize>,
}

/// `GET /admin/cards`: sign-in cards to print, eight to a sheet, for one
/// person (`?badge=`), those without an email (`?without_email=1`) or
/// everyone, 200 to a page.
pub async fn cards(
    State(state): State<AppState>,
    OrganizerPage(o): OrganizerPage,
    headers: HeaderMap,
    query: std::result::Result<Query<CardsQuery>, QueryRejection>,
) -> Response {
    let email = o.account.email;
    let Query(query) = query.unwrap_or_default();
    let mut selection = Selection {
        without_email: query.without_email.is_some(),
        ..Default::default()
    };
    if let Some(badge) = query.badge.as_deref().filter(|b| !b.trim().is_empty()) {
        match parse_badge(badge) {
            Ok(b) => selection.badges.push(b),
            Err(e) => return failed(&email, e),
        }
    }
    let page_no = query.page.unwrap_or(1).max(1);
    let listed = {
        let selection = selection.clone();
        state
            .store
            .read(move |conn| {
                Ok((
                    signin::count(conn, &selection)?,
                    signin::cards(conn, &selection, (page_no - 1) * CARDS_PAGE, CARDS_PAGE)?,
                ))
            })
            .await
    };
    let (total, cards) = match listed {
        Ok(l) => l,
        Err(e) => return failed(&email, e.into()),
    };
    if cards.is_empty() && selection.badges.len() == 1 {
        return failed(
            &email,
            ApiError::not_found(
                ErrorCode::NoSuchAttendee,
                "No attendee has that badge code.",
            ),
        );
    }
    let url = public_url(&state, &headers);
    let pages = total.div_ceil(CARDS_PAGE).max(1);
    let signin_at = format!("{}/signin", url.as_str());
    let next = (page_no < pages).then(|| {
        let filter = if selection.without_email {
            "without_email=1&"
        } else {
            ""
        };
        format!("/admin/cards?{filter}page={}", page_no + 1)
    });
    page(
        StatusCode::OK,
        "Sign-in cards",
        Section::Attendees,
        Some(&email),
        view! {
            <div class="screen-only">
                <h1>"Sign-in cards"</h1>
                <p>{format!(
                    "{} card(s) on this page{}. Print double-sided off, eight to a sheet; cut along the lines. \
                     Each card signs in as its owner: hand it only to them, in their registration envelope or \
                     on the back of their badge holder.",
                    cards.len(),
                    if pages > 1 { format!(" (page {page_no} of {pages})") } else { String::new() },
                )}</p>
                {next.map(|href| view! { <p><a href=href>"Next page of cards"</a></p> })}
            </div>
            <div class="card-sheet">
                {cards.into_iter().map(|c| {
                    let link = url.link(&c.code);
                    view! {
                        <article class="signin-card">
                            <h2>{c.name()}</h2>
                            <p class="card-what">"Your Hallpass sign-in · keep it to yourself"</p>
                            <QrImage text=link class="signin-qr" label=format!("QR code of the sign-in link of {}", c.name())/>
                            <p class="card-how">"Scan with your phone's camera, or open "<strong>{signin_at.clone()}</strong>" and type:"</p>
                            <p class="signin-code">{c.code.grouped()}</p>
                            <p class="card-badge">{format!("Badge {} — the badge code does not sign in.", c.badge_code)}</p>
                        </article>
                    }
                }).collect_view()}
            </div>
        },
    )
}
