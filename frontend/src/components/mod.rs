//! Pieces shared by several pages.

mod account_menu;
pub mod allowance;
pub mod charts;
mod cost_banner;
mod explain;
mod guest_banner;
mod manage_billing;
pub mod question;
mod report;
mod trends;
mod upgrade;

pub use account_menu::AccountMenu;
pub use allowance::AllowanceLeft;
pub use cost_banner::CostBanner;
pub use explain::ExplainMistakeButton;
pub use guest_banner::GuestBanner;
pub use manage_billing::ManageBillingButton;
pub use question::QuestionCard;
pub use report::ReportButton;
pub use trends::ExamTrendsCard;
pub use upgrade::FailureNotice;

/// The path and query the browser is on, to come back to after signing in.
pub fn current_path() -> String {
    gloo::utils::window()
        .location()
        .pathname()
        .map(|path| {
            let search = gloo::utils::window()
                .location()
                .search()
                .unwrap_or_default();
            format!("{path}{search}")
        })
        .unwrap_or_else(|_| "/".into())
}
