//! One component per route.

mod account;
mod exams;
mod home;
mod not_found;

pub use account::Account;
pub use exams::Exams;
pub use home::Home;
pub use not_found::NotFound;
