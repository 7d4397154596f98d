//! enrol-baseline: the speed limit for a strict CSV parser, for `make bench` only (never shipped).
//!
//! `CsvCoreCounter` counts records with nothing but `csv_core::Reader::read_record`, fed the same chunks
//! the page feeds enrol's `Validator`. It keeps one output buffer and one field-ends buffer for the whole
//! run, so the loop allocates nothing per record: whatever enrol spends above this is the cost of its checks.

use csv_core::{ReadRecordResult, Reader};
use wasm_bindgen::prelude::*;

/// Counts the records (header included) of a CSV streamed in chunks.
#[wasm_bindgen]
pub struct CsvCoreCounter {
    reader: Reader,
    output: Vec<u8>,
    ends: Vec<usize>,
    // How much of `output` and `ends` the record being read fills; it may span a chunk boundary.
    out: usize,
    end: usize,
    records: u64,
}

impl Default for CsvCoreCounter {
    fn default() -> Self {
        Self::new()
    }
}

#[wasm_bindgen]
impl CsvCoreCounter {
    #[wasm_bindgen(constructor)]
    pub fn new() -> CsvCoreCounter {
        CsvCoreCounter {
            reader: Reader::new(),
            output: vec![0; 64 * 1024],
            ends: vec![0; 64],
            out: 0,
            end: 0,
            records: 0,
        }
    }

    pub fn push(&mut self, chunk: &[u8]) {
        self.feed(chunk);
    }

    /// Ends the input; returns the number of records.
    pub fn finish(&mut self) -> f64 {
        self.feed(&[]);
        self.records as f64
    }
}

impl CsvCoreCounter {
    /// Runs the reader over `input` (empty means end of input) until it asks for more.
    fn feed(&mut self, mut input: &[u8]) {
        loop {
            let (result, read, written, ended) =
                self.reader.read_record(input, &mut self.output[self.out..], &mut self.ends[self.end..]);
            input = &input[read..];
            self.out += written;
            self.end += ended;
            match result {
                ReadRecordResult::InputEmpty | ReadRecordResult::End => return,
                ReadRecordResult::OutputFull => self.output.resize(self.output.len() * 2, 0),
                ReadRecordResult::OutputEndsFull => self.ends.resize(self.ends.len() * 2, 0),
                ReadRecordResult::Record => {
                    self.records += 1;
                    self.out = 0;
                    self.end = 0;
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::CsvCoreCounter;

    #[test]
    fn counts_records_across_any_chunking() {
        let csv = b"a,b\n\"x,\ny\",2\r\n3,4";
        for size in 1..csv.len() {
            let mut c = CsvCoreCounter::new();
            csv.chunks(size).for_each(|chunk| c.push(chunk));
            assert_eq!(c.finish(), 3.0, "chunks of {size}");
        }
    }
}
