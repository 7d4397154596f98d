//! enrol-validator: the browser's handle on enrol-core.
//!
//! Only glue lives here: a Web Worker feeds `Uint8Array` chunks of `File.stream()` into a `Validator` and
//! reads back JSON that enrol-core wrote. Every decision is made in enrol-core, so the page, the CLI and
//! the Worker cannot disagree. JSON crosses the boundary (not JS objects) so the wasm carries no serde and
//! the report is byte for byte the CLI's. With the `grid` feature it is also the editable table's handle
//! (`grid`), built as a module of its own.

use enrol_core::{Config, Date, Locale};
use wasm_bindgen::prelude::*;

#[cfg(feature = "grid")]
mod grid;

/// Validates an upload sheet streamed in chunks.
#[wasm_bindgen]
pub struct Validator {
    inner: enrol_core::Validator,
    locale: Locale,
}

#[wasm_bindgen]
impl Validator {
    /// `today` is the caller's date (year, month 1-12, day 1-31); `max_rows` 0 keeps the default.
    /// `locale` is `en_IN` or `hi_IN`.
    #[wasm_bindgen(constructor)]
    pub fn new(year: i32, month: u8, day: u8, max_rows: u32, locale: &str) -> Result<Validator, JsError> {
        let config = config_for(year, month, day, max_rows)?;
        Ok(Validator { inner: enrol_core::Validator::new(config), locale: locale_of(locale)? })
    }

    /// Replaces an allowed-values list: `column` is roles, grade, language or subject; `values` are
    /// separated by newlines.
    #[wasm_bindgen(js_name = setAllowed)]
    pub fn set_allowed(&mut self, column: &str, values: &str) -> Result<(), JsError> {
        self.inner.set_allowed(column, value_list(values)).map_err(|e| JsError::new(&e))
    }

    /// Replaces the mobile number rule with the upload configuration's `mobileDigits` and `mobileFirstDigits`
    /// (e.g. 10 and "6789", the default).
    #[wasm_bindgen(js_name = setMobileRule)]
    pub fn set_mobile_rule(&mut self, digits: u8, first_digits: &str) -> Result<(), JsError> {
        self.inner.set_mobile_rule(mobile_rule(digits, first_digits)?);
        Ok(())
    }

    /// Optional: the file's size in bytes, so that the list of row lines is sized once rather than grown.
    #[wasm_bindgen(js_name = reserveFor)]
    pub fn reserve_for(&mut self, bytes: f64) {
        self.inner.reserve_for(bytes as u64);
    }

    pub fn push(&mut self, chunk: &[u8]) {
        self.inner.push(chunk);
    }

    /// Data rows so far.
    pub fn rows(&self) -> f64 {
        self.inner.rows() as f64
    }

    /// `{"rows","rowsWithErrors","errors","warnings"}` so far.
    #[wasm_bindgen(js_name = summaryJson)]
    pub fn summary_json(&self) -> String {
        self.inner.summary().to_json()
    }

    /// Issues found since the first `from` (in the order found), as a JSON array: for showing them live.
    #[wasm_bindgen(js_name = issuesSinceJson)]
    pub fn issues_since_json(&self, from: u32) -> String {
        enrol_core::validate::issues_json(self.inner.issues().get(from as usize..).unwrap_or_default(), self.locale)
    }

    /// Ends the input: the full report, `{"rows": N, "issues": [...]}`, the same bytes as
    /// `enrol validate --format json`. The summary of the finished file follows in `summaryJson`
    /// of the returned handle.
    pub fn finish(self) -> Finished {
        let report = self.inner.finish();
        Finished { json: report.to_json(self.locale), summary: report.summary.to_json() }
    }
}

#[wasm_bindgen]
pub struct Finished {
    json: String,
    summary: String,
}

#[wasm_bindgen]
impl Finished {
    #[wasm_bindgen(js_name = reportJson)]
    pub fn report_json(&self) -> String {
        self.json.clone()
    }

    #[wasm_bindgen(js_name = summaryJson)]
    pub fn summary_json(&self) -> String {
        self.summary.clone()
    }
}

/// The template's header line.
#[wasm_bindgen(js_name = templateHeader)]
pub fn template_header() -> String {
    enrol_core::schema::template_header()
}

/// The heading mapping enrol-core proposes for the head of a file (its first records are enough; any text
/// flavour): JSON, see `enrol_core::mapping::Proposal::to_json`. `exact` true means the file needs none.
/// `today` (year, month 1-12, day 1-31) decides which sample dates can be dates of birth. `known` is the
/// tenant's remembered mapping (`heading=column` lines, see `enrol_core::mapping::parse_known`), placed
/// over the guesses.
#[wasm_bindgen(js_name = proposeMapping)]
pub fn propose_mapping(head: &[u8], year: i32, month: u8, day: u8, known: &str) -> Result<String, JsError> {
    let today = Date::new(year, month, day).ok_or_else(|| JsError::new("not a date"))?;
    let mut p = enrol_core::mapping::propose(head, today);
    if !p.exact {
        p.remember(&enrol_core::mapping::parse_known(known));
    }
    Ok(p.to_json())
}

/// The file rewritten as UTF-8 CSV under the confirmed mapping: `fields` has one column name (or nothing,
/// to leave the column out) per heading, comma-separated; rows above `header_record` are left out. What the
/// page then validates and uploads.
#[wasm_bindgen]
pub fn remap(bytes: &[u8], header_record: u32, fields: &str) -> Result<Vec<u8>, JsError> {
    let fields = enrol_core::mapping::parse_fields(fields).map_err(|e| JsError::new(&e))?;
    Ok(enrol_core::mapping::remap(bytes, header_record as usize, &fields))
}

/// `{"missing":[…],"duplicates":[…]}` of a mapping written as for `remap`: said again at each change.
#[wasm_bindgen(js_name = mappingProblems)]
pub fn mapping_problems(fields: &str) -> Result<String, JsError> {
    let fields = enrol_core::mapping::parse_fields(fields).map_err(|e| JsError::new(&e))?;
    Ok(enrol_core::mapping::problems_json(&fields))
}

/// Every column the sheet knows, newline-separated, in the template's order: the choices of a mapping.
#[wasm_bindgen(js_name = fieldNames)]
pub fn field_names() -> String {
    enrol_core::Column::ALL.map(enrol_core::Column::name).join("\n")
}

/// The config of a check: `today` is the caller's date (year, month 1-12, day 1-31); `max_rows` 0 keeps the
/// default.
pub(crate) fn config_for(year: i32, month: u8, day: u8, max_rows: u32) -> Result<Config, JsError> {
    let today = Date::new(year, month, day).ok_or_else(|| JsError::new("not a date"))?;
    let mut config = Config::new(today);
    if max_rows > 0 {
        config.max_rows = u64::from(max_rows);
    }
    Ok(config)
}

pub(crate) fn locale_of(locale: &str) -> Result<Locale, JsError> {
    Locale::parse(locale).ok_or_else(|| JsError::new("locale is en_IN or hi_IN"))
}

/// Values separated by newlines, blanks dropped.
pub(crate) fn value_list(values: &str) -> Vec<String> {
    values.lines().map(|v| v.trim().to_string()).filter(|v| !v.is_empty()).collect()
}

pub(crate) fn mobile_rule(digits: u8, first_digits: &str) -> Result<enrol_core::fields::MobileRule, JsError> {
    enrol_core::fields::MobileRule::new(digits, first_digits)
        .ok_or_else(|| JsError::new("mobile rule: 4 to 15 digits and at least one first digit (0-9)"))
}
