//! enrol-core: the part of enrol that both the browser and the Worker run.
//!
//! It holds the CSV record reader and, built on it, everything that decides whether an upload sheet is
//! acceptable. It does no I/O and keeps no global state, so the very same code compiles natively (the CLI,
//! the tests) and to wasm32 (the browser validator, the Worker), and both give the same verdict on the same
//! bytes. Input arrives in chunks of any size through `push`, then `finish`: a browser streams a file
//! without holding it whole, and a chunk boundary may fall anywhere, even inside a UTF-8 character.
//!
//! One exception to "the very same code": the cargo feature `breach-list` adds a 224 KiB list of breached
//! passwords to the common-password check. The Worker and the CLI turn it on, the browser validator does not
//! (so its verdict on a password can only be laxer, never stricter); `common_passwords` says why.

pub mod common_passwords;
pub mod config;
pub mod date;
pub mod fields;
pub mod issue;
pub mod json;
pub mod mapping;
pub mod messages;
pub mod reader;
pub mod schema;
pub mod seen;
pub mod sheet;
pub mod table;
pub mod text;
pub mod validate;
pub mod words;

pub use config::Config;
pub use date::Date;
pub use issue::{Code, Issue, Severity};
pub use messages::Locale;
pub use reader::{Record, RecordReader};
pub use schema::Column;
pub use table::{Change, Fix, Table, TableError, TableReader};
pub use validate::{Report, Summary, Validator};
