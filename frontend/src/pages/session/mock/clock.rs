//! The server's clock and the countdown to a mock's deadline. Only the countdown re-renders
//! every second, not the player around it.

use gloo::timers::callback::Interval;
use yew::prelude::*;

/// The server's clock minus ours (ms), taken once from a view's `server_time`, so the
/// countdown follows the server's deadline whatever the learner's clock says.
#[hook]
pub fn use_server_offset(server_time_ms: f64) -> f64 {
    *use_memo((), move |_| server_time_ms - js_sys::Date::now())
}

/// `ms` as the countdown shows it: `MM:SS`, or `H:MM:SS` from an hour up.
pub fn clock(ms: f64) -> String {
    let seconds = (ms / 1000.0).ceil().max(0.0) as u64;
    let (h, m, s) = (seconds / 3600, seconds / 60 % 60, seconds % 60);
    if h > 0 {
        format!("{h}:{m:02}:{s:02}")
    } else {
        format!("{m:02}:{s:02}")
    }
}

#[derive(Properties, PartialEq)]
pub struct CountdownProps {
    /// The deadline by the server's clock (ms).
    pub deadline: f64,
    /// The server's clock minus ours (ms).
    pub offset: f64,
    /// At the deadline, and every five seconds after it until the player is replaced.
    pub on_expired: Callback<()>,
}

#[component(Countdown)]
pub fn countdown(props: &CountdownProps) -> Html {
    let now = use_state(js_sys::Date::now);
    {
        let now = now.clone();
        use_effect_with((), move |_| {
            let tick = Interval::new(1000, move || now.set(js_sys::Date::now()));
            move || drop(tick)
        });
    }
    let left = props.deadline - (*now + props.offset);
    {
        // At the deadline ask the server, which finishes the mock; ask again every few seconds
        // in case the first question came a moment early.
        let expired = left <= 0.0;
        let bucket = if expired { (*now / 5000.0) as i64 } else { 0 };
        let on_expired = props.on_expired.clone();
        use_effect_with((expired, bucket), move |(expired, _)| {
            if *expired {
                on_expired.emit(());
            }
        });
    }
    let urgent = left < 5.0 * 60_000.0;
    let minutes_left = (left / 60_000.0).ceil() as i64;
    let announce =
        matches!(minutes_left, 10 | 5 | 1).then(|| format!("{minutes_left} minutes left"));
    html! {
        <>
            <p class={classes!("timer", urgent.then_some("urgent"))} role="timer" aria-label="Time left">
                { clock(left) }
            </p>
            <p class="visually-hidden" aria-live="assertive">{ announce.unwrap_or_default() }</p>
        </>
    }
}

#[cfg(test)]
mod tests {
    use super::clock;

    #[test]
    fn the_countdown_rounds_up_to_the_second_and_never_goes_negative() {
        assert_eq!(clock(61_001.0), "01:02");
        assert_eq!(clock(3_600_000.0), "1:00:00");
        assert_eq!(clock(-5.0), "00:00");
    }
}
