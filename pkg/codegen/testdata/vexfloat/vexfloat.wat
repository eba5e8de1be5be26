;; Float loops whose values rotate through the loop's parameters, for
;; regalloc/vexfloat.go: with AVX (three-operand float arithmetic) the
;; allocator keeps a parameter's register for its back-edge argument, so
;; the back edge needs no moves. Each function takes x (i32) and returns
;; an i64; vexfloat_exec_test.go runs them at -O 0 and -O 2, with and
;; without AVX, in both bounds modes. Built with `wat2wasm vexfloat.wat`.
(module
  (memory 1 1)
  (func (export "poke") (param i32 i64)
    (i64.store (local.get 0) (local.get 1)))

  ;; The Mandelbrot iteration for the point chosen by x, in the shape
  ;; clang gives testdata/bench/wider/mandel.c's inner loop (2*zr as
  ;; zr+zr before the new zr, the compare at the bottom), counting
  ;; iterations, and the bits of the last values.
  (func (export "mandel") (param $x i32) (result i64)
    (local $cr f64) (local $ci f64) (local $zr f64) (local $zi f64)
    (local $zr2 f64) (local $zi2 f64) (local $t f64) (local $it i32) (local $n i64)
    (local.set $cr (f64.sub (f64.div (f64.convert_i32_u (i32.and (local.get $x) (i32.const 255))) (f64.const 64)) (f64.const 2.2)))
    (local.set $ci (f64.sub (f64.div (f64.convert_i32_u (i32.shr_u (local.get $x) (i32.const 8))) (f64.const 50)) (f64.const 1.5)))
    (loop $l
      (block $out
        (local.set $n (i64.add (local.get $n) (i64.const 1)))
        (br_if $out (i32.gt_u (local.get $it) (i32.const 254)))
        (local.set $t (f64.add (local.get $zr) (local.get $zr)))
        (local.set $it (i32.add (local.get $it) (i32.const 1)))
        (local.set $zr (f64.add (local.get $cr) (f64.sub (local.get $zr2) (local.get $zi2))))
        (local.set $zr2 (f64.mul (local.get $zr) (local.get $zr)))
        (local.set $zi (f64.add (f64.mul (local.get $t) (local.get $zi)) (local.get $ci)))
        (local.set $zi2 (f64.mul (local.get $zi) (local.get $zi)))
        (br_if $l (f64.le (f64.add (local.get $zr2) (local.get $zi2)) (f64.const 4)))))
    (i64.add (local.get $n)
      (i64.xor (i64.reinterpret_f64 (local.get $zr)) (i64.rotl (i64.reinterpret_f64 (local.get $zi)) (i64.const 17)))))

  ;; f32 values rotating through three parameters with arithmetic between
  ;; them; a, b, c come from memory (NaN, -0.0, infinities among the
  ;; patterns fillMemory writes), min and max see signed zeros.
  (func (export "rotate32") (param $x i32) (result i64)
    (local $a f32) (local $b f32) (local $c f32) (local $t f32) (local $n i32)
    (local.set $a (f32.load (i32.and (local.get $x) (i32.const 0xfc))))
    (local.set $b (f32.load offset=256 (i32.and (local.get $x) (i32.const 0xfc))))
    (local.set $c (f32.const -0))
    (local.set $n (i32.and (local.get $x) (i32.const 15)))
    (loop $l
      (local.set $t (f32.sub (local.get $a) (local.get $b)))
      (local.set $a (f32.add (f32.mul (local.get $b) (f32.const 0.5)) (local.get $c)))
      (local.set $b (f32.min (local.get $c) (f32.const 0)))
      (local.set $c (f32.max (f32.div (local.get $t) (f32.const 3)) (f32.const -0)))
      (br_if $l (i32.ge_s (local.tee $n (i32.sub (local.get $n) (i32.const 1))) (i32.const 0))))
    (i64.or (i64.shl (i64.extend_i32_u (i32.reinterpret_f32 (local.get $a))) (i64.const 32))
      (i64.extend_i32_u (i32.xor (i32.reinterpret_f32 (local.get $b)) (i32.rotl (i32.reinterpret_f32 (local.get $c)) (i32.const 7))))))

  ;; f64 rotation with sqrt, abs, neg, copysign, rounding and a load in
  ;; the loop that traps for large x (its offset must be -O 0's).
  (func (export "rotate64") (param $x i32) (result i64)
    (local $a f64) (local $b f64) (local $c f64) (local $d f64) (local $t f64) (local $n i32) (local $p i32)
    (local.set $a (f64.load (i32.and (local.get $x) (i32.const 0xf8))))
    (local.set $b (f64.const -0))
    (local.set $c (f64.convert_i32_s (local.get $x)))
    (local.set $d (f64.const 0.5))
    (local.set $n (i32.and (local.get $x) (i32.const 15)))
    (local.set $p (i32.shl (local.get $x) (i32.const 8)))
    (loop $l
      (local.set $t (f64.add (f64.sqrt (f64.abs (local.get $a))) (local.get $d)))
      (local.set $a (f64.copysign (f64.sub (local.get $b) (local.get $c)) (local.get $a)))
      (local.set $b (f64.neg (f64.mul (local.get $c) (f64.const 0.75))))
      (local.set $c (f64.min (f64.floor (local.get $t)) (f64.load (local.get $p))))
      (local.set $d (f64.max (f64.nearest (local.get $d)) (local.get $b)))
      (local.set $p (i32.add (local.get $p) (i32.const 8)))
      (br_if $l (i32.ge_s (local.tee $n (i32.sub (local.get $n) (i32.const 1))) (i32.const 0))))
    (i64.xor (i64.reinterpret_f64 (local.get $a))
      (i64.xor (i64.rotl (i64.reinterpret_f64 (local.get $b)) (i64.const 13))
        (i64.xor (i64.rotl (i64.reinterpret_f64 (local.get $c)) (i64.const 29)) (i64.reinterpret_f64 (local.get $d))))))
;; Float selects in a loop (straight into the result's register
  ;; with AVX, from either operand's register), their conditions from
  ;; float compares (NaN: false) and from integers.
  (func (export "select64") (param $x i32) (result i64)
    (local $a f64) (local $b f64) (local $c f32) (local $n i32)
    (local.set $a (f64.load (i32.and (local.get $x) (i32.const 0xf8))))
    (local.set $b (f64.load offset=256 (i32.and (local.get $x) (i32.const 0xf8))))
    (local.set $c (f32.load offset=128 (i32.and (local.get $x) (i32.const 0x7c))))
    (local.set $n (i32.and (local.get $x) (i32.const 15)))
    (loop $l
      (local.set $a (select (local.get $b) (f64.add (local.get $a) (f64.const 1.25)) (f64.lt (local.get $a) (local.get $b))))
      (local.set $b (select (f64.mul (local.get $b) (f64.const -0.5)) (local.get $a) (i32.and (local.get $n) (i32.const 1))))
      (local.set $c (select (f32.const -0) (local.get $c) (f32.ge (local.get $c) (f32.demote_f64 (local.get $a)))))
      (local.set $a (select (local.get $a) (f64.const 0) (f64.eq (local.get $a) (local.get $a))))
      (br_if $l (i32.ge_s (local.tee $n (i32.sub (local.get $n) (i32.const 1))) (i32.const 0))))
    (i64.xor (i64.reinterpret_f64 (local.get $a))
      (i64.xor (i64.rotl (i64.reinterpret_f64 (local.get $b)) (i64.const 13)) (i64.extend_i32_u (i32.reinterpret_f32 (local.get $c))))))
)
