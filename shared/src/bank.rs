//! The bank as a file: the seed's question format (TOML in `seed/questions/`, or the same shape
//! as JSON), which the console exports and imports, and what an import found in one.

use serde::{Deserialize, Serialize};

use crate::authoring::FieldProblem;

/// A file of questions: `[[questions]]` tables in TOML, `{"questions": […]}` in JSON.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct QuestionFile {
    pub questions: Vec<QuestionSeed>,
}

/// One question as a file holds it. Kind and key stay text so a wrong one is reported as that
/// question's problem, not as a file that cannot be read.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct QuestionSeed {
    pub id: String,
    pub domain: String,
    /// The vendor's numbered sub-objective the question tests (`2.4`); the seed requires it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub objective: Option<String>,
    /// Declared difficulty, 1 (easy) to 3 (hard); the seed requires it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub difficulty: Option<u8>,
    /// `single`, `multi` or `ordering`.
    pub kind: String,
    pub stem: String,
    pub choices: Vec<ChoiceSeed>,
    pub key: Vec<String>,
    pub explanation: String,
    pub references: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct ChoiceSeed {
    /// `a`, `b`, … in order.
    pub id: String,
    pub text: String,
}

/// How a question file is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum BankFormat {
    /// The seed's format.
    #[default]
    Toml,
    Json,
}

impl BankFormat {
    pub fn media_type(self) -> &'static str {
        match self {
            BankFormat::Toml => "application/toml",
            BankFormat::Json => "application/json",
        }
    }

    pub fn extension(self) -> &'static str {
        match self {
            BankFormat::Toml => "toml",
            BankFormat::Json => "json",
        }
    }
}

/// A question the import would change: the fields that differ from `base_version`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ImportChange {
    pub id: String,
    pub base_version: u32,
    /// `domain`, `kind`, `stem`, `choices`, `key`, `explanation`, `references`.
    pub fields: Vec<String>,
}

/// A question of the file that breaks a rule, by its place in the file (from 1).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ImportRefusal {
    pub position: u32,
    pub id: String,
    pub problems: Vec<FieldProblem>,
}

/// `POST /api/v1/admin/import`: what the file holds against the bank. A dry run writes nothing;
/// an apply writes all of it in one transaction, or (any refusal) nothing.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ImportReport {
    pub exam: String,
    pub dry_run: bool,
    /// Whether this request wrote the bank.
    pub applied: bool,
    /// Questions in the file.
    pub questions: u32,
    /// New ids: they arrive in review, for a person to publish.
    pub created: Vec<String>,
    pub changed: Vec<ImportChange>,
    /// Ids whose content is already exactly this.
    pub unchanged: Vec<String>,
    pub refused: Vec<ImportRefusal>,
}
