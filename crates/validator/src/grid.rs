//! The editable table's handle (`enrol_core::Table`), built only with the `grid` feature: a module of its own
//! (`www/pkg/grid/`), fetched by the page when a checked file has problems to fix. It is not in the validator
//! every administrator downloads: the table's code (an index of the unique values, the fixes, the CSV writer)
//! would take that wasm from 70 KB to 103 KB gzipped, past its 100 KB budget, for files that are clean.

use crate::{config_for, locale_of, mobile_rule, value_list};
use enrol_core::Locale;
use wasm_bindgen::prelude::*;

/// The editable table of a file (`enrol_core::Table`): read like the `Validator` (`push`, then `finish`),
/// then edited cell by cell, each edit re-checked at once. Rows are the administrator's numbers (1-based),
/// cells the header's (0-based).
#[wasm_bindgen]
pub struct Grid {
    reading: Option<enrol_core::TableReader>,
    table: Option<enrol_core::Table>,
    locale: Locale,
    /// Rules being gathered for a table already read (`newRules` … `applyRules`).
    next: Option<enrol_core::Config>,
}

#[wasm_bindgen]
impl Grid {
    #[wasm_bindgen(constructor)]
    pub fn new(year: i32, month: u8, day: u8, max_rows: u32, locale: &str) -> Result<Grid, JsError> {
        let reader = enrol_core::TableReader::new(config_for(year, month, day, max_rows)?);
        Ok(Grid { reading: Some(reader), table: None, locale: locale_of(locale)?, next: None })
    }

    fn reader(&mut self) -> Result<&mut enrol_core::TableReader, JsError> {
        self.reading.as_mut().ok_or_else(|| JsError::new("the file has been read already"))
    }

    fn table(&self) -> Result<&enrol_core::Table, JsError> {
        self.table.as_ref().ok_or_else(|| JsError::new("the file is still being read: call finish first"))
    }

    fn table_mut(&mut self) -> Result<&mut enrol_core::Table, JsError> {
        self.table.as_mut().ok_or_else(|| JsError::new("the file is still being read: call finish first"))
    }

    /// The rules that `setAllowed` and `setMobileRule` write to: the reader's before the first `push`, or
    /// those that `newRules` began.
    fn config_mut(&mut self) -> Result<&mut enrol_core::Config, JsError> {
        match self.next {
            Some(ref mut next) => Ok(next),
            None => Ok(self.reader()?.config_mut()),
        }
    }

    /// As `Validator.setAllowed`: before the first `push`, or between `newRules` and `applyRules`.
    #[wasm_bindgen(js_name = setAllowed)]
    pub fn set_allowed(&mut self, column: &str, values: &str) -> Result<(), JsError> {
        self.config_mut()?.set_allowed(column, value_list(values)).map_err(|e| JsError::new(&e))
    }

    /// As `Validator.setMobileRule`: before the first `push`, or between `newRules` and `applyRules`.
    #[wasm_bindgen(js_name = setMobileRule)]
    pub fn set_mobile_rule(&mut self, digits: u8, first_digits: &str) -> Result<(), JsError> {
        self.config_mut()?.mobile = mobile_rule(digits, first_digits)?;
        Ok(())
    }

    /// Begins other rules for the table read (another tenant's): as the constructor's, then `setAllowed` and
    /// `setMobileRule`, then `applyRules`.
    #[wasm_bindgen(js_name = newRules)]
    pub fn new_rules(&mut self, year: i32, month: u8, day: u8, max_rows: u32) -> Result<(), JsError> {
        self.table()?;
        self.next = Some(config_for(year, month, day, max_rows)?);
        Ok(())
    }

    /// Checks every row again by the rules `newRules` began, keeping the edits and Undo.
    #[wasm_bindgen(js_name = applyRules)]
    pub fn apply_rules(&mut self) -> Result<(), JsError> {
        let next = self.next.take().ok_or_else(|| JsError::new("newRules first"))?;
        self.table_mut()?.reconfigure(next);
        Ok(())
    }

    pub fn push(&mut self, chunk: &[u8]) -> Result<(), JsError> {
        self.reader()?.push(chunk);
        Ok(())
    }

    pub fn finish(&mut self) -> Result<(), JsError> {
        let reader = self.reading.take().ok_or_else(|| JsError::new("the file has been read already"))?;
        self.table = Some(reader.finish());
        Ok(())
    }

    /// The language of the messages from now on (`en_IN`, `hi_IN`): the edits are kept.
    #[wasm_bindgen(js_name = setLocale)]
    pub fn set_locale(&mut self, locale: &str) -> Result<(), JsError> {
        self.locale = locale_of(locale)?;
        Ok(())
    }

    /// The header's cells, as a JSON array.
    #[wasm_bindgen(js_name = headerJson)]
    pub fn header_json(&self) -> Result<String, JsError> {
        let mut out = String::from("[");
        for (k, h) in self.table()?.header().iter().enumerate() {
            if k > 0 {
                out.push(',');
            }
            enrol_core::json::write_str(&mut out, h);
        }
        out.push(']');
        Ok(out)
    }

    /// The highest row number (rows are 1 to this; removed ones included).
    pub fn rows(&self) -> Result<u32, JsError> {
        Ok(self.table()?.len() as u32)
    }

    /// The rows to show: with `problems_only`, those with an issue; else every row not removed.
    #[wasm_bindgen(js_name = rowNumbers)]
    pub fn row_numbers(&self, problems_only: bool) -> Result<Vec<u32>, JsError> {
        let t = self.table()?;
        Ok(if problems_only {
            t.problem_rows(false).map(|r| r as u32).collect()
        } else {
            (1..=t.len()).filter(|&r| !t.is_removed(r)).map(|r| r as u32).collect()
        })
    }

    /// `[{"row","removed","cells":[…],"issues":[…]}]` for `rows`, issues as in the report (with messages).
    #[wasm_bindgen(js_name = rowsJson)]
    pub fn rows_json(&self, rows: &[u32]) -> Result<String, JsError> {
        let t = self.table()?;
        let mut out = String::from("[");
        for (k, &row) in rows.iter().enumerate() {
            let row = u64::from(row);
            let cells = t.cells(row).map_err(|e| JsError::new(&e.to_string()))?;
            if k > 0 {
                out.push(',');
            }
            out.push_str(&format!("{{\"row\":{row},\"removed\":{},\"cells\":[", t.is_removed(row)));
            for (c, cell) in cells.iter().enumerate() {
                if c > 0 {
                    out.push(',');
                }
                enrol_core::json::write_str(&mut out, cell);
            }
            out.push_str("],\"issues\":");
            out.push_str(&enrol_core::validate::issues_json(&t.issues_of(row), self.locale));
            out.push('}');
        }
        out.push(']');
        Ok(out)
    }

    /// The file's own issues (the header's, the row limit, an unterminated quote), as a JSON array: what no
    /// edit of a cell fixes.
    #[wasm_bindgen(js_name = fileIssuesJson)]
    pub fn file_issues_json(&self) -> Result<String, JsError> {
        Ok(enrol_core::validate::issues_json(&self.table()?.file_issues(), self.locale))
    }

    /// `{"rows","rowsWithErrors","errors","warnings"}` of the table as it is now.
    #[wasm_bindgen(js_name = summaryJson)]
    pub fn summary_json(&self) -> Result<String, JsError> {
        Ok(self.table()?.summary().to_json())
    }

    /// Sets a cell (undoable) and re-checks; returns the rows whose issues may have changed.
    pub fn edit(&mut self, row: u32, cell: u32, value: &str) -> Result<Vec<u32>, JsError> {
        let touched =
            self.table_mut()?.edit(u64::from(row), cell as usize, value).map_err(|e| JsError::new(&e.to_string()))?;
        Ok(touched.into_iter().map(|r| r as u32).collect())
    }

    /// Removes a row (undoable); returns the rows whose issues may have changed.
    pub fn remove(&mut self, row: u32) -> Result<Vec<u32>, JsError> {
        let touched = self.table_mut()?.remove(u64::from(row)).map_err(|e| JsError::new(&e.to_string()))?;
        Ok(touched.into_iter().map(|r| r as u32).collect())
    }

    /// `{"trim":N,"phone":N,…}`: how many cells each safe fix would change.
    #[wasm_bindgen(js_name = fixCountsJson)]
    pub fn fix_counts_json(&self) -> Result<String, JsError> {
        let t = self.table()?;
        let counts: Vec<String> =
            enrol_core::Fix::ALL.iter().map(|f| format!("\"{}\":{}", f.as_str(), t.fix_count(*f))).collect();
        Ok(format!("{{{}}}", counts.join(",")))
    }

    /// Applies a safe fix (`trim`, `phone`, `date`, `boolean`, `list`) as one undoable step; how many cells changed.
    #[wasm_bindgen(js_name = applyFix)]
    pub fn apply_fix(&mut self, fix: &str) -> Result<u32, JsError> {
        let fix =
            enrol_core::Fix::parse(fix).ok_or_else(|| JsError::new("fix is trim, phone, date, boolean or list"))?;
        let t = self.table_mut()?;
        let changes = t.fixes(fix);
        let n = changes.len() as u32;
        t.apply(changes).map_err(|e| JsError::new(&e.to_string()))?;
        Ok(n)
    }

    /// How many cells of header cell `cell` hold `find`.
    #[wasm_bindgen(js_name = countMatches)]
    pub fn count_matches(&self, cell: u32, find: &str) -> Result<u32, JsError> {
        let changes = self.table()?.replacements(cell as usize, find, "").map_err(|e| JsError::new(&e.to_string()))?;
        Ok(changes.len() as u32)
    }

    /// Replaces `find` with `with` in every cell of header cell `cell`, as one undoable step; how many cells changed.
    pub fn replace(&mut self, cell: u32, find: &str, with: &str) -> Result<u32, JsError> {
        let t = self.table_mut()?;
        let changes = t.replacements(cell as usize, find, with).map_err(|e| JsError::new(&e.to_string()))?;
        let n = changes.len() as u32;
        t.apply(changes).map_err(|e| JsError::new(&e.to_string()))?;
        Ok(n)
    }

    /// Takes back the last edit, fix, replacement or removal; false when there was none.
    pub fn undo(&mut self) -> Result<bool, JsError> {
        self.table_mut()?.undo().map_err(|e| JsError::new(&e.to_string()))
    }

    #[wasm_bindgen(js_name = canUndo)]
    pub fn can_undo(&self) -> Result<bool, JsError> {
        Ok(self.table()?.can_undo())
    }

    /// The table as CSV: `rows` is `all`, `clean` (the rows without errors) or `problems` (the rows with);
    /// `problems_locale` (`en_IN`, `hi_IN`) adds a column of each row's problems, empty adds none.
    pub fn csv(&self, rows: &str, problems_locale: &str) -> Result<String, JsError> {
        let locale = if problems_locale.is_empty() { None } else { Some(locale_of(problems_locale)?) };
        Ok(self.table()?.to_csv(rows_of(rows)?, locale))
    }

    /// The number each row of `csv(rows, …)` had in the file as it was read, in order (the upload says them, so
    /// that its result names the administrator's rows).
    #[wasm_bindgen(js_name = csvRowNumbers)]
    pub fn csv_row_numbers(&self, rows: &str) -> Result<Vec<u32>, JsError> {
        let numbers = self.table()?.row_numbers(rows_of(rows)?);
        Ok(numbers.into_iter().map(|n| u32::try_from(n).unwrap_or(u32::MAX)).collect())
    }
}

/// `all`, `clean` (the rows without errors) or `problems` (the rows with).
fn rows_of(rows: &str) -> Result<enrol_core::table::Rows, JsError> {
    use enrol_core::table::Rows;
    match rows {
        "all" => Ok(Rows::All),
        "clean" => Ok(Rows::WithoutErrors),
        "problems" => Ok(Rows::WithErrors),
        _ => Err(JsError::new("rows is all, clean or problems")),
    }
}
