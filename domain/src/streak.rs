//! Daily streaks: consecutive days with at least one answer.

/// The streak ending today, or yesterday (a learner who has not studied yet today has not broken
/// it). `days` are day numbers (days since any fixed epoch) with answers, in any order.
pub fn streak(days: &[i64], today: i64) -> u32 {
    let start = if days.contains(&today) {
        today
    } else if days.contains(&(today - 1)) {
        today - 1
    } else {
        return 0;
    };
    (0..)
        .take_while(|back| days.contains(&(start - back)))
        .count() as u32
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn streaks_count_back_from_today_or_yesterday() {
        assert_eq!(streak(&[10, 9, 8, 5], 10), 3);
        assert_eq!(
            streak(&[9, 8], 10),
            2,
            "not studied yet today: still a streak"
        );
        assert_eq!(streak(&[8, 7], 10), 0, "a missed day breaks it");
        assert_eq!(streak(&[], 10), 0);
        assert_eq!(streak(&[10], 10), 1);
    }
}
