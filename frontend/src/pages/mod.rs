//! One component per route.

mod account;
pub mod admin;
mod exam;
mod exams;
mod home;
mod not_found;
mod progress;
mod session;

pub use account::Account;
pub use exam::Exam;
pub use exams::Exams;
pub use home::Home;
pub use not_found::NotFound;
pub use progress::ProgressPage;
pub use session::{SessionPage, SessionReview};
