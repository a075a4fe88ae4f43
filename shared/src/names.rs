//! The one spelling of each enum's values: on the wire (serde's `snake_case`), in stored rows
//! and in the seed files. `parse` of anything else names the field and what it may be.

use crate::account::{Role, UserKind};
use crate::authoring::QuestionStatus;
use crate::billing::{BillingInterval, Metered, Plan};
use crate::learning::{Filter, Mode, Navigation, QuestionKind};
use crate::reports::{ReportReason, ReportStatus};

/// A name that is none of an enum's values.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct UnknownName {
    pub field: &'static str,
    pub expected: &'static str,
}

impl std::fmt::Display for UnknownName {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: must be {}", self.field, self.expected)
    }
}

impl std::error::Error for UnknownName {}

macro_rules! names {
    ($enum:ident, $field:literal, $expected:literal, { $($variant:ident => $name:literal),+ $(,)? }) => {
        impl $enum {
            pub const fn as_str(self) -> &'static str {
                match self {
                    $($enum::$variant => $name),+
                }
            }

            pub fn parse(value: &str) -> Result<Self, UnknownName> {
                match value {
                    $($name => Ok($enum::$variant),)+
                    _ => Err(UnknownName { field: $field, expected: $expected }),
                }
            }
        }
    };
}

names!(Navigation, "navigation", "review_allowed or forward_only", {
    ReviewAllowed => "review_allowed",
    ForwardOnly => "forward_only",
});
names!(QuestionKind, "kind", "single, multi or ordering", {
    Single => "single",
    Multi => "multi",
    Ordering => "ordering",
});
names!(Mode, "mode", "practice or mock", {
    Practice => "practice",
    Mock => "mock",
});
names!(Filter, "filter", "all, unseen, missed or due", {
    All => "all",
    Unseen => "unseen",
    Missed => "missed",
    Due => "due",
});
names!(UserKind, "kind", "guest or member", {
    Guest => "guest",
    Member => "member",
});
names!(Role, "role", "learner or admin", {
    Learner => "learner",
    Admin => "admin",
});
names!(ReportReason, "reason", "wrong_key, unclear, typo or outdated", {
    WrongKey => "wrong_key",
    Unclear => "unclear",
    Typo => "typo",
    Outdated => "outdated",
});
names!(ReportStatus, "status", "open, resolved or dismissed", {
    Open => "open",
    Resolved => "resolved",
    Dismissed => "dismissed",
});
names!(Plan, "plan", "free or pro", {
    Free => "free",
    Pro => "pro",
});
names!(BillingInterval, "interval", "monthly or annual", {
    Monthly => "monthly",
    Annual => "annual",
});
names!(Metered, "allowance", "practice_answers, mocks or ai_explanations", {
    PracticeAnswers => "practice_answers",
    Mocks => "mocks",
    AiExplanations => "ai_explanations",
});

#[cfg(test)]
mod tests {
    use super::*;

    /// The stored names are the wire names: serde and `as_str` agree, and `parse` reads both.
    #[test]
    fn every_name_is_the_wire_name_and_parses_back() {
        fn check<T>(values: &[T])
        where
            T: Copy + PartialEq + std::fmt::Debug + serde::Serialize,
            T: NameOf,
        {
            for value in values {
                let wire = serde_json::to_value(value).unwrap();
                assert_eq!(wire, value.name(), "{value:?}");
                assert_eq!(T::read(value.name()), Ok(*value));
            }
        }
        check(&[Navigation::ReviewAllowed, Navigation::ForwardOnly]);
        check(&[
            QuestionKind::Single,
            QuestionKind::Multi,
            QuestionKind::Ordering,
        ]);
        check(&[Mode::Practice, Mode::Mock]);
        check(&[Filter::All, Filter::Unseen, Filter::Missed, Filter::Due]);
        check(&[UserKind::Guest, UserKind::Member]);
        check(&[Role::Learner, Role::Admin]);
        check(&[
            ReportReason::WrongKey,
            ReportReason::Unclear,
            ReportReason::Typo,
            ReportReason::Outdated,
        ]);
        check(&[Plan::Free, Plan::Pro]);
        check(&[BillingInterval::Monthly, BillingInterval::Annual]);
        check(&Metered::ALL);
        check(&[
            ReportStatus::Open,
            ReportStatus::Resolved,
            ReportStatus::Dismissed,
        ]);
        assert_eq!(
            Mode::parse("exam"),
            Err(UnknownName {
                field: "mode",
                expected: "practice or mock"
            })
        );
    }

    trait NameOf: Sized {
        fn name(self) -> &'static str;
        fn read(name: &str) -> Result<Self, UnknownName>;
    }

    macro_rules! name_of {
        ($($enum:ident),*) => {$(
            impl NameOf for $enum {
                fn name(self) -> &'static str { self.as_str() }
                fn read(name: &str) -> Result<Self, UnknownName> { Self::parse(name) }
            }
        )*};
    }
    name_of!(
        Navigation,
        QuestionKind,
        Mode,
        Filter,
        UserKind,
        Role,
        ReportReason,
        ReportStatus,
        Plan,
        BillingInterval,
        Metered
    );
}
names!(QuestionStatus, "status", "draft, in_review, published or retired", {
    Draft => "draft",
    InReview => "in_review",
    Published => "published",
    Retired => "retired",
});
