// Runs off the main thread: streams the file in chunks into the Rust validator (enrol-core via wasm) and
// reports progress, issues as they are found, and at the end the full sorted report.
import init, { Validator } from '/pkg/enrol_validator.js';

const ready = init();
const REPORT_EVERY_MS = 100;

self.onmessage = async ({ data: { file, locale, today, maxRows } }) => {
  try {
    await ready;
    const v = new Validator(today[0], today[1], today[2], maxRows || 0, locale);
    v.reserveFor(file.size);
    const reader = file.stream().getReader();
    let bytes = 0;
    let sent = 0;
    let last = 0;
    const progress = () => {
      const issues = JSON.parse(v.issuesSinceJson(sent));
      sent += issues.length;
      self.postMessage({ type: 'progress', bytes, summary: JSON.parse(v.summaryJson()), issues });
    };
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      v.push(value);
      bytes += value.length;
      const now = performance.now();
      if (now - last > REPORT_EVERY_MS) {
        last = now;
        progress();
      }
    }
    progress();
    const finished = v.finish();
    self.postMessage({
      type: 'done',
      bytes,
      summary: JSON.parse(finished.summaryJson()),
      report: JSON.parse(finished.reportJson()),
    });
  } catch (e) {
    self.postMessage({ type: 'error', message: String((e && e.message) || e) });
  }
};
