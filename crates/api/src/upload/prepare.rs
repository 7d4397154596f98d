//! The administrator's own file on the upload route: an `.xlsx` read and the office's own headings placed by
//! enrol-sheet's `prepare` (the page's reader and enrol-core's mapping; `enrol validate` uses the same), within
//! what the Worker's memory allows, and its refusals as the API answers them.

use crate::error::ApiError;
use enrol_core::{Column, Date};
use enrol_sheet::prepare::{self, PrepareError, Prepared};
use serde_json::{Value, json};

fn answer(e: PrepareError) -> ApiError {
    let message = e.to_string();
    match e {
        PrepareError::InvalidMapping(_) => ApiError::bad_request("InvalidMapping", message),
        PrepareError::MappingNeeded(_) => ApiError::new(422, "MappingNeeded", message),
        PrepareError::TooLarge(_) => ApiError::new(413, "WorkbookTooLarge", message),
        PrepareError::Unsupported(_) => ApiError::new(415, "UnsupportedWorkbook", message),
        PrepareError::Unreadable(_) => ApiError::bad_request("UnreadableWorkbook", message),
        PrepareError::NoSuchSheet(_) => ApiError::bad_request("NoSuchSheet", message),
        PrepareError::NoSheet => ApiError::bad_request("NoSheet", message),
    }
}

/// The file ready for enrol-core (see `enrol_sheet::prepare`).
pub fn prepare(
    bytes: Vec<u8>,
    sent: Option<&str>,
    sheet: Option<&str>,
    known: &[(String, Option<Column>)],
    today: Date,
) -> Result<Prepared, ApiError> {
    let sent = sent.map(prepare::parse_mapping).transpose().map_err(answer)?;
    prepare::prepare(bytes, sent.as_deref(), sheet, known, today, prepare::WORKER).map_err(answer)
}

/// How the headings were placed, as the upload record keeps it: `[{"heading","field","basis"}]`.
pub fn mapping_json(p: &Prepared) -> Option<String> {
    p.mapping.as_ref().map(|m| {
        Value::from(
            m.iter()
                .map(|c| json!({ "heading": c.heading, "field": c.field.map(Column::name), "basis": c.basis }))
                .collect::<Vec<_>>(),
        )
        .to_string()
    })
}
