// tiebreak.js: a third opinion (V8) on a difftest finding. Runs the
// calls difftest would make on a module, in order, and prints each
// one's outcome (results as bits, or the trap's message):
//
//   bin/difftest -file F.wasm -seed SEED -plan | node scripts/difftest/tiebreak.js F.wasm
//
// Imports of module "wasmgen" are wasmgen's host functions (HostCall in
// internal/wasmgen/host.go, spelled again here); other function imports
// return zeros, global imports hold zero, as in difftest; an externref
// a host function makes is its id as a BigInt. Exports with
// v128 parameters or results are skipped (JavaScript has no v128).
'use strict';
const fs = require('fs');

const M64 = (1n << 64n) - 1n;
const ints = [0n, 1n, -1n, 2n, 7n, 31n, 32n, 63n, 64n, 0x7fn, 0x80n, 0xffn, 0x7fffn, 0x8000n, 0xffffn,
  0x7fffffffn, -0x80000000n, 0xffffffffn, 0x7fffffffffffffffn, -0x8000000000000000n];
const f32Bits = [0x7fc00000, 0xffc00000, 0x7fc00001, 0x7fa00000, 0x7f800001, 0xff812345, 0x80000000, 0x00000001,
  0x807fffff, 0x7f7fffff, 0xff7fffff, 0x4effffff, 0x4f000000, 0xcf000000, 0xcf000001, 0x4f7fffff, 0x4f800000,
  0x5effffff, 0x5f000000, 0xdf000000, 0xdf000001, 0x5f7fffff, 0x5f800000, 0xbf7fffff, 0x3f000000, 0xbf800000];
const f64Bits = [0x7ff8000000000000n, 0xfff8000000000000n, 0x7ff8000000000001n, 0x7ff4000000000000n, 0x7ff0000000000001n,
  0xfff0000000012345n, 0x8000000000000000n, 0x1n, 0x800fffffffffffffn, 0x7fefffffffffffffn, 0xffefffffffffffffn,
  0x41dfffffffffffffn, 0x41dfffffffc00000n, 0x41e0000000000000n, 0xc1e0000000000000n, 0xc1e00000001fffffn, 0xc1e0000000200000n,
  0x41efffffffffffffn, 0x41f0000000000000n, 0x43dfffffffffffffn, 0x43e0000000000000n, 0xc3e0000000000000n,
  0xc3e0000000000001n, 0x43efffffffffffffn, 0x43f0000000000000n, 0xbfefffffffffffffn, 0x3fe0000000000000n];

const dv = new DataView(new ArrayBuffer(8));
const f32bits = (x) => { dv.setFloat32(0, x, true); return BigInt(dv.getUint32(0, true)); };
const f64bits = (x) => { dv.setFloat64(0, x, true); return dv.getBigUint64(0, true); };
const f32of = (b) => { dv.setUint32(0, Number(b & 0xffffffffn), true); return dv.getFloat32(0, true); };
const f64of = (b) => { dv.setBigUint64(0, b & M64, true); return dv.getFloat64(0, true); };

function mix(x) {
  x &= M64;
  x ^= x >> 30n; x = (x * 0xbf58476d1ce4e5b9n) & M64;
  x ^= x >> 27n; x = (x * 0x94d049bb133111ebn) & M64;
  return x ^ (x >> 31n);
}

// toBits is the value's bits as an unsigned BigInt; fromBits the value
// of type t with those bits.
function toBits(t, v) {
  switch (t) {
    case 'i32': return BigInt(v >>> 0);
    case 'i64': return BigInt.asUintN(64, v);
    case 'f32': return f32bits(v);
    case 'f64': return f64bits(v);
    case 'externref': return v === null ? 0n : BigInt.asUintN(64, v); // an id (externID)
  }
  return v === null ? 0n : 1n;
}
function fromBits(t, b) {
  switch (t) {
    case 'i32': return Number(BigInt.asIntN(32, b));
    case 'i64': return BigInt.asIntN(64, b);
    case 'f32': return f32of(b);
    case 'f64': return f64of(b);
    case 'externref': return b === 0n ? null : b;
  }
  return null;
}

function hostCall(name, params, results, args) {
  let h = 0x9e3779b97f4a7c15n;
  params.forEach((p, i) => {
    let v = toBits(p, args[i]);
    if (p === 'f32' && Number.isNaN(args[i])) v = 0x7fc00000n;
    if (p === 'f64' && Number.isNaN(args[i])) v = 0x7ff8000000000000n;
    h = mix(h ^ v);
  });
  if (name[0] === 't' && (h >> 62n) === 0n) throw new Error('wasmgen host trap');
  if (name[0] === 'c') { // a callback: export f<k> with arguments from the hash
    const exp = name.slice(name.indexOf('_') + 1), sig = exportSigs[exp];
    const cargs = sig.params.map((t, j) => value(t, mix(h + 0x100n + BigInt(j))));
    let r = inst.exports[exp](...cargs);
    if (sig.results.length === 1) r = [r];
    sig.results.forEach((t, j) => {
      let v = toBits(t, r[j]);
      if (t === 'f32' && Number.isNaN(r[j])) v = 0x7fc00000n;
      if (t === 'f64' && Number.isNaN(r[j])) v = 0x7ff8000000000000n;
      h = mix(h ^ v);
    });
  }
  const out = results.map((t, j) => value(t, mix(h + BigInt(j))));
  return results.length === 1 ? out[0] : results.length === 0 ? undefined : out;
}

// value is a value of type t made of hash x (HostCall's value).
function value(t, x) {
  const edge = (x >> 62n) === 0n;
  const k = (n) => Number(x % BigInt(n));
  switch (t) {
    case 'i32': return fromBits(t, edge ? BigInt.asUintN(32, ints[k(ints.length)]) : x & 0xffffffffn);
    case 'i64': return fromBits(t, edge ? BigInt.asUintN(64, ints[k(ints.length)]) : x);
    case 'f32': return edge ? f32of(BigInt(f32Bits[k(f32Bits.length)])) : Math.fround(Number(BigInt.asIntN(32, x & 0xffffffffn)) / 256);
    case 'f64': return edge ? f64of(f64Bits[k(f64Bits.length)]) : Number(BigInt.asIntN(64, x)) / 65536;
    case 'externref': return fromBits(t, externID(x));
  }
  return null; // funcref
}

// externID is wasmgen.ExternID: an externref result's id (a BigInt as
// the JavaScript value), 0 for null.
function externID(x) {
  switch (x >> 62n) {
    case 0n: return 0n;
    case 1n: return 1n + x % 4n;
  }
  return x | 1n;
}

const mod = new WebAssembly.Module(fs.readFileSync(process.argv[2]));
const imports = {};
for (const imp of WebAssembly.Module.imports(mod)) {
  imports[imp.module] = imports[imp.module] || {};
  if (imp.kind === 'global') {
    imports[imp.module][imp.name] = 0;
  } else if (imp.kind === 'function') {
    imports[imp.module][imp.name] = imp.module === 'wasmgen' ? null : () => 0;
  }
}
const calls = fs.readFileSync(0, 'utf8').split('\n').filter((l) => l).map((l) => JSON.parse(l));
// JavaScript's reflection has no function types: they come from the
// module's sections (readModule).
const sigs = importSigs(fs.readFileSync(process.argv[2]));
for (const [name, sig] of Object.entries(sigs)) {
  imports.wasmgen[name] = (...args) => hostCall(name, sig.params, sig.results, args);
}
const exportSigs = funcSigs(fs.readFileSync(process.argv[2]));
const inst = new WebAssembly.Instance(mod, imports);
for (const c of calls) {
  const sig = exportSigs[c.name];
  if (!sig || sig.params.concat(sig.results).includes('v128')) {
    console.log(`${c.name}: skipped`);
    continue;
  }
  const args = sig.params.map((p, i) => fromBits(p, BigInt(c.args[2 * i])));
  let line;
  try {
    let r = inst.exports[c.name](...args);
    if (sig.results.length === 1) r = [r];
    else if (sig.results.length === 0) r = [];
    line = 'results ' + sig.results.map((t, i) => `${t}:0x${toBits(t, r[i]).toString(16)}`).join(' ');
  } catch (e) {
    line = `trap ${e.message}`;
  }
  console.log(`${c.name}(${c.args.filter((_, i) => i % 2 === 0).join(',')}): ${line}`);
}

// A minimal reader of the type, import, function and export sections:
// function types of the imports from module wasmgen and of the exports.
function readModule(b) {
  let p = 8;
  const u = () => { let r = 0, s = 0, c; do { c = b[p++]; r += (c & 0x7f) * 2 ** s; s += 7; } while (c & 0x80); return r; };
  const name = () => { const n = u(); const s = b.slice(p, p + n).toString(); p += n; return s; };
  const vt = { 0x7f: 'i32', 0x7e: 'i64', 0x7d: 'f32', 0x7c: 'f64', 0x7b: 'v128', 0x70: 'funcref', 0x6f: 'externref' };
  const types = [], funcs = [], imps = {}, exps = {};
  while (p < b.length) {
    const id = b[p++], len = u(), end = p + len;
    if (id === 1) {
      for (let n = u(); n > 0; n--) {
        p++; // 0x60
        const params = []; for (let k = u(); k > 0; k--) params.push(vt[b[p++]]);
        const results = []; for (let k = u(); k > 0; k--) results.push(vt[b[p++]]);
        types.push({ params, results });
      }
    } else if (id === 2) {
      for (let n = u(); n > 0; n--) {
        const m = name(), f = name(), kind = b[p++];
        if (kind === 0) { const t = types[u()]; funcs.push(t); if (m === 'wasmgen') imps[f] = t; }
        else if (kind === 1) { p++; const fl = u(); u(); if (fl & 1) u(); }
        else if (kind === 2) { const fl = u(); u(); if (fl & 1) u(); }
        else if (kind === 3) { p += 2; }
      }
    } else if (id === 3) {
      for (let n = u(); n > 0; n--) funcs.push(types[u()]);
    } else if (id === 7) {
      for (let n = u(); n > 0; n--) { const f = name(), kind = b[p++], idx = u(); if (kind === 0) exps[f] = funcs[idx]; }
    }
    p = end;
  }
  return { imps, exps };
}
function importSigs(b) { return readModule(b).imps; }
function funcSigs(b) { return readModule(b).exps; }
