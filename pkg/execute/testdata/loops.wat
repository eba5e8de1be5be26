;; Endless guest loops of many shapes (TestPreemptLoopShapes): none calls
;; anything that returns to Go and none has an interrupt check, so each
;; stops only where the signal handler injects a preemption.
;; Rebuild: wat2wasm loops.wat -o loops.wasm
(module
  (memory 1)
  (table 1 funcref)
  (elem (i32.const 0) $leaf)
  (global $g (mut i32) (i32.const 0))

  (func $leaf (param i32) (result i32)
    (i32.add (local.get 0) (i32.const 1)))

  ;; br 0 and nothing else.
  (func (export "empty")
    (loop (br 0)))

  ;; A counter that never reaches its bound (br_if on a comparison).
  (func (export "count") (local $i i32)
    (loop $l
      (local.set $i (i32.and (i32.add (local.get $i) (i32.const 1)) (i32.const 0xff)))
      (br_if $l (i32.ne (local.get $i) (i32.const 0x100)))))

  ;; An endless inner loop in an outer one.
  (func (export "nested") (local $i i32)
    (loop $outer
      (local.set $i (i32.const 0))
      (loop $inner
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br_if $inner (i32.ne (local.get $i) (i32.const 0))))
      (br $outer)))

  ;; Loads and stores (bounds-checked or guard-page-checked).
  (func (export "memory") (local $i i32)
    (loop $l
      (i32.store (i32.and (local.get $i) (i32.const 0xfffc))
        (i32.add (i32.load (i32.and (i32.mul (local.get $i) (i32.const 7)) (i32.const 0xfffc))) (i32.const 1)))
      (local.set $i (i32.add (local.get $i) (i32.const 4)))
      (br $l)))

  ;; if/else and a br_table inside the loop.
  (func (export "branches") (local $i i32)
    (loop $l
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (if (i32.and (local.get $i) (i32.const 1))
        (then (global.set $g (i32.add (global.get $g) (i32.const 1))))
        (else (global.set $g (i32.sub (global.get $g) (i32.const 1)))))
      (block $a (block $b (block $c
        (br_table $a $b $c (i32.and (local.get $i) (i32.const 3))))
        (br $l))
        (br $l))
      (br $l)))

  ;; Float and vector arithmetic carried around the loop.
  (func (export "float") (local $x f64) (local $v v128)
    (loop $l
      (local.set $x (f64.add (f64.mul (local.get $x) (f64.const 0.5)) (f64.const 1)))
      (local.set $v (f32x4.add (local.get $v) (f32x4.splat (f32.demote_f64 (local.get $x)))))
      (br_if $l (f64.ge (local.get $x) (f64.const -1)))))

  ;; A direct and an indirect call of a leaf in the loop.
  (func (export "calls") (local $i i32)
    (loop $l
      (local.set $i (call $leaf (local.get $i)))
      (local.set $i (call_indirect (param i32) (result i32) (local.get $i) (i32.const 0)))
      (br $l)))

  ;; The empty loop 200 calls deep.
  (func $deep (export "deep") (param $n i32)
    (if (local.get $n)
      (then (call $deep (i32.sub (local.get $n) (i32.const 1))))
      (else (loop (br 0)))))
)
