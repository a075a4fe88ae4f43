//! Small charts drawn with plain HTML and SVG. Each carries a text equivalent for screen readers.

use ptp_shared::DailyAccuracy;
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
    let grid = [0.0, 0.5, 1.0].map(|share| {
        let y = plot - share * (plot - 8.0);
        html! {
            <g class="grid">
                <line x1={PAD.to_string()} x2={WIDTH.to_string()} y1={y.to_string()} y2={y.to_string()} />
                <text x={(PAD - 4.0).to_string()} y={(y + 4.0).to_string()} text-anchor="end">{ format!("{:.0}", share * 100.0) }</text>
            </g>
        }
    });
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
                { for grid }
                { for columns }
            </svg>
            <figcaption class="muted">{ "Accuracy per day (%), last 30 days" }</figcaption>
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
