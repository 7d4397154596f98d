// The admin page: hands the chosen file to a Web Worker that streams it through the Rust validator,
// so the page never freezes, and shows what the worker reports.

const $ = (id) => document.getElementById(id);
let worker = null;

function check(file) {
  if (worker) worker.terminate();
  worker = new Worker('/validate-worker.js', { type: 'module' });
  $('summary').hidden = true;
  $('progress').hidden = false;
  $('progress').value = 0;
  $('status').textContent = `Checking ${file.name}…`;
  worker.onmessage = ({ data }) => {
    if (data.type === 'progress') {
      $('progress').value = file.size ? data.bytes / file.size : 1;
    } else if (data.type === 'done') {
      $('progress').value = 1;
      $('rows').textContent = String(data.rows);
      $('summary').hidden = false;
      $('status').textContent = `Checked ${file.name}.`;
    } else if (data.type === 'error') {
      $('status').textContent = `Could not read ${file.name}: ${data.message}`;
    }
  };
  worker.postMessage({ file });
}

$('file').addEventListener('change', (e) => {
  const file = e.target.files[0];
  if (file) check(file);
});

const drop = $('drop');
drop.addEventListener('dragover', (e) => { e.preventDefault(); drop.classList.add('over'); });
drop.addEventListener('dragleave', () => drop.classList.remove('over'));
drop.addEventListener('drop', (e) => {
  e.preventDefault();
  drop.classList.remove('over');
  const file = e.dataTransfer.files[0];
  if (file) check(file);
});
