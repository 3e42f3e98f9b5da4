// Where the app's wasm bytes go, by crate and by function (a `cargo bloat` for wasm, without
// installing anything). Reads the function names from the name section of cargo's output, before
// wasm-bindgen and wasm-opt strip them, so sizes are before wasm-opt's -Oz (about 0.9 of the code
// is kept; the shares hold). After `./x build`:
//   node e2e/bench/wasm-sizes.mjs [$CARGO_TARGET_DIR or target]/wasm32-unknown-unknown/release/app.wasm [rows]
// A generic function counts for the crate that defines it (serde, core, tachys), not the one
// that instantiates it: `serde` rows are mostly sim-core's scenario readers.
import { readFileSync } from 'node:fs';

const [file, rowsArg] = process.argv.slice(2);
if (!file) {
  console.error('usage: node e2e/bench/wasm-sizes.mjs <app.wasm> [rows]');
  process.exit(2);
}
const rows = Number(rowsArg ?? 25);
const bytes = readFileSync(file);

function leb(at) {
  let value = 0;
  let shift = 0;
  for (;;) {
    const b = bytes[at++];
    value += (b & 0x7f) * 2 ** shift;
    shift += 7;
    if (b < 0x80) return [value, at];
  }
}

// Sections: imported functions come first in the function index space.
let importedFunctions = 0;
const bodies = [];
const names = new Map();
const sectionBytes = {};
for (let at = 8; at < bytes.length; ) {
  const id = bytes[at];
  const [size, start] = leb(at + 1);
  const end = start + size;
  sectionBytes[id] = (sectionBytes[id] ?? 0) + size;
  if (id === 2) {
    let [n, p] = leb(start);
    for (let i = 0; i < n; i++) {
      for (let s = 0; s < 2; s++) {
        const [len, q] = leb(p);
        p = q + len;
      }
      const kind = bytes[p++];
      const skipLimits = () => {
        const [flags, q] = leb(p);
        [, p] = leb(q);
        if (flags & 1) [, p] = leb(p);
      };
      if (kind === 0) {
        importedFunctions++;
        [, p] = leb(p);
      } else if (kind === 1) {
        p++;
        skipLimits();
      } else if (kind === 2) skipLimits();
      else if (kind === 3) p += 2;
    }
  } else if (id === 10) {
    let [n, p] = leb(start);
    for (let i = 0; i < n; i++) {
      const [len, q] = leb(p);
      bodies.push(q - p + len);
      p = q + len;
    }
  } else if (id === 0) {
    const [len, q] = leb(start);
    if (bytes.toString('utf8', q, q + len) === 'name') {
      for (let p = q + len; p < end; ) {
        const sub = bytes[p];
        const [subSize, r] = leb(p + 1);
        if (sub === 1) {
          let [n, s] = leb(r);
          for (let i = 0; i < n; i++) {
            let index, nameLen;
            [index, s] = leb(s);
            [nameLen, s] = leb(s);
            names.set(index, bytes.toString('utf8', s, s + nameLen));
            s += nameLen;
          }
        }
        p = r + subSize;
      }
    }
  }
  at = end;
}

// Rust's legacy mangling: _ZN <len><segment>... E, with $LT$-style escapes and a hash segment.
const ESCAPES = { $LT$: '<', $GT$: '>', $RF$: '&', $BP$: '*', $C$: ',', $u20$: ' ', $u27$: "'", $u5b$: '[', $u5d$: ']', $u7b$: '{', $u7d$: '}', $u7e$: '~', $LP$: '(', $RP$: ')' };
function demangle(name) {
  if (!name.startsWith('_ZN')) return name;
  const parts = [];
  let p = 3;
  while (p < name.length && name[p] !== 'E') {
    const digits = /^\d+/.exec(name.slice(p))?.[0];
    if (!digits) return name;
    p += digits.length;
    parts.push(name.slice(p, p + Number(digits)));
    p += Number(digits);
  }
  if (/^h[0-9a-f]{16}$/.test(parts.at(-1) ?? '')) parts.pop();
  return parts
    .map((s) => s.replace(/^_\$/, '$').replace(/\$[A-Za-z0-9]+\$/g, (e) => ESCAPES[e] ?? e).replaceAll('..', '::'))
    .join('::');
}

/** The crate a function is defined in: the first path segment; for `<Type as Trait>::f`, the
 * type's crate, or the trait's when the type is a parameter or a primitive (`<T as serde::...>`). */
function crateOf(name) {
  // Rust's v0 mangling (the precompiled standard library): the first crate root, `C<hash>_<len><name>`.
  const v0 = /^_R.*?C(?:s[0-9A-Za-z]*_)?(\d+)/.exec(name);
  if (v0) return name.substr(v0.index + v0[0].length, Number(v0[1]));
  const path = /^&?(?:mut )?(?:dyn )?([a-z_][a-z0-9_]*)(?:\[[0-9a-f]+\])?::/;
  const impl = /^<(.+?) as ([a-z_][a-z0-9_]*)(?:\[[0-9a-f]+\])?::/.exec(name);
  if (impl) return path.exec(impl[1])?.[1] ?? impl[2];
  return path.exec(name.replace(/^</, ''))?.[1] ?? '(no crate: wasm-bindgen glue, C symbols)';
}

const code = bodies.reduce((a, b) => a + b, 0);
const byCrate = new Map();
const functions = bodies.map((size, i) => {
  const name = demangle(names.get(importedFunctions + i) ?? `function ${importedFunctions + i}`);
  const crate = crateOf(name);
  const row = byCrate.get(crate) ?? { size: 0, count: 0 };
  row.size += size;
  row.count += 1;
  byCrate.set(crate, row);
  return { size, name };
});

const pct = (n) => `${((100 * n) / code).toFixed(1)}%`.padStart(6);
console.log(`${file}: ${bytes.length} bytes; code ${code}, data ${sectionBytes[11] ?? 0}, ${bodies.length} functions`);
console.log('\nby crate (code bytes, share of code, functions)');
for (const [crate, { size, count }] of [...byCrate].sort((a, b) => b[1].size - a[1].size).slice(0, rows)) {
  console.log(`${String(size).padStart(9)} ${pct(size)} ${String(count).padStart(6)}  ${crate}`);
}
// Legacy mangling drops a generic function's type arguments, so every instance of one generic
// function (and of its closures) shares a name: summing by name finds the costly generics.
const families = new Map();
for (const { size, name } of functions) {
  const key = name.replace(/(::\{\{closure\}\})+$/, '');
  const row = families.get(key) ?? { size: 0, count: 0 };
  row.size += size;
  row.count += 1;
  families.set(key, row);
}
console.log('\nlargest families (one name and its closures: the instances of a generic function)');
for (const [name, { size, count }] of [...families].sort((a, b) => b[1].size - a[1].size).slice(0, rows)) {
  console.log(`${String(size).padStart(9)} ${pct(size)} ${String(count).padStart(6)}  ${name.slice(0, 140)}`);
}
console.log('\nlargest functions');
for (const { size, name } of functions.sort((a, b) => b.size - a.size).slice(0, rows)) {
  console.log(`${String(size).padStart(9)} ${pct(size)}  ${name.slice(0, 140)}`);
}
