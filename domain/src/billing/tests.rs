use super::*;

/// 2026-12-02T12:00:00Z, a Wednesday.
const WEDNESDAY_NOON: u64 = 1_796_212_800_000;
const GRACE: u64 = 7 * DAY_MS;

fn plans() -> Plans {
    Plans {
        free: Limits {
            practice_answers_per_day: Some(25),
            mocks_per_week: Some(1),
            ai_explanations_per_day: 3,
            readiness_history: false,
        },
        pro: Limits {
            practice_answers_per_day: None,
            mocks_per_week: None,
            ai_explanations_per_day: 30,
            readiness_history: true,
        },
    }
}

fn active(period_end_ms: u64) -> Subscription {
    Subscription {
        status: Status::Active,
        period_end_ms,
        cancel_at_period_end: false,
        payment_failed_at_ms: None,
        state_at_ms: WEDNESDAY_NOON - DAY_MS,
    }
}

#[test]
fn days_renew_at_utc_midnight_and_weeks_on_monday() {
    assert_eq!(
        Window::Day.renews_at_ms(WEDNESDAY_NOON),
        1_796_256_000_000,
        "2026-12-03T00:00Z"
    );
    assert_eq!(
        Window::Week.start_ms(WEDNESDAY_NOON),
        1_795_996_800_000,
        "Monday 2026-11-30T00:00Z"
    );
    assert_eq!(
        Window::Week.renews_at_ms(WEDNESDAY_NOON),
        1_796_601_600_000,
        "Monday 2026-12-07T00:00Z"
    );
    let monday = Window::Week.start_ms(WEDNESDAY_NOON);
    assert_eq!(
        Window::Week.start_ms(monday),
        monday,
        "Monday 00:00 opens its own week"
    );
    assert_eq!(Window::Week.start_ms(monday - 1), monday - WEEK_MS);
}

#[test]
fn free_meters_everything_and_pro_only_explanations() {
    let p = plans();
    for metered in Metered::ALL {
        assert!(Allowance::of(&p, Plan::Free, metered, 0, WEDNESDAY_NOON).is_some());
    }
    assert_eq!(
        Allowance::of(
            &p,
            Plan::Pro,
            Metered::PracticeAnswers,
            10_000,
            WEDNESDAY_NOON
        ),
        None
    );
    assert_eq!(
        Allowance::of(&p, Plan::Pro, Metered::Mocks, 50, WEDNESDAY_NOON),
        None
    );
    let pro = Allowance::of(&p, Plan::Pro, Metered::AiExplanations, 30, WEDNESDAY_NOON).unwrap();
    assert!(pro.admit(1).is_err());
    assert!(!pro.upgrade_lifts(), "nothing to upgrade to from Pro");
}

#[test]
fn the_last_unit_is_admitted_and_the_next_refused() {
    let p = plans();
    let at = |used| {
        Allowance::of(
            &p,
            Plan::Free,
            Metered::PracticeAnswers,
            used,
            WEDNESDAY_NOON,
        )
    };
    let last = at(24).unwrap().admit(1).unwrap();
    assert_eq!(last.remaining(), 1);
    let refused = at(25).unwrap().admit(1).unwrap_err();
    assert_eq!((refused.remaining(), refused.limit), (0, 25));
    assert!(refused.upgrade_lifts());
    assert_eq!(refused.renews_at_ms, 1_796_256_000_000);
}

#[test]
fn an_active_subscription_is_pro_until_its_period_ends_plus_grace_for_a_late_renewal() {
    let end = WEDNESDAY_NOON + DAY_MS;
    let sub = active(end);
    assert_eq!(plan_of(&[sub], WEDNESDAY_NOON, GRACE), Plan::Pro);
    assert_eq!(plan_of(&[sub], end + GRACE - 1, GRACE), Plan::Pro);
    assert_eq!(plan_of(&[sub], end + GRACE, GRACE), Plan::Free);
    assert_eq!(plan_of(&[], WEDNESDAY_NOON, GRACE), Plan::Free);
}

#[test]
fn a_cancelled_subscription_is_pro_to_the_period_end_then_free() {
    let end = WEDNESDAY_NOON + DAY_MS;
    let cancelling = Subscription {
        cancel_at_period_end: true,
        ..active(end)
    };
    assert_eq!(plan_of(&[cancelling], end - 1, GRACE), Plan::Pro);
    assert_eq!(plan_of(&[cancelling], end, GRACE), Plan::Free);
    let deleted = Subscription {
        status: Status::parse("canceled"),
        ..cancelling
    };
    assert_eq!(plan_of(&[deleted], WEDNESDAY_NOON, GRACE), Plan::Free);
}

#[test]
fn a_failed_payment_keeps_pro_through_the_grace_period_only() {
    let failed_at = WEDNESDAY_NOON;
    let past_due = Subscription {
        status: Status::parse("past_due"),
        payment_failed_at_ms: Some(failed_at),
        ..active(WEDNESDAY_NOON + 30 * DAY_MS)
    };
    assert_eq!(past_due.grace_until_ms(GRACE), Some(failed_at + GRACE));
    assert_eq!(
        plan_of(&[past_due], failed_at + GRACE - 1, GRACE),
        Plan::Pro
    );
    assert_eq!(plan_of(&[past_due], failed_at + GRACE, GRACE), Plan::Free);
    let unpaid = Subscription {
        status: Status::parse("unpaid"),
        ..past_due
    };
    assert_eq!(plan_of(&[unpaid], failed_at + 1, GRACE), Plan::Free);
    let without_failure_event = Subscription {
        payment_failed_at_ms: None,
        state_at_ms: failed_at,
        ..past_due
    };
    assert_eq!(
        without_failure_event.grace_until_ms(GRACE),
        Some(failed_at + GRACE),
        "past_due alone starts the grace at the state's time"
    );
}

#[test]
fn unknown_statuses_never_entitle() {
    for status in [
        "incomplete",
        "incomplete_expired",
        "paused",
        "something_new",
        "",
    ] {
        assert_eq!(Status::parse(status), Status::Lapsed, "{status}");
    }
}
