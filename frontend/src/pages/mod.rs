//! One component per route.

mod account;
pub mod admin;
mod exam;
mod exams;
mod home;
mod not_found;
mod pricing;
mod progress;
mod session;

pub use account::Account;
pub use exam::Exam;
pub use exams::Exams;
pub use home::Home;
pub use not_found::NotFound;
pub use pricing::Pricing;
pub use progress::ProgressPage;
pub use session::{SessionPage, SessionReview};
