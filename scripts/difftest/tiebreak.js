// tiebreak.js: a third opinion (V8) on a difftest finding. Runs the
// calls difftest would make on a module, in order, and prints each
// one's outcome (results as bits, or the trap's message):
//
//   bin/difftest -file F.wasm -seed SEED -plan | node scripts/difftest/tiebreak.js F.wasm
//
// Imports of module "wasmgen" are wasmgen's host functions (HostCall in
// internal/wasmgen/host.go, spelled again here); other function imports
// return zeros, global imports hold zero, as in difftest; an externref
// a host function makes is its id as a BigInt. Exports and imports with
// v128 parameters or results go through adapter modules (JavaScript has
// no v128): a v128 result prints as difftest prints it. After each call,
// the FNV-1a hash of each exported memory, as difftest -show prints it.
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

// hostCall is HostCall: args and the values returned are split (a v128
// two i64s, low half first: see adapter), params and results not.
function hostCall(name, params, results, args) {
  let h = 0x9e3779b97f4a7c15n;
  let a = 0;
  params.forEach((p) => {
    if (p === 'v128') {
      h = mix(h ^ BigInt.asUintN(64, args[a++]));
      h = mix(h ^ BigInt.asUintN(64, args[a++]));
      return;
    }
    let v = toBits(p, args[a]);
    if (p === 'f32' && Number.isNaN(args[a])) v = 0x7fc00000n;
    if (p === 'f64' && Number.isNaN(args[a])) v = 0x7ff8000000000000n;
    a++;
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
  const out = results.flatMap((t, j) => t === 'v128'
    ? [value('i64', mix(h + BigInt(j))), value('i64', mix(h + BigInt(j) + 0x80n))]
    : [value(t, mix(h + BigInt(j)))]);
  return out.length === 1 ? out[0] : out.length === 0 ? undefined : out;
}

// V8's JavaScript API refuses v128 at the boundary: a function whose
// type has v128 is called through, or provided by, an adapter module in
// which a v128 is two i64s (low half first: i64x2 lanes 0 and 1).
const vtByte = { i32: 0x7f, i64: 0x7e, f32: 0x7d, f64: 0x7c, v128: 0x7b, funcref: 0x70, externref: 0x6f };
const split = (ts) => ts.flatMap((t) => t === 'v128' ? ['i64', 'i64'] : [t]);
const hasV128 = (sig) => sig.params.concat(sig.results).includes('v128');
// bits is split with floats as their bits too (a JavaScript number
// keeps no NaN's payload): exports are called so.
const asBits = { f32: 'i32', f64: 'i64' };
const bits = (ts) => split(ts).map((t) => asBits[t] || t);

// adapter is a module importing m.f and exporting w: toJS, w is f with
// its v128s split and its floats as bits (to call a wasm function of
// that type from JavaScript, NaN payloads kept); otherwise f is split
// and w has sig (to provide a function of that type from JavaScript).
function adapter(sig, toJS) {
  const inner = toJS ? sig : { params: split(sig.params), results: split(sig.results) };
  const outer = toJS ? { params: bits(sig.params), results: bits(sig.results) } : sig;
  const uleb = (n) => { const b = []; do { let c = n & 0x7f; n >>>= 7; if (n) c |= 0x80; b.push(c); } while (n); return b; };
  const vec = (items) => [...uleb(items.length), ...items.flat()];
  const type = (t) => [0x60, ...vec(t.params.map((x) => [vtByte[x]])), ...vec(t.results.map((x) => [vtByte[x]]))];
  const section = (id, body) => [id, ...uleb(body.length), ...body];
  const str = (x) => [...uleb(x.length), ...Buffer.from(x)];
  const code = [];
  const get = (i) => code.push(0x20, ...uleb(i));
  const splat = () => code.push(0xfd, 0x12);
  const replace1 = () => code.push(0xfd, 0x1e, 1);
  const extract = (l) => code.push(0xfd, 0x1d, l);
  let k = 0;
  const fromBits = { f32: 0xbe, f64: 0xbf }, toBitsOp = { f32: 0xbc, f64: 0xbd }; // reinterprets
  for (const p of sig.params) {
    if (toJS && fromBits[p]) { get(k++); code.push(fromBits[p]); }
    else if (p !== 'v128') get(k++);
    else if (toJS) { get(k++); splat(); get(k++); replace1(); }
    else { get(k); extract(0); get(k++); extract(1); }
  }
  code.push(0x10, 0); // call the import
  const base = outer.params.length;
  for (let r = inner.results.length - 1; r >= 0; r--) code.push(0x21, ...uleb(base + r));
  k = base;
  for (const t of sig.results) {
    if (toJS && toBitsOp[t]) { get(k++); code.push(toBitsOp[t]); }
    else if (t !== 'v128') get(k++);
    else if (toJS) { get(k); extract(0); get(k++); extract(1); }
    else { get(k++); splat(); get(k++); replace1(); }
  }
  code.push(0x0b);
  const locals = vec(inner.results.map((t) => [1, vtByte[t]]));
  const body = [...locals, ...code];
  const bytes = [0x00, 0x61, 0x73, 0x6d, 1, 0, 0, 0,
    ...section(1, vec([type(inner), type(outer)])),
    ...section(2, vec([[...str('m'), ...str('f'), 0, 0]])),
    ...section(3, vec([[1]])),
    ...section(7, vec([[...str('w'), 0, 1]])),
    ...section(10, vec([[...uleb(body.length), ...body]]))];
  return new WebAssembly.Module(new Uint8Array(bytes));
}
const adapt = (sig, toJS, f) => new WebAssembly.Instance(adapter(sig, toJS), { m: { f } }).exports.w;

// zeros is what an import outside wasmgen returns: zeros of its
// (split) result types.
function zeros(sig) {
  const z = split(sig.results).map((t) => t === 'i64' ? 0n : t === 'funcref' || t === 'externref' ? null : 0);
  return () => z.length === 1 ? z[0] : z.length === 0 ? undefined : z;
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
  }
}
const calls = fs.readFileSync(0, 'utf8').split('\n').filter((l) => l).map((l) => JSON.parse(l));
// JavaScript's reflection has no function types: they come from the
// module's sections (readModule).
for (const { module, name, sig } of importSigs(fs.readFileSync(process.argv[2]))) {
  let f = module === 'wasmgen' ? (...args) => hostCall(name, sig.params, sig.results, args) : zeros(sig);
  if (hasV128(sig)) f = adapt(sig, false, f);
  imports[module][name] = f;
}
const exportSigs = funcSigs(fs.readFileSync(process.argv[2]));
const inst = new WebAssembly.Instance(mod, imports);
for (const c of calls) {
  const sig = exportSigs[c.name];
  if (!sig) {
    console.log(`${c.name}: skipped`);
    continue;
  }
  // Through the adapter: floats as their bits, a v128 as two i64s.
  const args = sig.params.flatMap((p, i) => p === 'v128'
    ? [BigInt.asIntN(64, BigInt(c.args[2 * i])), BigInt.asIntN(64, BigInt(c.args[2 * i + 1]))]
    : [fromBits(asBits[p] || p, BigInt(c.args[2 * i]))]);
  let line;
  try {
    const f = adapt(sig, true, inst.exports[c.name]);
    let r = f(...args);
    const n = bits(sig.results).length;
    if (n === 1) r = [r];
    else if (n === 0) r = [];
    let k = 0;
    const hex = (b) => b.toString(16).padStart(16, '0');
    line = 'results ' + sig.results.map((t) => {
      if (t === 'v128') {
        const lo = BigInt.asUintN(64, r[k++]), hi = BigInt.asUintN(64, r[k++]);
        return `v128:${hex(hi)}${hex(lo)}`;
      }
      return `${t}:0x${toBits(asBits[t] || t, r[k++]).toString(16)}`;
    }).join(' ');
  } catch (e) {
    line = `trap ${e.message}`;
  }
  console.log(`${c.name}(${c.args.filter((_, i) => i % 2 === 0).join(',')}): ${line}`);
  for (const [name, m] of Object.entries(inst.exports)) {
    if (m instanceof WebAssembly.Memory) {
      const b = new Uint8Array(m.buffer);
      let h = 0x811c9dc5;
      for (let i = 0; i < b.length; i++) h = Math.imul(h ^ b[i], 16777619) >>> 0;
      console.log(`  memory ${name}: ${b.length} bytes, fnv1a ${h.toString(16).padStart(8, '0')}`);
    }
  }
}

// A minimal reader of the type, import, function and export sections:
// the function types of the function imports and of the exports.
function readModule(b) {
  let p = 8;
  const u = () => { let r = 0, s = 0, c; do { c = b[p++]; r += (c & 0x7f) * 2 ** s; s += 7; } while (c & 0x80); return r; };
  const name = () => { const n = u(); const s = b.slice(p, p + n).toString(); p += n; return s; };
  const vt = { 0x7f: 'i32', 0x7e: 'i64', 0x7d: 'f32', 0x7c: 'f64', 0x7b: 'v128', 0x70: 'funcref', 0x6f: 'externref' };
  const types = [], funcs = [], imps = [], exps = {};
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
        if (kind === 0) { const t = types[u()]; funcs.push(t); imps.push({ module: m, name: f, sig: t }); }
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
