//! Error responses that several operations document with the same words, declared once and named
//! in each handler's `responses(...)` beside the responses of its own.

// Never built: each type exists only for the response it documents.
#![allow(dead_code)]

use ptp_shared::ErrorBody;
use utoipa::IntoResponses;

#[derive(IntoResponses)]
#[response(status = 401, description = "No valid session")]
pub struct NoValidSession(ErrorBody);

#[derive(IntoResponses)]
#[response(status = 401, description = "No session")]
pub struct NoSession(ErrorBody);

#[derive(IntoResponses)]
#[response(status = 401, description = "No session or API key")]
pub struct NoCredential(ErrorBody);

#[derive(IntoResponses)]
#[response(
    status = 403,
    description = "A guest, an API key or a cross-site request"
)]
pub struct MembersOnly(ErrorBody);

#[derive(IntoResponses)]
#[response(status = 403, description = "An API key, or a cross-site request")]
pub struct BrowserOnly(ErrorBody);

#[derive(IntoResponses)]
#[response(status = 403, description = "Not an administrator")]
pub struct AdminsOnly(ErrorBody);

#[derive(IntoResponses)]
#[response(status = 403, description = "The API key lacks `progress:read`")]
pub struct ProgressScope(ErrorBody);

#[derive(IntoResponses)]
#[response(status = 404, description = "No session of yours has this id")]
pub struct NoSuchSession(ErrorBody);

#[derive(IntoResponses)]
#[response(status = 404, description = "No such exam")]
pub struct NoSuchExam(ErrorBody);

#[derive(IntoResponses)]
#[response(status = 400, description = "`limit` out of range")]
pub struct LimitOutOfRange(ErrorBody);

#[derive(IntoResponses)]
#[response(status = 503, description = "The database is unavailable")]
pub struct DatabaseUnavailable(ErrorBody);
