//! Small charts drawn with plain HTML and SVG. Each carries a text equivalent for screen readers.

use ptp_shared::{DailyAccuracy, ReadinessDay};
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct BarProps {
    /// 0–100.
    pub percent: f64,
    pub label: AttrValue,
    /// A mark across the bar (a pass mark), 0–100.
    #[prop_or_default]
    pub marker: Option<f64>,
    #[prop_or_default]
    pub tone: Option<&'static str>,
}

/// A horizontal bar with its value as text.
#[component(Bar)]
pub fn bar(props: &BarProps) -> Html {
    let percent = props.percent.clamp(0.0, 100.0);
    html! {
        <div class="bar" role="img" aria-label={props.label.clone()}>
            <div class={classes!("bar-fill", props.tone)} style={format!("width: {percent:.1}%")}></div>
            if let Some(marker) = props.marker {
                <div class="bar-marker" style={format!("left: {:.1}%", marker.clamp(0.0, 100.0))}></div>
            }
        </div>
    }
}

#[derive(Properties, PartialEq)]
pub struct AccuracyProps {
    pub days: Vec<DailyAccuracy>,
}

const WIDTH: f64 = 600.0;
const HEIGHT: f64 = 180.0;
const PAD: f64 = 28.0;

/// Accuracy per day as columns, 0–100 % on the vertical axis.
#[component(AccuracyChart)]
pub fn accuracy_chart(props: &AccuracyProps) -> Html {
    let days = &props.days;
    if days.is_empty() {
        return html! { <p class="empty-state">{ "Answer a few questions to see your accuracy over time." }</p> };
    }
    let slot = (WIDTH - PAD) / days.len() as f64;
    let column = (slot * 0.7).min(28.0);
    let plot = HEIGHT - PAD;
    let summary = format!(
        "Accuracy on {} days, from {:.0}% on {} to {:.0}% on {}.",
        days.len(),
        days[0].accuracy * 100.0,
        days[0].day,
        days[days.len() - 1].accuracy * 100.0,
        days[days.len() - 1].day
    );
    let columns = days.iter().enumerate().map(|(i, day)| {
        let height = day.accuracy.clamp(0.0, 1.0) * (plot - 8.0);
        let x = PAD + slot * i as f64 + (slot - column) / 2.0;
        let label = day.day.get(5..).unwrap_or(&day.day).to_string();
        let show_label = days.len() <= 10 || i % days.len().div_ceil(8) == 0;
        html! {
            <g>
                <rect class="column" x={x.to_string()} y={(plot - height).to_string()} width={column.to_string()} height={height.max(1.0).to_string()}>
                    <title>{ format!("{}: {:.0}% of {} answers", day.day, day.accuracy * 100.0, day.answered) }</title>
                </rect>
                if show_label {
                    <text class="axis" x={(x + column / 2.0).to_string()} y={(HEIGHT - 8.0).to_string()} text-anchor="middle">{ label }</text>
                }
            </g>
        }
    });
    html! {
        <figure class="chart">
            <svg viewBox={format!("0 0 {WIDTH} {HEIGHT}")} role="img" aria-label={summary}>
                { grid() }
                { for columns }
            </svg>
            <figcaption class="muted">{ "Accuracy per day (%), last 30 days" }</figcaption>
        </figure>
    }
}

/// The 0, 50 and 100 % lines shared by the day charts, so both read on one scale.
fn grid() -> Html {
    let plot = HEIGHT - PAD;
    let lines = [0.0, 0.5, 1.0].map(|share| {
        let y = plot - share * (plot - 8.0);
        html! {
            <g class="grid">
                <line x1={PAD.to_string()} x2={WIDTH.to_string()} y1={y.to_string()} y2={y.to_string()} />
                <text x={(PAD - 4.0).to_string()} y={(y + 4.0).to_string()} text-anchor="end">{ format!("{:.0}", share * 100.0) }</text>
            </g>
        }
    });
    html! { <>{ for lines }</> }
}

/// The history in a sentence, the chart's text equivalent: "Pass probability went from 42% on
/// 2026-10-01 to 68% today." `today` is the current UTC day (`YYYY-MM-DD`), since the API's
/// days are UTC days; a page left open past midnight names the last day instead. `None` without
/// days.
pub fn history_summary(days: &[ReadinessDay], today: &str) -> Option<String> {
    let (first, last) = (days.first()?, days.last()?);
    let percent = |probability: f64| format!("{:.0}%", probability * 100.0);
    let when = if last.day == today {
        "today".to_string()
    } else {
        format!("on {}", last.day)
    };
    Some(if days.len() == 1 {
        let verb = if last.day == today { "is" } else { "was" };
        format!(
            "Pass probability {verb} {} {when}.",
            percent(last.probability)
        )
    } else {
        format!(
            "Pass probability went from {} on {} to {} {when}.",
            percent(first.probability),
            first.day,
            percent(last.probability)
        )
    })
}

#[derive(Properties, PartialEq)]
pub struct HistoryProps {
    /// Oldest first, as the API sends them.
    pub days: Vec<ReadinessDay>,
    /// The current UTC day, so the newest point can be called "today".
    pub today: AttrValue,
}

/// The chance of passing per day as a line over its likely (low–high) band, 0–100 % on the
/// vertical axis, the first and last day under it; the summary sentence is its caption.
#[component(ReadinessHistoryChart)]
pub fn readiness_history_chart(props: &HistoryProps) -> Html {
    let days = &props.days;
    let Some(summary) = history_summary(days, &props.today) else {
        return html! { <p class="empty-state">{ "Answer some questions to start your history." }</p> };
    };
    let plot = HEIGHT - PAD;
    let span = WIDTH - PAD - 8.0;
    let y = |share: f64| plot - share.clamp(0.0, 1.0) * (plot - 8.0);
    let x = |i: usize| match days.len() {
        1 => PAD + span / 2.0,
        n => PAD + span * i as f64 / (n - 1) as f64,
    };
    // A lone day's band gets a little width, or it would not show at all.
    let edges: Vec<(f64, &ReadinessDay)> = match days.as_slice() {
        [only] => vec![(x(0) - 3.0, only), (x(0) + 3.0, only)],
        _ => days.iter().enumerate().map(|(i, d)| (x(i), d)).collect(),
    };
    let band = edges
        .iter()
        .map(|(px, d)| format!("{px:.1},{:.1}", y(d.high)))
        .chain(
            edges
                .iter()
                .rev()
                .map(|(px, d)| format!("{px:.1},{:.1}", y(d.low))),
        )
        .collect::<Vec<_>>()
        .join(" ");
    let line = days
        .iter()
        .enumerate()
        .map(|(i, d)| format!("{:.1},{:.1}", x(i), y(d.probability)))
        .collect::<Vec<_>>()
        .join(" ");
    let radius = if days.len() > 31 { "1.5" } else { "2.5" };
    let points = days.iter().enumerate().map(|(i, d)| {
        html! {
            <circle class="history-point" cx={format!("{:.1}", x(i))} cy={format!("{:.1}", y(d.probability))} r={radius}>
                <title>{ format!("{}: {:.0}% (likely {:.0}–{:.0}%), expected score {}", d.day, d.probability * 100.0, d.low * 100.0, d.high * 100.0, d.expected_score) }</title>
            </circle>
        }
    });
    let label = |i: usize, anchor: &'static str| {
        html! {
            <text class="axis" x={format!("{:.1}", x(i))} y={(HEIGHT - 8.0).to_string()} text-anchor={anchor}>{ days[i].day.clone() }</text>
        }
    };
    let labels = match days.len() {
        1 => label(0, "middle"),
        n => html! { <>{ label(0, "start") }{ label(n - 1, "end") }</> },
    };
    html! {
        <figure class="chart">
            <svg viewBox={format!("0 0 {WIDTH} {HEIGHT}")} aria-hidden="true">
                { grid() }
                <polygon class="history-band" points={band} />
                <polyline class="history-line" points={line} />
                { for points }
                { labels }
            </svg>
            <figcaption class="muted">{ summary }</figcaption>
        </figure>
    }
}

#[derive(Properties, PartialEq)]
pub struct GaugeProps {
    /// 0–1.
    pub probability: f64,
    pub low: f64,
    pub high: f64,
}

/// A half-dial: the needle at the estimate, a band over the interval.
#[component(Gauge)]
pub fn gauge(props: &GaugeProps) -> Html {
    let point = |share: f64, radius: f64| {
        let angle = std::f64::consts::PI * (1.0 - share.clamp(0.0, 1.0));
        (100.0 + radius * angle.cos(), 100.0 - radius * angle.sin())
    };
    let arc = |from: f64, to: f64, radius: f64| {
        let (x1, y1) = point(from, radius);
        let (x2, y2) = point(to, radius);
        format!("M {x1:.2} {y1:.2} A {radius} {radius} 0 0 1 {x2:.2} {y2:.2}")
    };
    let (nx, ny) = point(props.probability, 70.0);
    let percent = props.probability * 100.0;
    let tone = if props.probability >= 0.7 {
        "ok"
    } else if props.probability >= 0.4 {
        "partial"
    } else {
        "bad"
    };
    let label = format!(
        "Chance of passing about {:.0}%, likely between {:.0}% and {:.0}%.",
        percent,
        props.low * 100.0,
        props.high * 100.0
    );
    html! {
        <figure class="gauge">
            <svg viewBox="0 0 200 115" role="img" aria-label={label}>
                <path class="gauge-track" d={arc(0.0, 1.0, 80.0)} />
                <path class={classes!("gauge-band", tone)} d={arc(props.low, props.high.max(props.low + 0.005), 80.0)} />
                <line class="gauge-needle" x1="100" y1="100" x2={format!("{nx:.2}")} y2={format!("{ny:.2}")} />
                <circle class="gauge-hub" cx="100" cy="100" r="5" />
            </svg>
            <figcaption>
                <strong class="gauge-value">{ format!("{percent:.0}%") }</strong>
                { " chance of passing" }
                <br />
                <span class="muted">{ format!("likely {:.0}–{:.0}%", props.low * 100.0, props.high * 100.0) }</span>
            </figcaption>
        </figure>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(day: &str, probability: f64) -> ReadinessDay {
        ReadinessDay {
            day: day.into(),
            probability,
            low: probability - 0.1,
            high: probability + 0.1,
            expected_score: 700,
        }
    }

    #[test]
    fn the_summary_reads_from_the_first_day_to_today() {
        let days = [
            day("2026-10-01", 0.42),
            day("2026-10-02", 0.5),
            day("2026-10-03", 0.68),
        ];
        assert_eq!(
            history_summary(&days, "2026-10-03").as_deref(),
            Some("Pass probability went from 42% on 2026-10-01 to 68% today.")
        );
        // Left open past midnight: the last day is named, not called today.
        assert_eq!(
            history_summary(&days, "2026-10-04").as_deref(),
            Some("Pass probability went from 42% on 2026-10-01 to 68% on 2026-10-03.")
        );
    }

    #[test]
    fn one_day_is_a_level_and_no_days_is_no_summary() {
        let today = [day("2026-10-03", 0.68)];
        assert_eq!(
            history_summary(&today, "2026-10-03").as_deref(),
            Some("Pass probability is 68% today.")
        );
        assert_eq!(
            history_summary(&today, "2026-10-05").as_deref(),
            Some("Pass probability was 68% on 2026-10-03.")
        );
        assert_eq!(history_summary(&[], "2026-10-03"), None);
    }
}
