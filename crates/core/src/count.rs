//! Counting data rows: what the admin page and `enrol validate` show first, before the checks.

use crate::reader::{Record, RecordReader};

/// Counts data rows: records after the header row, skipping blank ones (Excel's `,,,,` rows).
#[derive(Debug, Default)]
pub struct RowCounter {
    reader: RecordReader,
    records: u64,
}

impl RowCounter {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn push(&mut self, chunk: &[u8]) {
        let records = &mut self.records;
        self.reader.push(chunk, &mut |r: &Record<'_>| count(records, r));
    }

    /// Ends the input and returns the number of data rows (the header is not one).
    pub fn finish(mut self) -> u64 {
        let records = &mut self.records;
        self.reader.finish(&mut |r: &Record<'_>| count(records, r));
        self.records.saturating_sub(1)
    }
}

fn count(records: &mut u64, r: &Record<'_>) {
    if !r.is_blank() {
        *records += 1;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_data_rows_only() {
        let cases: &[(&str, &[u8], u64)] = &[
            ("empty file", b"", 0),
            ("header only", b"firstName,phone\n", 0),
            ("two rows, blank ones skipped", b"firstName,phone\n,\nA,1\n\nB,2", 2),
            ("a quoted line break is inside one row", b"h\n\"a\nb\"\n", 1),
        ];
        for (what, input, want) in cases {
            let mut c = RowCounter::new();
            c.push(input);
            assert_eq!(c.finish(), *want, "{what}");
        }
    }
}
