//! The bank as files: an exam's questions (or a filter of them) exported in the seed's TOML or
//! as JSON, and the same files imported — a dry run that says what would be created, changed or
//! refused and why, then an apply that writes all of it in one transaction or nothing.

use axum::Json;
use axum::body::Body;
use axum::http::{HeaderMap, HeaderValue, header};
use axum::response::{IntoResponse, Response};
use futures_util::StreamExt;
use ptp_domain::bank::{self, FileError, Importer, MAX_FILE_BYTES, MAX_QUESTIONS, Step};
use ptp_domain::lifecycle::Status;
use ptp_domain::{ExamCode, ValidationError};
use ptp_shared as wire;
use ptp_shared::bank::{BankFormat, ImportChange, ImportRefusal, ImportReport, QuestionFile};
use serde::Deserialize;
use serde_json::json;

use crate::app::caching;
use crate::app::current::Current;
use crate::app::json::ApiQuery;
use crate::app::responses;
use crate::auth::access::Admin;
use crate::error::ApiError;
use crate::ids::new_id;
use crate::ports::Platform;
use crate::store::authoring::Filter;
use crate::store::{bank as stored, catalog};

/// The most questions of one exam an import plans against.
const MAX_BANK: usize = 50_000;

/// The exam, as the catalogue has it, with its domain codes.
async fn exam_of<P: Platform>(
    platform: &P,
    exam: &str,
) -> Result<(ExamCode, Vec<String>), ApiError> {
    let code = ExamCode::parse(exam)?;
    let record = catalog::exam(platform.database()?, code.as_str())
        .await?
        .ok_or_else(|| ApiError::NotFound(format!("The exam {exam:?}")))?;
    Ok((code, record.domains.into_iter().map(|d| d.code).collect()))
}

#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ExportQuery {
    #[param(max_length = 32)]
    exam: String,
    #[param(max_length = 32)]
    domain: Option<String>,
    status: Option<wire::QuestionStatus>,
    /// `toml` (the default, the seed's format) or `json`.
    #[param(inline)]
    format: Option<BankFormat>,
}

/// An exam's questions in every status (or those of one domain or status) as a file that
/// `POST /api/v1/admin/import` and `cargo xtask seed` read back.
#[utoipa::path(
    get,
    path = "/api/v1/admin/export",
    operation_id = "get_admin_export",
    tag = "admin",
    params(ExportQuery),
    responses(
        (status = 200, description = "The questions as a file, by id", content(
            (String = "application/toml"),
            (wire::bank::QuestionFile = "application/json"),
        )),
        (status = 400, description = "A filter out of range, or more questions than one file takes", body = ptp_shared::ErrorBody),
        responses::NoValidSession,
        responses::AdminsOnly,
        (status = 404, description = "No such exam", body = ptp_shared::ErrorBody),
    ),
    security(("session" = [])),
)]
pub async fn export<P: Platform>(
    Current(platform): Current<P>,
    Admin(_admin): Admin,
    ApiQuery(query): ApiQuery<ExportQuery>,
) -> Result<Response, ApiError> {
    if query
        .domain
        .as_ref()
        .is_some_and(|d| d.is_empty() || d.len() > 32)
    {
        return Err(ValidationError::new("domain", "must be 1 to 32 characters").into());
    }
    let (exam, _) = exam_of(&platform, &query.exam).await?;
    let filter = Filter {
        exam: Some(exam.as_str()),
        domain: query.domain.as_deref(),
        status: query.status,
    };
    let found = stored::of_exam(platform.database()?, &filter, MAX_QUESTIONS + 1).await?;
    if found.len() > MAX_QUESTIONS {
        return Err(ValidationError::new(
            "exam",
            format!("holds more than {MAX_QUESTIONS} such questions; export a domain or status at a time"),
        )
        .into());
    }
    let file = QuestionFile {
        questions: found
            .iter()
            .map(|q| bank::seed_of(q.record.id.as_str(), &q.record.domain, &q.record.content))
            .collect(),
    };
    let format = query.format.unwrap_or_default();
    let mut response = bank::write(format, &file).into_response();
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static(format.media_type()),
    );
    let name = format!(
        "attachment; filename=\"{}-questions.{}\"",
        exam.as_str().to_ascii_lowercase(),
        format.extension()
    );
    if let Ok(value) = HeaderValue::from_str(&name) {
        headers.insert(header::CONTENT_DISPOSITION, value);
    }
    Ok(response)
}

#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ImportQuery {
    #[param(max_length = 32)]
    exam: String,
    /// `toml` (the default) or `json`.
    #[param(inline)]
    format: Option<BankFormat>,
    /// `true` (the default): report only. `false`: apply.
    dry_run: Option<bool>,
}

/// Reads the body whole, refusing one over the limit before parsing a byte of it. An oversize
/// body is still read to its end, discarded as it comes: answering before the client has sent
/// it all makes the runtime drop the connection, and the client would see a reset, not the 413.
async fn file_bytes(headers: &HeaderMap, body: Body) -> Result<Vec<u8>, ApiError> {
    let declared = headers
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    let mut over = declared.is_some_and(|length| length > MAX_FILE_BYTES as u64);
    let mut kept = Vec::new();
    let mut chunks = body.into_data_stream();
    while let Some(chunk) = chunks.next().await {
        let chunk = chunk
            .map_err(|err| ApiError::BadRequest(format!("The body could not be read: {err}")))?;
        if over || kept.len() + chunk.len() > MAX_FILE_BYTES {
            over = true;
            kept = Vec::new();
        } else {
            kept.extend_from_slice(&chunk);
        }
    }
    if over {
        return Err(ApiError::TooLarge(format!(
            "An import takes a file of at most {MAX_FILE_BYTES} bytes."
        )));
    }
    Ok(kept)
}

/// A file of questions for one exam held to the rules and compared with its bank. The dry run
/// writes nothing; the apply writes every new question (in review, for a person to publish) and
/// every new version in one transaction with one audit entry, or — a question refused, or the
/// bank changed meanwhile — nothing.
#[utoipa::path(
    post,
    path = "/api/v1/admin/import",
    operation_id = "post_admin_import",
    tag = "admin",
    params(ImportQuery),
    request_body(description = "A question file, as the export writes it (at most 5 MB and 5000 questions)", content(
        (String = "application/toml"),
        (wire::bank::QuestionFile = "application/json"),
    )),
    responses(
        (status = 200, description = "What the file holds against the bank, and whether it was written", body = ImportReport),
        (status = 400, description = "A file that cannot be read, or (applying) questions that break a rule: the report in `details.report`", body = ptp_shared::ErrorBody),
        responses::NoValidSession,
        responses::BrowserOnly,
        responses::AdminsOnly,
        (status = 404, description = "No such exam", body = ptp_shared::ErrorBody),
        (status = 409, description = "The bank changed while the import was planned; nothing was written", body = ptp_shared::ErrorBody),
        (status = 413, description = "Over 5 MB: refused before parsing", body = ptp_shared::ErrorBody),
    ),
    security(("session" = [])),
)]
pub async fn import<P: Platform>(
    Current(platform): Current<P>,
    Admin(admin): Admin,
    ApiQuery(query): ApiQuery<ImportQuery>,
    headers: HeaderMap,
    body: Body,
) -> Result<Json<ImportReport>, ApiError> {
    let bytes = file_bytes(&headers, body).await?;
    let format = query.format.unwrap_or_default();
    let file = bank::parse(format, &bytes).map_err(|err| match err {
        FileError::TooLarge(_) => ApiError::TooLarge(err.to_string()),
        FileError::Malformed(reason) => ValidationError::new("file", reason).into(),
    })?;
    let (exam, domains) = exam_of(&platform, &query.exam).await?;
    let domains: Vec<&str> = domains.iter().map(String::as_str).collect();
    let checked = bank::check(exam.as_str(), &domains, &file.questions);
    let db = platform.database()?;
    let filter = Filter {
        exam: Some(exam.as_str()),
        ..Filter::default()
    };
    let bank_now = stored::of_exam(db, &filter, MAX_BANK).await?;
    let existing: std::collections::BTreeMap<&str, (bank::Stored, Status)> = bank_now
        .iter()
        .map(|q| {
            let stored = bank::Stored {
                version: q.record.version,
                domain: q.record.domain.clone(),
                content: q.record.content.clone(),
                seeded: q.updated_by == "seed",
            };
            (q.record.id.as_str(), (stored, q.status))
        })
        .collect();
    let mut report = ImportReport {
        exam: exam.as_str().to_string(),
        dry_run: query.dry_run.unwrap_or(true),
        applied: false,
        questions: file.questions.len() as u32,
        created: vec![],
        changed: vec![],
        unchanged: vec![],
        refused: vec![],
    };
    let (mut create, mut change) = (vec![], vec![]);
    let mut touches_learners = false;
    for (position, (seed, result)) in file.questions.iter().zip(&checked).enumerate() {
        let question = match result {
            Ok(question) => question,
            Err(problems) => {
                report.refused.push(ImportRefusal {
                    position: position as u32 + 1,
                    id: seed.id.clone(),
                    problems: problems
                        .iter()
                        .map(|p| wire::FieldProblem {
                            field: p.field.into(),
                            reason: p.reason.clone(),
                        })
                        .collect(),
                });
                continue;
            }
        };
        let now = existing.get(question.id.as_str());
        match bank::step(Importer::Console, question, now.map(|(s, _)| s)) {
            Step::Create => {
                report.created.push(question.id.to_string());
                create.push(question);
            }
            Step::Change { base, fields } => {
                touches_learners |= now.is_some_and(|(_, status)| *status == Status::Published);
                report.changed.push(ImportChange {
                    id: question.id.to_string(),
                    base_version: base,
                    fields: fields.iter().map(|f| f.to_string()).collect(),
                });
                change.push((question, base));
            }
            Step::Unchanged | Step::Kept => report.unchanged.push(question.id.to_string()),
        }
    }
    if report.dry_run {
        return Ok(Json(report));
    }
    if !report.refused.is_empty() {
        return Err(ApiError::InvalidWith {
            message: format!(
                "{} of the file's {} questions break a rule; nothing was imported.",
                report.refused.len(),
                report.questions
            ),
            details: json!({ "report": report }),
        });
    }
    if !create.is_empty() || !change.is_empty() {
        let token = new_id();
        let plan = stored::Import {
            exam: exam.as_str(),
            actor: &admin.id,
            now_ms: platform.now_millis(),
            token: &token,
            read: bank_now
                .iter()
                .map(|q| (q.record.id.to_string(), q.record.version))
                .collect(),
            create,
            change,
            diff: json!({
                "format": format.extension(),
                "created": report.created,
                "changed": report.changed.iter().map(|c| (c.id.clone(), json!(c.fields))).collect::<serde_json::Map<_, _>>(),
            }),
        };
        if !stored::import(db, &plan).await? {
            return Err(ApiError::Conflict(format!(
                "The {} bank changed while this import was planned; nothing was written. Run it again.",
                exam.as_str()
            )));
        }
        if touches_learners {
            caching::purge_catalog(&platform).await;
        }
    }
    report.applied = true;
    Ok(Json(report))
}
