//! enrol-validator: the browser's handle on enrol-core.
//!
//! Only glue lives here: a Web Worker feeds `Uint8Array` chunks of `File.stream()` into these handles and
//! reads the results. Every decision is made in enrol-core, so the page and the Worker cannot disagree.

use wasm_bindgen::prelude::*;

/// Counts the data rows of a CSV streamed in chunks.
#[wasm_bindgen]
#[derive(Default)]
pub struct RowCounter {
    inner: enrol_core::RowCounter,
}

#[wasm_bindgen]
impl RowCounter {
    #[wasm_bindgen(constructor)]
    pub fn new() -> Self {
        Self::default()
    }

    pub fn push(&mut self, chunk: &[u8]) {
        self.inner.push(chunk);
    }

    /// Ends the input; the number of data rows. (The handle is consumed.)
    pub fn finish(self) -> f64 {
        // u64 -> f64 is exact far past any file a browser can hold (2^53 rows).
        self.inner.finish() as f64
    }
}
