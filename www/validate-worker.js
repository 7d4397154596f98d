// Runs off the main thread: streams the file in chunks into the Rust validator (enrol-core via wasm).
import init, { RowCounter } from '/pkg/enrol_validator.js';

const ready = init();

self.onmessage = async ({ data: { file } }) => {
  try {
    await ready;
    const counter = new RowCounter();
    const reader = file.stream().getReader();
    let bytes = 0;
    let lastReport = 0;
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      counter.push(value);
      bytes += value.length;
      const now = performance.now();
      if (now - lastReport > 50) {
        lastReport = now;
        self.postMessage({ type: 'progress', bytes });
      }
    }
    self.postMessage({ type: 'progress', bytes });
    self.postMessage({ type: 'done', rows: counter.finish() });
  } catch (e) {
    self.postMessage({ type: 'error', message: String(e && e.message || e) });
  }
};
