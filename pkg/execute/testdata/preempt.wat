;; Guest loops with no call and no interrupt check (preempt_test.go).
;; Rebuild: wat2wasm preempt.wat -o preempt.wasm
(module
  ;; spin: an infinite loop, no call, no memory access.
  (func (export "spin")
    (loop (br 0)))

  ;; regs(n): n iterations updating 8 i64, 6 f64 and 2 v128 values, all
  ;; live across the whole loop, then folds them into one i64.
  (func (export "regs") (param $n i64) (result i64)
    (local $a i64) (local $b i64) (local $c i64) (local $d i64)
    (local $e i64) (local $f i64) (local $g i64) (local $h i64)
    (local $x f64) (local $y f64) (local $z f64) (local $u f64) (local $v f64) (local $w f64)
    (local $p v128) (local $q v128)
    (local.set $a (i64.const 1)) (local.set $b (i64.const 2))
    (local.set $c (i64.const 3)) (local.set $d (i64.const 4))
    (local.set $e (i64.const 5)) (local.set $f (i64.const 6))
    (local.set $g (i64.const 7)) (local.set $h (i64.const 8))
    (local.set $x (f64.const 0.5)) (local.set $y (f64.const 1.5))
    (local.set $z (f64.const 2.5)) (local.set $u (f64.const 3.5))
    (local.set $v (f64.const 4.5)) (local.set $w (f64.const 5.5))
    (local.set $p (v128.const i32x4 1 2 3 4))
    (local.set $q (v128.const f64x2 0.25 0.75))
    (loop $l
      (local.set $a (i64.add (local.get $a) (local.get $b)))
      (local.set $b (i64.xor (local.get $b) (local.get $c)))
      (local.set $c (i64.add (local.get $c) (i64.const 3)))
      (local.set $d (i64.sub (local.get $d) (local.get $a)))
      (local.set $e (i64.rotl (local.get $e) (i64.const 1)))
      (local.set $f (i64.add (local.get $f) (local.get $e)))
      (local.set $g (i64.mul (local.get $g) (i64.const 3)))
      (local.set $h (i64.add (local.get $h) (local.get $n)))
      (local.set $x (f64.add (local.get $x) (f64.const 1)))
      (local.set $y (f64.mul (local.get $y) (f64.const 0.999)))
      (local.set $z (f64.add (local.get $z) (local.get $x)))
      (local.set $u (f64.sub (local.get $u) (f64.const 0.5)))
      (local.set $v (f64.add (local.get $v) (local.get $y)))
      (local.set $w (f64.max (local.get $w) (local.get $z)))
      (local.set $p (i32x4.add (local.get $p) (v128.const i32x4 1 -1 3 5)))
      (local.set $q (f64x2.add (local.get $q) (v128.const f64x2 1 2)))
      (br_if $l (i64.ne (local.tee $n (i64.sub (local.get $n) (i64.const 1))) (i64.const 0))))
    (i64.xor
      (i64.xor
        (i64.xor (i64.xor (local.get $a) (i64.rotl (local.get $b) (i64.const 1)))
                 (i64.xor (i64.rotl (local.get $c) (i64.const 2)) (i64.rotl (local.get $d) (i64.const 3))))
        (i64.xor (i64.xor (i64.rotl (local.get $e) (i64.const 4)) (i64.rotl (local.get $f) (i64.const 5)))
                 (i64.xor (i64.rotl (local.get $g) (i64.const 6)) (i64.rotl (local.get $h) (i64.const 7)))))
      (i64.xor
        (i64.xor
          (i64.xor (i64.reinterpret_f64 (local.get $x)) (i64.rotl (i64.reinterpret_f64 (local.get $y)) (i64.const 8)))
          (i64.xor (i64.rotl (i64.reinterpret_f64 (local.get $z)) (i64.const 9)) (i64.rotl (i64.reinterpret_f64 (local.get $u)) (i64.const 10))))
        (i64.xor
          (i64.xor (i64.rotl (i64.reinterpret_f64 (local.get $v)) (i64.const 11)) (i64.rotl (i64.reinterpret_f64 (local.get $w)) (i64.const 12)))
          (i64.xor
            (i64.xor (i64x2.extract_lane 0 (local.get $p)) (i64.rotl (i64x2.extract_lane 1 (local.get $p)) (i64.const 13)))
            (i64.xor (i64x2.extract_lane 0 (local.get $q)) (i64.rotl (i64x2.extract_lane 1 (local.get $q)) (i64.const 14))))))))
;; mem(n): n iterations of a store and a load with bounds checks (with
  ;; --bounds-checks=explicit a compare and branch each), summing loads.
  (memory 1)
  (func (export "mem") (param $n i32) (result i32) (local $i i32) (local $s i32)
    (loop $l
      (i32.store (i32.and (i32.mul (local.get $i) (i32.const 4)) (i32.const 0xfffc)) (local.get $i))
      (local.set $s (i32.add (local.get $s)
        (i32.load (i32.and (i32.mul (local.get $i) (i32.const 12)) (i32.const 0xfffc)))))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br_if $l (i32.lt_u (local.get $i) (local.get $n))))
    (local.get $s))
)
