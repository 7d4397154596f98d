// Builds the Worker into crates/api/build/ (or the directory given as the only argument) exactly as
// `worker-build --release` 0.8.7 does for this crate, from tools that are installed anyway: cargo,
// wasm-bindgen (WASM_BINDGEN_BIN), wasm-opt (WASM_OPT_BIN) and esbuild (ESBUILD_BIN), set by scripts/lib.sh.
//
// Why not worker-build itself: compiling it was 7 of the 17 minutes of a first `make test`, and for a crate
// like ours it only runs those tools and writes two small files. The steps below are worker-build 0.8.7's
// (src/main.rs, src/build/mod.rs, src/producers.rs), in its order and with its flags; shim.js beside this
// file is its src/js/shim.js, unchanged. compare.sh builds with both and checks the outputs are the same,
// byte for byte (README, "The Worker's build").
//
// Only the path this project takes is reproduced: the release profile, `--target module` with panic
// recovery, no emscripten, no panic=unwind, no [package.metadata.wasm-pack] settings, none of worker-build's
// environment switches. Anything else stops the build rather than build something different.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const WORKER_BUILD_VERSION = '0.8.7'; // recorded in the wasm as its `sdk` producer, as worker-build does
const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, '../..');
const crateDir = path.join(root, 'crates/api');
const outDir = path.resolve(process.argv[2] ?? path.join(crateDir, 'build'));
const staging = path.join(outDir, '.tmp'); // worker-build builds here, then moves the entries up

function fail(message) {
  console.error(`worker-build.mjs: ${message}`);
  process.exit(1);
}
function tool(variable) {
  const bin = process.env[variable];
  if (!bin) fail(`${variable} is not set (scripts/lib.sh sets it)`);
  return fs.realpathSync(bin);
}
function run(bin, args, options = {}) {
  execFileSync(bin, args, { stdio: 'inherit', ...options });
}

for (const name of ['CUSTOM_SHIM', 'RUN_TO_COMPLETION', 'COREDUMP', 'NO_MINIFY']) {
  if (name in process.env) fail(`${name} is set: that worker-build option is not reproduced here`);
}
const wasmBindgen = tool('WASM_BINDGEN_BIN');
const wasmOpt = tool('WASM_OPT_BIN');
const esbuild = tool('ESBUILD_BIN');

// The crate, as worker-build reads it from `cargo metadata`.
const manifestPath = path.join(crateDir, 'Cargo.toml');
const metadata = JSON.parse(
  execFileSync('cargo', ['metadata', '--format-version', '1', '--no-deps', '--manifest-path', manifestPath], {
    encoding: 'utf8',
    maxBuffer: 64 << 20,
  }),
);
const pkg = metadata.packages.find((p) => fs.realpathSync(p.manifest_path) === fs.realpathSync(manifestPath));
if (!pkg) fail(`${manifestPath} is not in cargo metadata`);
const cdylib = pkg.targets.find((t) => t.kind.includes('cdylib'));
if (!cdylib) fail('the crate must be a cdylib');
if (pkg.metadata?.['wasm-pack']) fail('[package.metadata.wasm-pack] settings are not reproduced');
const lock = fs.readFileSync(path.join(root, 'Cargo.lock'), 'utf8');
const workerVersion = /\[\[package\]\]\nname = "worker"\nversion = "([^"]+)"/.exec(lock)?.[1];
if (!workerVersion?.startsWith('0.8.')) fail(`worker ${workerVersion} in Cargo.lock: the shim is worker-build 0.8's`);

fs.rmSync(staging, { recursive: true, force: true });

// 1. The wasm. worker-build sets WASM_BINDGEN_USE_JS_SYS for wasm-bindgen's proc-macro; cargo does not track
// it, so it must be the same here or a build from cache could differ.
run('cargo', ['build', '--lib', '--release', '--target', 'wasm32-unknown-unknown'], {
  cwd: crateDir,
  env: { ...process.env, WASM_BINDGEN_USE_JS_SYS: '1' },
});

// 2. The output directory, with worker-build's .gitignore.
fs.mkdirSync(staging, { recursive: true });
fs.writeFileSync(path.join(staging, '.gitignore'), '*');

// 3. wasm-bindgen, with the arguments in worker-build's order (release: no --debug, names demangled).
const wasm = path.join(metadata.target_directory, 'wasm32-unknown-unknown', 'release', `${cdylib.name.replaceAll('-', '_')}.wasm`);
run(wasmBindgen, [
  wasm, '--out-dir', staging, '--no-typescript', '--target', 'module', '--out-name', 'index',
  '--experimental-reset-state-function', '--force-enable-abort-handler',
]);
if (fs.existsSync(path.join(staging, 'package.json'))) fail('wasm-bindgen wrote npm dependencies: not reproduced');

// 4. wasm-opt: `-O` (the release default), an explicit feature list, and the names section kept.
const features = ['mutable-globals', 'sign-ext', 'nontrapping-float-to-int', 'bulk-memory', 'multivalue',
  'reference-types', 'exception-handling'];
for (const file of wasmFiles()) {
  const tmp = file.replace(/\.wasm$/, '.wasm-opt.wasm');
  run(wasmOpt, [file, '-o', tmp, '-O', ...features.map((f) => `--enable-${f}`), '--debuginfo']);
  fs.renameSync(tmp, file);
}

// 5. package.json: worker-build writes the crate's npm data, then rewrites `files`, `main` and `sideEffects`
// and serialises it again through serde_json's sorted map, with two-space indents and no final newline.
const packageJson = {
  name: pkg.name,
  type: 'module',
  ...(pkg.authors.length ? { collaborators: pkg.authors } : {}),
  ...(pkg.description != null ? { description: pkg.description } : {}),
  version: pkg.version,
  ...(pkg.license != null
    ? { license: pkg.license }
    : pkg.license_file != null ? { license: `SEE LICENSE IN ${pkg.license_file}` } : {}),
  ...(pkg.repository != null ? { repository: { type: 'git', url: pkg.repository } } : {}),
  files: ['index_bg.wasm', 'index.js', 'index.d.ts'],
  main: 'index.js',
  ...(pkg.homepage != null ? { homepage: pkg.homepage } : {}),
  sideEffects: ['./index.js'],
  ...(pkg.keywords.length ? { keywords: pkg.keywords } : {}),
};
fs.writeFileSync(path.join(staging, 'package.json'), JSON.stringify(sortKeys(packageJson), null, 2));

// 6. The `sdk: workers-rs` entry in each wasm's producers section.
for (const file of wasmFiles()) {
  fs.writeFileSync(file, addProducer(fs.readFileSync(file), 'sdk', 'workers-rs', WORKER_BUILD_VERSION));
}

// 7. The shim: worker-build's, with a handler for each exported function and a proxy for each exported class.
const glue = fs.readFileSync(path.join(staging, 'index.js'), 'utf8');
let shim = fs.readFileSync(path.join(here, 'shim.js'), 'utf8').split('$HANDLERS').join(handlers(glue));
for (const name of exportedClasses(glue)) {
  shim += `export const ${name} = new Proxy(exports.${name}, classProxyHooks);\n`;
}
fs.writeFileSync(path.join(staging, 'shim.js'), shim);

// 8. One bundle of the shim and the glue, then the wasm imported the way workerd takes it.
run(esbuild, ['--external:./index_bg.wasm', '--external:cloudflare:*', '--format=esm', '--bundle', './shim.js',
  '--outfile=index.js', '--allow-overwrite', '--minify'], { cwd: fs.realpathSync(staging) });
const bundle = path.join(staging, 'index.js');
fs.writeFileSync(bundle, fs.readFileSync(bundle, 'utf8').replaceAll('import source ', 'import '));
fs.rmSync(path.join(staging, 'shim.js'));
fs.rmSync(path.join(staging, 'snippets'), { recursive: true, force: true });

// 9. worker/shim.mjs, the entry point wrangler.toml names.
fs.mkdirSync(path.join(staging, 'worker'));
fs.writeFileSync(path.join(staging, 'worker/shim.mjs'), `// Use index.js directly, this file provided for backwards compat
// with former shim.mjs only.
export * from '../index.js';
export { default } from '../index.js';
`);

// 10. Each entry replaces its namesake in the output directory; other files there are left alone.
for (const entry of fs.readdirSync(staging)) {
  const dest = path.join(outDir, entry);
  fs.rmSync(dest, { recursive: true, force: true });
  fs.renameSync(path.join(staging, entry), dest);
}
fs.rmdirSync(staging);

function wasmFiles() {
  return fs.readdirSync(staging).filter((f) => f.endsWith('.wasm')).map((f) => path.join(staging, f));
}

function sortKeys(value) {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(Object.keys(value).sort().map((k) => [k, sortKeys(value[k])]));
}

// Each `export` declaration of the module text, from the keyword to the end of the text (worker-build's
// export_decls: the keyword at the start or after whitespace, `;` or `}`).
function* exportDecls(text) {
  for (let i = text.indexOf('export '); i !== -1; i = text.indexOf('export ', i + 'export '.length)) {
    if (i === 0 || /[\s;}]/.test(text[i - 1])) yield text.slice(i);
  }
}

function handlers(text) {
  const system = ['__wbg_reset_state', '__worker_init_state'];
  const names = [];
  for (const decl of exportDecls(text)) {
    let name;
    const fn = decl.startsWith('export function') ? decl.slice('export function'.length)
      : decl.startsWith('export async function') ? decl.slice('export async function'.length) : null;
    if (fn !== null) {
      const paren = fn.indexOf('(');
      if (paren !== -1) name = fn.slice(0, paren).trim();
    } else if (decl.startsWith('export {')) {
      const rest = decl.slice('export {'.length);
      const as = rest.indexOf(' as ');
      if (as !== -1) {
        const after = rest.slice(as + 4);
        const brace = after.indexOf('}');
        if (brace !== -1) name = after.slice(0, brace).trim();
      }
    }
    if (name !== undefined && !system.includes(name)) names.push(name);
  }
  let out = '';
  for (const name of names) {
    if (['fetch', 'queue', 'scheduled', 'email', 'connect'].includes(name)) {
      out += `Entrypoint.prototype.${name} = function ${name} (arg) {
  return exports.${name}.call(this, arg, this.env, this.ctx);
}
`;
    } else {
      out += `Entrypoint.prototype.${name} = exports.${name};\n`;
    }
  }
  return out;
}

function exportedClasses(text) {
  const names = [];
  for (const decl of exportDecls(text)) {
    if (decl.startsWith('export class ')) {
      const rest = decl.slice('export class '.length);
      const brace = rest.indexOf('{');
      if (brace !== -1) names.push(rest.slice(0, brace).trim());
    } else if (decl.startsWith('export var ')) {
      const rest = decl.slice('export var '.length);
      const eq = rest.indexOf('=');
      if (eq !== -1 && rest.slice(eq + 1).trimStart().startsWith('class')) names.push(rest.slice(0, eq).trim());
    }
  }
  return names;
}

// The wasm with (field, name, version) added to its `producers` custom section, unless an entry of that field
// and name is there already; the section is rewritten in place, or appended when there is none.
function addProducer(bytes, field, name, version) {
  if (bytes.length < 8 || bytes.readUInt32BE(0) !== 0x0061736d || bytes.readUInt32LE(4) !== 1) {
    throw new Error('not a wasm module');
  }
  const at = { pos: 8 };
  let section = null;
  while (at.pos < bytes.length && !section) {
    const start = at.pos;
    const id = bytes[at.pos++];
    const length = leb(bytes, at);
    const end = at.pos + length;
    if (end > bytes.length) throw new Error('wasm section past the end');
    if (id === 0 && wasmName(bytes, at, end) === 'producers') section = { start, end, content: at.pos };
    at.pos = end;
  }
  const entries = [];
  if (section) {
    const p = { pos: section.content };
    for (let fields = leb(bytes, p); fields > 0; fields--) {
      const f = wasmName(bytes, p, section.end);
      for (let values = leb(bytes, p); values > 0; values--) {
        entries.push({ field: f, name: wasmName(bytes, p, section.end), version: wasmName(bytes, p, section.end) });
      }
    }
    if (p.pos !== section.end) throw new Error('invalid producers section');
  }
  if (!entries.some((e) => e.field === field && e.name === name)) entries.push({ field, name, version });

  const content = [];
  const fields = [...new Set(entries.map((e) => e.field))];
  content.push(encodeLeb(fields.length));
  for (const f of fields) {
    const mine = entries.filter((e) => e.field === f);
    content.push(encodeName(f), encodeLeb(mine.length));
    for (const e of mine) content.push(encodeName(e.name), encodeName(e.version));
  }
  const payload = Buffer.concat([encodeName('producers'), ...content]);
  const encoded = Buffer.concat([Buffer.from([0]), encodeLeb(payload.length), payload]);
  return section
    ? Buffer.concat([bytes.subarray(0, section.start), encoded, bytes.subarray(section.end)])
    : Buffer.concat([bytes, encoded]);
}

function leb(bytes, at) {
  let result = 0;
  for (let shift = 0; shift < 32; shift += 7) {
    const byte = bytes[at.pos++];
    if (byte === undefined) throw new Error('LEB128 past the end');
    result += (byte & 0x7f) * 2 ** shift;
    if ((byte & 0x80) === 0) return result;
  }
  throw new Error('LEB128 value overflow');
}

function wasmName(bytes, at, limit) {
  const length = leb(bytes, at);
  if (at.pos + length > limit) throw new Error('wasm name past its section');
  const text = new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(at.pos, at.pos + length));
  at.pos += length;
  return text;
}

function encodeLeb(value) {
  const out = [];
  do {
    let byte = value & 0x7f;
    value = Math.floor(value / 128);
    if (value !== 0) byte |= 0x80;
    out.push(byte);
  } while (value !== 0);
  return Buffer.from(out);
}

function encodeName(text) {
  const bytes = Buffer.from(text, 'utf8');
  return Buffer.concat([encodeLeb(bytes.length), bytes]);
}
