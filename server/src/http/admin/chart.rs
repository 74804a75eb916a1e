//! Charts for the organizer pages, drawn with `plotters` as SVG on the
//! server and sent as images: check-ins per 15 minutes for a day, and a
//! session's arrivals. Every page that shows one also has the numbers as a
//! table, for screen readers and for reading exact values.

use app::protocol::ErrorCode;
use axum::extract::rejection::QueryRejection;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use plotters::prelude::*;
use time::OffsetDateTime;

use super::super::AppState;
use super::super::error::{ApiError, Result};
use super::api::{DayQuery, parse_day_query};
use super::auth::Organizer;
use crate::store::reports::{self, Bucket, ConferenceClock};

const WIDTH: u32 = 760;
const HEIGHT: u32 = 280;
/// The console's accent (`admin.css`), on white: AA contrast.
const BAR: RGBColor = RGBColor(11, 79, 108);

/// Bars of `buckets`, labelled with their clock time every `label_every`
/// bars.
pub fn bars_svg(
    buckets: &[Bucket],
    clock: ConferenceClock,
    y_label: &str,
    label_every: usize,
) -> std::result::Result<String, String> {
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, (WIDTH, HEIGHT)).into_drawing_area();
        root.fill(&WHITE).map_err(|e| e.to_string())?;
        let top = buckets.iter().map(|b| b.checkins).max().unwrap_or(0).max(4);
        let n = buckets.len().max(1) as i32;
        let mut chart = ChartBuilder::on(&root)
            .margin(12)
            .x_label_area_size(32)
            .y_label_area_size(48)
            .build_cartesian_2d((0..n).into_segmented(), 0i64..top + top / 8 + 1)
            .map_err(|e| e.to_string())?;
        let label = |v: &SegmentValue<i32>| match v {
            SegmentValue::Exact(i) | SegmentValue::CenterOf(i) => {
                let i = *i as usize;
                match buckets.get(i) {
                    Some(b) if i.is_multiple_of(label_every.max(1)) => clock.clock_label(&b.from),
                    _ => String::new(),
                }
            }
            SegmentValue::Last => String::new(),
        };
        chart
            .configure_mesh()
            .disable_x_mesh()
            .x_labels(buckets.len().max(1))
            .x_label_formatter(&label)
            .y_desc(y_label)
            .label_style(("sans-serif", 14))
            .axis_desc_style(("sans-serif", 14))
            .light_line_style(RGBColor(230, 230, 230))
            .draw()
            .map_err(|e| e.to_string())?;
        chart
            .draw_series(
                Histogram::vertical(&chart)
                    .style(BAR.filled())
                    .margin(1)
                    .data(
                        buckets
                            .iter()
                            .enumerate()
                            .map(|(i, b)| (i as i32, b.checkins)),
                    ),
            )
            .map_err(|e| e.to_string())?;
        root.present().map_err(|e| e.to_string())?;
    }
    Ok(svg)
}

fn svg_response(svg: String) -> Response {
    let mut response = (StatusCode::OK, svg).into_response();
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("image/svg+xml"),
    );
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    // An image runs nothing; plotters styles its text inline.
    headers.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static("default-src 'none'; style-src 'unsafe-inline'"),
    );
    response
}

/// `GET /admin/charts/checkins.svg?day=`: the overview's chart.
pub async fn checkins(
    State(state): State<AppState>,
    _organizer: Organizer,
    query: std::result::Result<Query<DayQuery>, QueryRejection>,
) -> Result<Response> {
    let Query(query) =
        query.map_err(|e| ApiError::bad_request(ErrorCode::BadQuery, e.body_text()))?;
    let day = parse_day_query(query.day.as_deref())?;
    let (report, clock) = state
        .store
        .read(move |conn| {
            Ok((
                reports::attendance(conn, day, OffsetDateTime::now_utc())?,
                ConferenceClock::of(conn)?,
            ))
        })
        .await?;
    let svg = bars_svg(&report.timeline, clock, "Check-ins per 15 min", 4)
        .map_err(|e| ApiError::Internal(e.into()))?;
    Ok(svg_response(svg))
}

/// `GET /admin/charts/sessions/{id}/arrivals.svg`.
pub async fn arrivals(
    State(state): State<AppState>,
    _organizer: Organizer,
    Path(id): Path<String>,
) -> Result<Response> {
    let id: i64 = id
        .parse()
        .map_err(|_| ApiError::bad_request(ErrorCode::BadSession, "Session ids are numbers."))?;
    let (detail, clock) = state
        .store
        .read(move |conn| {
            Ok((
                reports::session_detail(conn, id, OffsetDateTime::now_utc())?,
                ConferenceClock::of(conn)?,
            ))
        })
        .await?;
    let detail = detail.ok_or_else(|| ApiError::Client {
        status: StatusCode::NOT_FOUND,
        code: ErrorCode::UnknownSession,
        message: "There is no such session.".into(),
    })?;
    let svg = bars_svg(&detail.arrivals, clock, "Arrivals per 5 min", 3)
        .map_err(|e| ApiError::Internal(e.into()))?;
    Ok(svg_response(svg))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_chart_is_an_svg_with_bars_in_proportion_and_clock_labels() {
        let clock = ConferenceClock {
            offset: time::UtcOffset::from_hms(-5, 0, 0).unwrap(),
        };
        let buckets = vec![
            Bucket {
                from: "2027-03-26T08:00:00-05:00".into(),
                checkins: 3,
            },
            Bucket {
                from: "2027-03-26T08:15:00-05:00".into(),
                checkins: 0,
            },
            Bucket {
                from: "2027-03-26T08:30:00-05:00".into(),
                checkins: 7,
            },
        ];
        let svg = bars_svg(&buckets, clock, "Check-ins", 2).expect("draws");
        assert!(svg.starts_with("<svg"), "{}", &svg[..80.min(svg.len())]);
        assert!(
            svg.contains("8:00 AM") && svg.contains("8:30 AM"),
            "labels every 2nd bar"
        );
        assert!(!svg.contains("8:15 AM"));
        // The bars' heights, left to right, are in proportion to the counts.
        let attribute = |rect: &str, name: &str| -> Option<f64> {
            rect.split(&format!(" {name}=\""))
                .nth(1)?
                .split('"')
                .next()?
                .parse()
                .ok()
        };
        let mut bars: Vec<(f64, f64)> = svg
            .split("<rect")
            .filter(|r| r.contains("fill=\"#0B4F6C\""))
            .filter_map(|r| Some((attribute(r, "x")?, attribute(r, "height")?)))
            .collect();
        bars.sort_by(|a, b| a.0.total_cmp(&b.0));
        let heights: Vec<f64> = bars.into_iter().map(|(_, h)| h).collect();
        assert_eq!(heights.len(), 3, "a bar per bucket");
        assert_eq!(heights[1], 0.0, "an empty bucket is flat");
        let ratio = heights[2] / heights[0];
        assert!((ratio - 7.0 / 3.0).abs() < 0.1, "{heights:?}");
    }
}
