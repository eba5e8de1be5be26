;; f32/f64 neg, abs and copysign (isa/amd64/emit_sign.go: xorps/andps
;; against a pool mask). Each function takes x (i64) and returns an i64
;; built only from bit patterns, so every build must give the same bits,
;; NaN payloads included; sign_exec_test.go runs them at -O 0 and -O 2 in
;; both bounds modes, SSE and AVX, over memory filled by fillMemory, and
;; checks the pure ones against Go. Built with `wat2wasm signops.wat`.
(module
  (memory 1 1)
  (func (export "poke") (param i32 i64)
    (i64.store (local.get 0) (local.get 1)))

  (func (export "neg64") (param $x i64) (result i64)
    (i64.reinterpret_f64 (f64.neg (f64.reinterpret_i64 (local.get $x)))))
  (func (export "abs64") (param $x i64) (result i64)
    (i64.reinterpret_f64 (f64.abs (f64.reinterpret_i64 (local.get $x)))))
  (func (export "copysign64") (param $x i64) (result i64)
    (i64.reinterpret_f64 (f64.copysign (f64.reinterpret_i64 (local.get $x))
                                       (f64.reinterpret_i64 (i64.rotl (local.get $x) (i64.const 32))))))
  (func (export "neg32") (param $x i64) (result i64)
    (i64.extend_i32_u (i32.reinterpret_f32 (f32.neg (f32.reinterpret_i32 (i32.wrap_i64 (local.get $x)))))))
  (func (export "abs32") (param $x i64) (result i64)
    (i64.extend_i32_u (i32.reinterpret_f32 (f32.abs (f32.reinterpret_i32 (i32.wrap_i64 (local.get $x)))))))
  (func (export "copysign32") (param $x i64) (result i64)
    (i64.extend_i32_u (i32.reinterpret_f32 (f32.copysign (f32.reinterpret_i32 (i32.wrap_i64 (local.get $x)))
                                                         (f32.reinterpret_i32 (i32.wrap_i64 (i64.shr_u (local.get $x) (i64.const 32))))))))
  ;; The operand stays live after the op: the result lands in another
  ;; register. copysign of a value with itself and with its negation.
  (func (export "live64") (param $x i64) (result i64)
    (local $a f64)
    (local.set $a (f64.reinterpret_i64 (local.get $x)))
    (i64.xor
      (i64.xor (i64.reinterpret_f64 (f64.neg (local.get $a)))
               (i64.rotl (i64.reinterpret_f64 (f64.abs (local.get $a))) (i64.const 7)))
      (i64.xor (i64.rotl (i64.reinterpret_f64 (f64.copysign (local.get $a) (local.get $a))) (i64.const 13))
               (i64.rotl (i64.reinterpret_f64 (f64.copysign (local.get $a) (f64.neg (local.get $a)))) (i64.const 29)))))

  ;; Through memory: the operand loaded at x (trapping past the page), the
  ;; result stored next to it and read back.
  (func (export "mem64") (param $x i64) (result i64)
    (local $p i32)
    (local.set $p (i32.wrap_i64 (local.get $x)))
    (f64.store offset=8 (local.get $p) (f64.neg (f64.load (local.get $p))))
    (f32.store offset=4 (local.get $p) (f32.abs (f32.load offset=8 (local.get $p))))
    (i64.load (local.get $p)))

  ;; Twenty values live at once (spilled operands and results), each
  ;; through a sign op, folded into one pattern.
  (func (export "pressure") (param $x i64) (result i64)
    (local $p i32) (local $a0 f64) (local $a1 f64) (local $a2 f64) (local $a3 f64) (local $a4 f64)
    (local $a5 f64) (local $a6 f64) (local $a7 f64) (local $a8 f64) (local $a9 f64)
    (local $b0 f32) (local $b1 f32) (local $b2 f32) (local $b3 f32) (local $b4 f32)
    (local $b5 f32) (local $b6 f32) (local $b7 f32) (local $b8 f32) (local $b9 f32)
    (local.set $p (i32.and (i32.wrap_i64 (local.get $x)) (i32.const 0xff00)))
    (local.set $a0 (f64.load offset=0 (local.get $p)))
    (local.set $a1 (f64.neg (f64.load offset=8 (local.get $p))))
    (local.set $a2 (f64.abs (f64.load offset=16 (local.get $p))))
    (local.set $a3 (f64.copysign (f64.load offset=24 (local.get $p)) (local.get $a1)))
    (local.set $a4 (f64.neg (local.get $a2)))
    (local.set $a5 (f64.copysign (local.get $a0) (f64.load offset=40 (local.get $p))))
    (local.set $a6 (f64.abs (local.get $a4)))
    (local.set $a7 (f64.neg (f64.load offset=56 (local.get $p))))
    (local.set $a8 (f64.copysign (local.get $a7) (local.get $a3)))
    (local.set $a9 (f64.neg (local.get $a0)))
    (local.set $b0 (f32.load offset=80 (local.get $p)))
    (local.set $b1 (f32.neg (f32.load offset=84 (local.get $p))))
    (local.set $b2 (f32.abs (f32.load offset=88 (local.get $p))))
    (local.set $b3 (f32.copysign (local.get $b0) (local.get $b1)))
    (local.set $b4 (f32.neg (local.get $b2)))
    (local.set $b5 (f32.copysign (f32.load offset=100 (local.get $p)) (local.get $b4)))
    (local.set $b6 (f32.abs (local.get $b1)))
    (local.set $b7 (f32.neg (local.get $b5)))
    (local.set $b8 (f32.copysign (local.get $b6) (local.get $b7)))
    (local.set $b9 (f32.abs (local.get $b3)))
    (i64.xor
      (i64.xor
        (i64.xor (i64.xor (i64.reinterpret_f64 (local.get $a0)) (i64.rotl (i64.reinterpret_f64 (local.get $a1)) (i64.const 1)))
                 (i64.xor (i64.rotl (i64.reinterpret_f64 (local.get $a2)) (i64.const 2)) (i64.rotl (i64.reinterpret_f64 (local.get $a3)) (i64.const 3))))
        (i64.xor (i64.xor (i64.rotl (i64.reinterpret_f64 (local.get $a4)) (i64.const 4)) (i64.rotl (i64.reinterpret_f64 (local.get $a5)) (i64.const 5)))
                 (i64.xor (i64.rotl (i64.reinterpret_f64 (local.get $a6)) (i64.const 6)) (i64.rotl (i64.reinterpret_f64 (local.get $a7)) (i64.const 7)))))
      (i64.xor
        (i64.xor (i64.rotl (i64.reinterpret_f64 (local.get $a8)) (i64.const 8)) (i64.rotl (i64.reinterpret_f64 (local.get $a9)) (i64.const 9)))
        (i64.xor
          (i64.xor (i64.xor (i64.extend_i32_u (i32.reinterpret_f32 (local.get $b0))) (i64.shl (i64.extend_i32_u (i32.reinterpret_f32 (local.get $b1))) (i64.const 3)))
                   (i64.xor (i64.shl (i64.extend_i32_u (i32.reinterpret_f32 (local.get $b2))) (i64.const 6)) (i64.shl (i64.extend_i32_u (i32.reinterpret_f32 (local.get $b3))) (i64.const 9))))
          (i64.xor (i64.xor (i64.shl (i64.extend_i32_u (i32.reinterpret_f32 (local.get $b4))) (i64.const 12)) (i64.shl (i64.extend_i32_u (i32.reinterpret_f32 (local.get $b5))) (i64.const 15)))
                   (i64.xor (i64.xor (i64.shl (i64.extend_i32_u (i32.reinterpret_f32 (local.get $b6))) (i64.const 18)) (i64.shl (i64.extend_i32_u (i32.reinterpret_f32 (local.get $b7))) (i64.const 21)))
                            (i64.xor (i64.shl (i64.extend_i32_u (i32.reinterpret_f32 (local.get $b8))) (i64.const 24)) (i64.shl (i64.extend_i32_u (i32.reinterpret_f32 (local.get $b9))) (i64.const 27)))))))))

  ;; A loop carrying floats through sign ops and a memory walk: the
  ;; accumulators stay in registers around the back edge.
  (func (export "loop") (param $x i64) (result i64)
    (local $i i32) (local $p i32) (local $s f64) (local $t f32)
    (local.set $p (i32.and (i32.wrap_i64 (local.get $x)) (i32.const 0xf000)))
    (local.set $s (f64.reinterpret_i64 (local.get $x)))
    (local.set $t (f32.reinterpret_i32 (i32.wrap_i64 (local.get $x))))
    (loop $l
      (local.set $s (f64.copysign (f64.abs (local.get $s)) (f64.neg (f64.load (local.get $p)))))
      (local.set $t (f32.neg (f32.copysign (local.get $t) (f32.load offset=4 (local.get $p)))))
      (f64.store offset=8 (local.get $p) (f64.neg (local.get $s)))
      (local.set $p (i32.add (local.get $p) (i32.const 16)))
      (br_if $l (i32.lt_u (local.tee $i (i32.add (local.get $i) (i32.const 1))) (i32.const 40))))
    (i64.xor (i64.reinterpret_f64 (local.get $s))
             (i64.add (i64.extend_i32_u (i32.reinterpret_f32 (local.get $t))) (i64.load offset=8 (i32.sub (local.get $p) (i32.const 16))))))
)
