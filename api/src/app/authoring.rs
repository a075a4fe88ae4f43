//! The console's questions: list, read, preview, write, and move through review to learners.
//! Every write names the version it started from; a newer one wins nothing silently (409 with
//! the newer version), and each is logged with its diff in the write's own transaction.

use axum::Json;
use axum::extract::Path;
use axum::http::StatusCode;
use ptp_domain::content::{Content, Draft};
use ptp_domain::lifecycle::{self, Status};
use ptp_domain::{ExamCode, QuestionId, ValidationError};
use ptp_shared as wire;
use serde::Deserialize;
use serde_json::{Map, Value, json};

use crate::app::current::Current;
use crate::app::json::{ApiJson, ApiQuery};
use crate::app::{caching, responses, views};
use crate::auth::access::Admin;
use crate::error::ApiError;
use crate::ids::new_id;
use crate::ports::Platform;
use crate::store::authoring::{self, Act, Authored, Filter};
use crate::store::{audit, catalog};

fn draft(content: &wire::QuestionContent) -> Draft<'_> {
    Draft {
        kind: content.kind,
        stem: &content.stem,
        choices: &content.choices,
        key: &content.key,
        explanation: &content.explanation,
        references: &content.references,
    }
}

/// The content held to the rules every question keeps; every broken one named by field.
fn checked(content: &wire::QuestionContent) -> Result<Content, ApiError> {
    Content::check(draft(content)).map_err(ApiError::Problems)
}

fn content_fields(c: &Content) -> [(&'static str, Value); 6] {
    [
        ("kind", json!(c.kind)),
        ("stem", json!(c.stem)),
        ("choices", json!(c.choices)),
        ("key", json!(c.key)),
        ("explanation", json!(c.explanation)),
        ("references", json!(c.references)),
    ]
}

/// The fields that differ, each as `[before, after]`, for the audit log.
pub(crate) fn content_diff(before: &Content, after: &Content) -> Map<String, Value> {
    content_fields(before)
        .into_iter()
        .zip(content_fields(after))
        .filter(|((_, was), (_, is))| was != is)
        .map(|((field, was), (_, is))| (field.to_string(), json!([was, is])))
        .collect()
}

fn not_found(id: &str) -> ApiError {
    ApiError::NotFound(format!("The question {id:?}"))
}

fn question_id(id: &str) -> Result<QuestionId, ApiError> {
    QuestionId::parse(id).map_err(|_| not_found(id))
}

async fn load<P: Platform>(platform: &P, id: &QuestionId) -> Result<Authored, ApiError> {
    authoring::get(platform.database()?, id)
        .await?
        .ok_or_else(|| not_found(id.as_str()))
}

/// The refusal of a write made to `base` when the question has moved on: the newer version
/// is in `details.current`.
async fn stale<P: Platform>(platform: &P, id: &QuestionId, base: u32) -> ApiError {
    let current = match load(platform, id).await {
        Ok(current) => current,
        Err(err) => return err,
    };
    ApiError::ConflictWith {
        message: format!(
            "This question changed since version {base}: it is at version {} ({}) now. \
             Review that version and save again.",
            current.record.version,
            current.status.as_str()
        ),
        details: json!({
            "base_version": base,
            "current_version": current.record.version,
            "current": views::admin_question(&current),
        }),
    }
}

/// The exam's domain `domain`, or the rule it breaks.
async fn domain_of<P: Platform>(platform: &P, exam: &str, domain: &str) -> Result<(), ApiError> {
    let record = catalog::exam(platform.database()?, exam)
        .await?
        .ok_or_else(|| ValidationError::new("exam", format!("{exam:?} is not an exam on offer")))?;
    if record.domains.iter().any(|d| d.code == domain) {
        return Ok(());
    }
    let codes: Vec<&str> = record.domains.iter().map(|d| d.code.as_str()).collect();
    Err(ValidationError::new(
        "domain",
        format!("must be one of {}'s: {}", exam, codes.join(", ")),
    )
    .into())
}

#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct QuestionFilter {
    #[param(max_length = 32)]
    exam: Option<String>,
    #[param(max_length = 32)]
    domain: Option<String>,
    status: Option<wire::QuestionStatus>,
    /// The last id of the previous page (its `next_after`).
    #[param(max_length = 64)]
    after: Option<String>,
    /// 1–200, default 50.
    #[param(minimum = 1, maximum = 200)]
    limit: Option<u32>,
}

/// The bank in every status, by id, a page at a time.
#[utoipa::path(
    get,
    path = "/api/v1/admin/questions",
    operation_id = "get_admin_questions",
    tag = "admin",
    params(QuestionFilter),
    responses(
        (status = 200, description = "One page of questions", body = wire::AdminQuestionList),
        (status = 400, description = "A filter or `limit` out of range", body = ptp_shared::ErrorBody),
        responses::NoValidSession,
        responses::AdminsOnly,
    ),
    security(("session" = [])),
)]
pub async fn list<P: Platform>(
    Current(platform): Current<P>,
    Admin(_admin): Admin,
    ApiQuery(query): ApiQuery<QuestionFilter>,
) -> Result<Json<wire::AdminQuestionList>, ApiError> {
    let limit = query.limit.unwrap_or(50);
    if !(1..=200).contains(&limit) {
        return Err(ValidationError::new("limit", "must be between 1 and 200").into());
    }
    for (field, value, max) in [
        ("exam", &query.exam, 32),
        ("domain", &query.domain, 32),
        ("after", &query.after, 64),
    ] {
        if value
            .as_ref()
            .is_some_and(|v| v.is_empty() || v.len() > max)
        {
            return Err(
                ValidationError::new(field, format!("must be 1 to {max} characters")).into(),
            );
        }
    }
    let filter = Filter {
        exam: query.exam.as_deref(),
        domain: query.domain.as_deref(),
        status: query.status,
    };
    let db = platform.database()?;
    let (questions, more) = authoring::list(db, &filter, query.after.as_deref(), limit).await?;
    let next_after = more
        .then(|| questions.last().map(|q| q.id.clone()))
        .flatten();
    Ok(Json(wire::AdminQuestionList {
        questions,
        next_after,
    }))
}

/// One question with its key, status, version and how learners see it.
#[utoipa::path(
    get,
    path = "/api/v1/admin/questions/{id}",
    operation_id = "get_admin_question",
    tag = "admin",
    params(("id" = String, Path, description = "Question id")),
    responses(
        (status = 200, description = "The question", body = wire::AdminQuestion),
        responses::NoValidSession,
        responses::AdminsOnly,
        (status = 404, description = "No such question", body = ptp_shared::ErrorBody),
    ),
    security(("session" = [])),
)]
pub async fn get_question<P: Platform>(
    Current(platform): Current<P>,
    Admin(_admin): Admin,
    Path(id): Path<String>,
) -> Result<Json<wire::AdminQuestion>, ApiError> {
    let id = question_id(&id)?;
    Ok(Json(views::admin_question(&load(&platform, &id).await?)))
}

/// How content would look to learners, and every rule it breaks, without saving anything: the
/// editor's live preview.
#[utoipa::path(
    post,
    path = "/api/v1/admin/questions/preview",
    operation_id = "post_admin_question_preview",
    tag = "admin",
    request_body = wire::QuestionContent,
    responses(
        (status = 200, description = "The rendering and the rules broken (none: it may be saved)", body = wire::PreviewResult),
        (status = 400, description = "Not a question's shape", body = ptp_shared::ErrorBody),
        responses::NoValidSession,
        responses::BrowserOnly,
        responses::AdminsOnly,
    ),
    security(("session" = [])),
)]
pub async fn preview<P: Platform>(
    Current(_platform): Current<P>,
    Admin(_admin): Admin,
    ApiJson(content): ApiJson<wire::QuestionContent>,
) -> Result<Json<wire::PreviewResult>, ApiError> {
    let problems = match Content::check(draft(&content)) {
        Ok(_) => vec![],
        Err(problems) => problems
            .into_iter()
            .map(|p| wire::FieldProblem {
                field: p.field.to_string(),
                reason: p.reason,
            })
            .collect(),
    };
    // Shown as written (trimmed), rules kept or not, with the choices a question can have.
    let shown = Content {
        kind: content.kind,
        stem: content.stem.trim().to_string(),
        choices: content
            .choices
            .iter()
            .take(6)
            .map(|c| c.trim().to_string())
            .collect(),
        key: content
            .key
            .iter()
            .take(6)
            .map(|k| k.trim().to_string())
            .collect(),
        explanation: content.explanation.trim().to_string(),
        references: content
            .references
            .iter()
            .take(10)
            .map(|r| r.trim().to_string())
            .collect(),
    };
    Ok(Json(wire::PreviewResult {
        question: views::preview("preview", "preview", &shown),
        problems,
    }))
}

/// Characters of the random part of a console-made question's id (`<exam>-<domain>-<random>`):
/// never a seed id, so `xtask seed` cannot collide with it.
const ID_RANDOM_CHARS: usize = 8;

/// A new draft (status `draft`, version 1).
#[utoipa::path(
    post,
    path = "/api/v1/admin/questions",
    operation_id = "post_admin_questions",
    tag = "admin",
    request_body = wire::NewQuestion,
    responses(
        (status = 201, description = "The new draft", body = wire::AdminQuestion),
        (status = 400, description = "A rule the question breaks, per field (`details.problems`), or an unknown exam or domain", body = ptp_shared::ErrorBody),
        responses::NoValidSession,
        responses::BrowserOnly,
        responses::AdminsOnly,
    ),
    security(("session" = [])),
)]
pub async fn create<P: Platform>(
    Current(platform): Current<P>,
    Admin(admin): Admin,
    ApiJson(new): ApiJson<wire::NewQuestion>,
) -> Result<(StatusCode, Json<wire::AdminQuestion>), ApiError> {
    let exam = ExamCode::parse(&new.exam)?;
    let content = checked(&new.content)?;
    domain_of(&platform, exam.as_str(), &new.domain).await?;
    let random: String = new_id()
        .chars()
        .filter(char::is_ascii_alphanumeric)
        .take(ID_RANDOM_CHARS)
        .collect::<String>()
        .to_ascii_lowercase();
    let id = QuestionId::parse(&format!(
        "{}-{}-{random}",
        exam.as_str().to_ascii_lowercase(),
        new.domain
    ))
    .map_err(|_| ValidationError::new("domain", "makes no valid question id"))?;
    let mut diff: Map<String, Value> = content_fields(&content)
        .into_iter()
        .map(|(field, value)| (field.to_string(), json!([null, value])))
        .collect();
    diff.insert("exam".into(), json!(exam.as_str()));
    diff.insert("domain".into(), json!(new.domain));
    let act = Act {
        actor: &admin.id,
        now_ms: platform.now_millis(),
        diff: &Value::Object(diff),
    };
    let db = platform.database()?;
    if !authoring::create(db, &id, exam.as_str(), &new.domain, &content, &act).await? {
        return Err(ApiError::Conflict(
            "The exam or its domain changed meanwhile, or the new id was taken; save again.".into(),
        ));
    }
    let created = load(&platform, &id).await?;
    Ok((StatusCode::CREATED, Json(views::admin_question(&created))))
}

/// The whole content saved as the next version of `base_version`, keeping its status (a
/// published question's learners see the new version at once; sessions that drew the old one
/// keep it).
#[utoipa::path(
    put,
    path = "/api/v1/admin/questions/{id}",
    operation_id = "put_admin_question",
    tag = "admin",
    params(("id" = String, Path, description = "Question id")),
    request_body = wire::SaveQuestion,
    responses(
        (status = 200, description = "The new version", body = wire::AdminQuestion),
        (status = 400, description = "A rule the question breaks, per field (`details.problems`), or an unknown domain", body = ptp_shared::ErrorBody),
        responses::NoValidSession,
        responses::BrowserOnly,
        responses::AdminsOnly,
        (status = 404, description = "No such question", body = ptp_shared::ErrorBody),
        (status = 409, description = "Saved by someone else since `base_version`: the newer version is in `details.current`", body = ptp_shared::ErrorBody),
    ),
    security(("session" = [])),
)]
pub async fn save<P: Platform>(
    Current(platform): Current<P>,
    Admin(admin): Admin,
    Path(id): Path<String>,
    ApiJson(save): ApiJson<wire::SaveQuestion>,
) -> Result<Json<wire::AdminQuestion>, ApiError> {
    let id = question_id(&id)?;
    let content = checked(&save.content)?;
    write_version(
        &platform,
        &admin.id,
        &id,
        save.base_version,
        &save.domain,
        &content,
        None,
    )
    .await
    .map(Json)
}

/// Saves `content` in `domain` as the version after `base` (restoring `restored_from`, when
/// given), purging the catalogue when learners see the question.
async fn write_version<P: Platform>(
    platform: &P,
    actor: &ptp_domain::UserId,
    id: &QuestionId,
    base: u32,
    domain: &str,
    content: &Content,
    restored_from: Option<u32>,
) -> Result<wire::AdminQuestion, ApiError> {
    let before = load(platform, id).await?;
    if before.record.version != base {
        return Err(stale(platform, id, base).await);
    }
    domain_of(platform, &before.record.exam, domain).await?;
    let mut diff = content_diff(&before.record.content, content);
    if before.record.domain != domain {
        diff.insert("domain".into(), json!([before.record.domain, domain]));
    }
    if diff.is_empty() {
        return Err(ValidationError::new("content", "is the same as the current version").into());
    }
    diff.insert("version".into(), json!([base, base + 1]));
    if let Some(version) = restored_from {
        diff.insert("restored_from".into(), json!(version));
    }
    let act = Act {
        actor,
        now_ms: platform.now_millis(),
        diff: &Value::Object(diff),
    };
    if !authoring::save(platform.database()?, id, base, domain, content, &act).await? {
        return Err(stale(platform, id, base).await);
    }
    if before.status == Status::Published {
        caching::purge_catalog(platform).await;
    }
    Ok(views::admin_question(&load(platform, id).await?))
}

/// A move through the question's life: submit for review, send back, publish, retire,
/// restore. Publishing, retiring and restoring purge the catalogue caches.
#[utoipa::path(
    post,
    path = "/api/v1/admin/questions/{id}/status",
    operation_id = "post_admin_question_status",
    tag = "admin",
    params(("id" = String, Path, description = "Question id")),
    request_body = wire::ChangeStatus,
    responses(
        (status = 200, description = "The question in its new status", body = wire::AdminQuestion),
        responses::NoValidSession,
        responses::BrowserOnly,
        responses::AdminsOnly,
        (status = 404, description = "No such question", body = ptp_shared::ErrorBody),
        (status = 409, description = "No such move from its status (`details.allowed` lists those there are), or it changed since `base_version`", body = ptp_shared::ErrorBody),
    ),
    security(("session" = [])),
)]
pub async fn change_status<P: Platform>(
    Current(platform): Current<P>,
    Admin(admin): Admin,
    Path(id): Path<String>,
    ApiJson(change): ApiJson<wire::ChangeStatus>,
) -> Result<Json<wire::AdminQuestion>, ApiError> {
    let id = question_id(&id)?;
    let before = load(&platform, &id).await?;
    if before.record.version != change.base_version {
        return Err(stale(&platform, &id, change.base_version).await);
    }
    let from = before.status;
    let Some(step) = lifecycle::step(from, change.status) else {
        return Err(ApiError::ConflictWith {
            message: format!(
                "A {} question cannot become {}.",
                from.as_str(),
                change.status.as_str()
            ),
            details: json!({
                "status": from,
                "allowed": lifecycle::next(from),
            }),
        });
    };
    let diff = json!({
        "status": [from, change.status],
        "version": change.base_version,
    });
    let act = Act {
        actor: &admin.id,
        now_ms: platform.now_millis(),
        diff: &diff,
    };
    let db = platform.database()?;
    if !authoring::change_status(db, &id, change.base_version, from, step, &act).await? {
        return Err(stale(&platform, &id, change.base_version).await);
    }
    if step.reaches_learners() {
        caching::purge_catalog(&platform).await;
    }
    Ok(Json(views::admin_question(&load(&platform, &id).await?)))
}

/// An old version's content saved as the newest version (held to today's rules).
#[utoipa::path(
    post,
    path = "/api/v1/admin/questions/{id}/versions/{version}/restore",
    operation_id = "post_admin_question_version_restore",
    tag = "admin",
    params(
        ("id" = String, Path, description = "Question id"),
        ("version" = u32, Path, description = "The version to bring back"),
    ),
    request_body = wire::RestoreVersion,
    responses(
        (status = 200, description = "The new version, with the old content", body = wire::AdminQuestion),
        (status = 400, description = "The old version breaks a rule questions keep now, or is the current content", body = ptp_shared::ErrorBody),
        responses::NoValidSession,
        responses::BrowserOnly,
        responses::AdminsOnly,
        (status = 404, description = "No such question or version", body = ptp_shared::ErrorBody),
        (status = 409, description = "Saved by someone else since `base_version`", body = ptp_shared::ErrorBody),
    ),
    security(("session" = [])),
)]
pub async fn restore_version<P: Platform>(
    Current(platform): Current<P>,
    Admin(admin): Admin,
    Path((id, version)): Path<(String, u32)>,
    ApiJson(restore): ApiJson<wire::RestoreVersion>,
) -> Result<Json<wire::AdminQuestion>, ApiError> {
    let id = question_id(&id)?;
    let old = audit::version(platform.database()?, &id, version)
        .await?
        .ok_or_else(|| ApiError::NotFound(format!("Version {version} of {id}")))?;
    let kind = ptp_shared::QuestionKind::parse(&old.kind)
        .map_err(|_| ApiError::Internal(format!("stored kind {:?} of {id}", old.kind)))?;
    let content = Content::check(Draft {
        kind,
        stem: &old.stem,
        choices: &old.choices,
        key: &old.key,
        explanation: &old.explanation,
        references: &old.references,
    })
    .map_err(ApiError::Problems)?;
    write_version(
        &platform,
        &admin.id,
        &id,
        restore.base_version,
        &old.domain,
        &content,
        Some(version),
    )
    .await
    .map(Json)
}
