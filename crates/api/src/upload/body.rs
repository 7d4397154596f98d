//! Reading an upload request: `multipart/form-data` with `file`, `tenantId` and optional `userType`,
//! `leftOut`, `mapping`, `sheet`, `originalFileName`, `originalSha256` and `fileRows`, or a `text/csv` (or
//! `.xlsx`) body with the same as query parameters (`?tenantId=…&userType=…&fileName=…`). The body's size is
//! known before it is read (a Content-Length is required), so nothing over the limit is ever held in memory.

use crate::error::ApiError;
use crate::http::query;
use worker::{FormEntry, Request};

/// What the request says, before any of it is checked against D1.
pub struct UploadRequest {
    pub tenant_id: String,
    pub user_type: String,
    pub file_name: String,
    pub bytes: Vec<u8>,
    pub idempotency_key: Option<String>,
    /// The file's headings and the column each goes to, as JSON (see `prepare`).
    pub mapping: Option<String>,
    /// The workbook's sheet to read, by name.
    pub sheet: Option<String>,
    /// Rows of the administrator's file that the page left out (rows with problems), as it says; 0 by default.
    pub left_out: u64,
    /// The administrator's own file, when what is sent was made from it: its name and SHA-256, as the page says.
    pub original: Option<Original>,
    /// The number each row sent had in the administrator's own file (`fileRows`), when they differ.
    pub file_rows: Option<FileRows>,
}

/// `fileRows`: the administrator's row number of each data row sent, in order, as ranges (`4-6,8,10-2000`).
pub struct FileRows {
    /// As sent, without spaces: what the record keeps.
    pub text: String,
    pub numbers: Vec<u64>,
}

/// The most characters of `fileRows`: every row of the largest upload apart, with room to spare.
const MAX_FILE_ROWS_TEXT: usize = 900_000;
/// The largest row number a file can have.
const MAX_FILE_ROW: u64 = 10_000_000;

/// Reads `fileRows`; at most `MAX_FILE_ROW` numbers in all. Whether they are as many as the file's rows is
/// checked once the file is read.
pub fn file_rows(value: Option<&str>) -> Result<Option<FileRows>, ApiError> {
    let Some(value) = value else { return Ok(None) };
    let invalid = || bad("InvalidField", "fileRows is the row numbers in the administrator's file, as ranges: 4-6,8");
    let text: String = value.chars().filter(|c| !c.is_whitespace()).collect();
    if text.is_empty() || text.len() > MAX_FILE_ROWS_TEXT {
        return Err(invalid());
    }
    let mut numbers = Vec::new();
    for part in text.split(',') {
        let (a, b) = part.split_once('-').unwrap_or((part, part));
        let (Ok(a), Ok(b)) = (a.parse::<u64>(), b.parse::<u64>()) else { return Err(invalid()) };
        if a == 0 || a > b || b > MAX_FILE_ROW || numbers.len() as u64 + (b - a) >= MAX_FILE_ROW {
            return Err(invalid());
        }
        numbers.extend(a..=b);
    }
    Ok(Some(FileRows { text, numbers }))
}

/// The file the administrator chose, when the upload sends something made from it (the CSV of a workbook, the
/// rows corrected on the page): `originalFileName` and `originalSha256`, both or neither.
pub struct Original {
    pub file_name: String,
    pub sha256: String,
}

/// `originalFileName` and `originalSha256`: both or neither; the hash is 64 hexadecimal digits.
fn original(name: Option<String>, sha256: Option<String>) -> Result<Option<Original>, ApiError> {
    match (name, sha256) {
        (None, None) => Ok(None),
        (Some(name), Some(sha)) => {
            let sha = sha.trim().to_ascii_lowercase();
            if sha.len() != 64 || !sha.bytes().all(|b| b.is_ascii_hexdigit()) {
                return Err(bad("InvalidField", "originalSha256 is a SHA-256 in 64 hexadecimal digits"));
            }
            Ok(Some(Original { file_name: clean_file_name(&name), sha256: sha }))
        }
        _ => Err(bad("InvalidField", "originalFileName and originalSha256 are sent together")),
    }
}

/// The most rows a file can have left out: more than any upload may hold.
const MAX_LEFT_OUT: u64 = 1_000_000;

/// `leftOut`: a whole number of rows, 0 to `MAX_LEFT_OUT`; absent is 0.
fn left_out(value: Option<String>) -> Result<u64, ApiError> {
    let Some(v) = value else { return Ok(0) };
    v.trim()
        .parse::<u64>()
        .ok()
        .filter(|&n| n <= MAX_LEFT_OUT)
        .ok_or_else(|| bad("InvalidField", format!("leftOut is a number of rows, 0 to {MAX_LEFT_OUT}")))
}

/// The media type of an `.xlsx` file.
const XLSX: &str = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

fn bad(code: &'static str, message: impl Into<String>) -> ApiError {
    ApiError::bad_request(code, message)
}

pub fn too_large(max: usize) -> ApiError {
    ApiError::new(413, "PayloadTooLarge", format!("The upload is larger than {max} bytes"))
}

/// The declared length of the body; an upload must declare it (every browser and HTTP client does).
pub fn declared_length(req: &Request) -> Result<usize, ApiError> {
    req.headers()
        .get("content-length")
        .ok()
        .flatten()
        .and_then(|v| v.trim().parse::<usize>().ok())
        .ok_or_else(|| ApiError::new(411, "LengthRequired", "Send the upload with a Content-Length header"))
}

/// `Idempotency-Key`: 1 to 200 visible ASCII characters.
pub fn idempotency_key(req: &Request) -> Result<Option<String>, ApiError> {
    let Some(key) = req.headers().get("idempotency-key").ok().flatten() else { return Ok(None) };
    let key = key.trim();
    if key.is_empty() || key.len() > 200 || !key.bytes().all(|b| b.is_ascii_graphic()) {
        return Err(bad("InvalidIdempotencyKey", "Idempotency-Key is 1 to 200 visible ASCII characters"));
    }
    Ok(Some(key.to_string()))
}

/// A file name fit to store and show: its last path component, without control characters, at most 200
/// characters; "upload.csv" when nothing is left.
pub fn clean_file_name(name: &str) -> String {
    let base = name.rsplit(['/', '\\']).next().unwrap_or("");
    let clean: String = base
        .chars()
        .filter(|c| !c.is_control() && !matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}'))
        .take(200)
        .collect();
    let clean = clean.trim();
    if clean.is_empty() || clean == "." || clean == ".." { "upload.csv".to_string() } else { clean.to_string() }
}

/// Reads the request. `max` is the largest body accepted at all (the tenant's own limit is checked later,
/// once the tenant is known).
pub async fn read(req: &mut Request, max: usize) -> Result<UploadRequest, ApiError> {
    let idempotency_key = idempotency_key(req)?;
    let length = declared_length(req)?;
    if length > max {
        return Err(too_large(max));
    }
    let ct = req.headers().get("content-type").ok().flatten().unwrap_or_default().to_ascii_lowercase();
    if ct.starts_with("multipart/form-data") {
        let form =
            req.form_data().await.map_err(|_| bad("InvalidMultipart", "The multipart body could not be read"))?;
        let text = |name: &str| -> Result<Option<String>, ApiError> {
            match form.get_all(name).unwrap_or_default().as_slice() {
                [] => Ok(None),
                [FormEntry::Field(v)] => Ok(Some(v.clone())),
                [FormEntry::File(_)] => Err(bad("InvalidMultipart", format!("{name} must be a text field"))),
                _ => Err(bad("InvalidMultipart", format!("{name} is given more than once"))),
            }
        };
        let tenant_id = text("tenantId")?.or_else(|| query(req, "tenantId")).unwrap_or_default();
        let user_type = text("userType")?.or_else(|| query(req, "userType")).unwrap_or_default();
        let left_out = left_out(text("leftOut")?.or_else(|| query(req, "leftOut")))?;
        let original = original(
            text("originalFileName")?.or_else(|| query(req, "originalFileName")),
            text("originalSha256")?.or_else(|| query(req, "originalSha256")),
        )?;
        let file_rows = file_rows(text("fileRows")?.or_else(|| query(req, "fileRows")).as_deref())?;
        let mut files = form.get_all("file").unwrap_or_default();
        if files.len() > 1 {
            return Err(bad("InvalidMultipart", "Send one file per upload"));
        }
        let file = match files.pop() {
            None => return Err(bad("FileRequired", "Send the CSV in a part named file")),
            Some(FormEntry::File(f)) => f,
            Some(FormEntry::Field(_)) => return Err(bad("FileRequired", "file must be a file part, not a text field")),
        };
        let bytes = file.bytes().await.map_err(|_| bad("InvalidMultipart", "The file part could not be read"))?;
        Ok(UploadRequest {
            tenant_id,
            user_type,
            file_name: clean_file_name(&file.name()),
            bytes,
            idempotency_key,
            left_out,
            mapping: text("mapping")?.or_else(|| query(req, "mapping")),
            sheet: text("sheet")?.or_else(|| query(req, "sheet")),
            original,
            file_rows,
        })
    } else if ct.starts_with("text/csv") || ct.starts_with("application/csv") || ct.starts_with(XLSX) {
        let bytes = req.bytes().await.map_err(|_| bad("InvalidBody", "The request body could not be read"))?;
        if bytes.len() > max {
            return Err(too_large(max));
        }
        let name = query(req, "fileName").unwrap_or_default();
        let left_out = left_out(query(req, "leftOut"))?;
        let original = original(query(req, "originalFileName"), query(req, "originalSha256"))?;
        let file_rows = file_rows(query(req, "fileRows").as_deref())?;
        Ok(UploadRequest {
            tenant_id: query(req, "tenantId").unwrap_or_default(),
            user_type: query(req, "userType").unwrap_or_default(),
            file_name: clean_file_name(&name),
            bytes,
            idempotency_key,
            mapping: query(req, "mapping"),
            sheet: query(req, "sheet"),
            left_out,
            original,
            file_rows,
        })
    } else {
        Err(ApiError::new(
            415,
            "UnsupportedMediaType",
            format!("Send the upload as multipart/form-data, text/csv or {XLSX}"),
        ))
    }
}
