;; Values op(x, const) defined in one block and used in others, which -O 2
;; recomputes where they are used (ssa/pass_remat.go). Each exported
;; function but poke takes x (i32) and returns an i64; remat_exec_test.go
;; runs them at -O 0 and -O 2 in both bounds modes over memory filled by
;; fillMemory, and checks that "frame" keeps none of its entry block's
;; frame addresses across its loop. Built with `wat2wasm remat.wat` (wabt).
(module
  (memory 1 1)
  (global $sp (mut i32) (i32.const 0x8000))
  (func (export "poke") (param i32 i64)
    (i64.store (local.get 0) (local.get 1)))

  ;; A callee, so the loops below have calls in them.
  (func $g (param $p i32) (param $v i32) (result i32)
    (i32.store8 (local.get $p) (local.get $v))
    (i32.add (i32.load8_u (local.get $p)) (i32.const 1)))

  ;; printf_core's shape: frame addresses (sp+80, sp+55, -82-sp,
  ;; (sp+80)|8) and x+16, x<<3 computed at entry, read in a loop with
  ;; calls; the load at x+16 traps for x past the memory. x and fp are
  ;; read after the loop, so both are live in it anyway.
  (func (export "frame") (param $x i32) (result i64)
    (local $fp i32) (local $a i32) (local $b i32) (local $c i32) (local $d i32)
    (local $e i32) (local $s i32) (local $i i32) (local $acc i64)
    (local.set $fp (i32.sub (global.get $sp) (i32.const 112)))
    (global.set $sp (local.get $fp))
    (local.set $a (i32.add (local.get $fp) (i32.const 80)))
    (local.set $b (i32.add (local.get $fp) (i32.const 55)))
    (local.set $c (i32.sub (i32.const -82) (local.get $fp)))
    (local.set $d (i32.or (i32.add (local.get $fp) (i32.const 80)) (i32.const 8)))
    (local.set $e (i32.add (local.get $x) (i32.const 16)))
    (local.set $s (i32.shl (local.get $x) (i32.const 3)))
    (local.set $i (i32.add (i32.and (local.get $x) (i32.const 7)) (i32.const 1)))
    (loop $l
      (i32.store (local.get $a) (local.get $i))
      (local.set $acc (i64.add (local.get $acc)
        (i64.extend_i32_u (call $g (local.get $b) (local.get $i)))))
      (if (i32.and (local.get $i) (i32.const 1))
        (then
          (local.set $acc (i64.add (local.get $acc)
            (i64.extend_i32_u (i32.add (local.get $c) (i32.load (local.get $e))))))))
      (local.set $acc (i64.xor (i64.shl (local.get $acc) (i64.const 1))
        (i64.extend_i32_u (i32.add (i32.load8_u (local.get $d)) (local.get $s)))))
      (drop (call $g (local.get $d) (local.get $a)))
      (local.set $acc (i64.add (local.get $acc) (i64.load (local.get $a))))
      (br_if $l (local.tee $i (i32.sub (local.get $i) (i32.const 1)))))
    (global.set $sp (i32.add (local.get $fp) (i32.const 112)))
    (i64.add (local.get $acc) (i64.extend_i32_u (local.get $x))))

  ;; The same in i64: y+0x1000, y^0x55, y&0xff0, y<<4 and a chain
  ;; (y+8)|3 read after calls in a loop; the load at y+0x1000 traps.
  (func (export "frame64") (param $x i32) (result i64)
    (local $y i64) (local $a i64) (local $b i64) (local $c i64) (local $d i64) (local $e i64)
    (local $i i32) (local $acc i64)
    (local.set $y (i64.extend_i32_u (local.get $x)))
    (local.set $a (i64.add (local.get $y) (i64.const 0x1000)))
    (local.set $b (i64.xor (local.get $y) (i64.const 0x55)))
    (local.set $c (i64.and (local.get $y) (i64.const 0xff0)))
    (local.set $d (i64.shl (local.get $y) (i64.const 4)))
    (local.set $e (i64.or (i64.add (local.get $y) (i64.const 8)) (i64.const 3)))
    (local.set $i (i32.add (i32.and (local.get $x) (i32.const 3)) (i32.const 1)))
    (loop $l
      (local.set $acc (i64.add (local.get $acc)
        (i64.extend_i32_u (call $g (i32.wrap_i64 (local.get $c)) (local.get $i)))))
      (local.set $acc (i64.xor (local.get $acc) (i64.mul (local.get $b) (local.get $d))))
      (local.set $acc (i64.add (local.get $acc) (i64.load (i32.wrap_i64 (local.get $a)))))
      (local.set $acc (i64.rotl (local.get $acc) (local.get $e)))
      (br_if $l (local.tee $i (i32.sub (local.get $i) (i32.const 1)))))
    (i64.add (local.get $acc) (local.get $y)))

  ;; Uses at the definition's depth, no loop: in both arms of an if, as a
  ;; branch condition, as a block's result (an edge's argument), as the
  ;; function's result.
  (func (export "noloop") (param $x i32) (result i64)
    (local $a i32) (local $b i32) (local $m i32)
    (local.set $a (i32.add (local.get $x) (i32.const 24)))
    (local.set $b (i32.xor (local.get $x) (i32.const -1)))
    (local.set $m (i32.and (local.get $x) (i32.const 4)))
    (i64.extend_i32_u
      (i32.add
        (block (result i32)
          (if (local.get $m)
            (then (br 1 (i32.add (local.get $a) (i32.load (local.get $a))))))
          (if (i32.and (local.get $b) (i32.const 2))
            (then (br 1 (local.get $b))))
          (i32.load16_u (local.get $a)))
        (local.get $m))))

  ;; A loop without calls, deeper than the definitions: nothing is
  ;; recomputed in it (no more work per iteration), the results the same.
  (func (export "tight") (param $x i32) (result i64)
    (local $a i32) (local $b i32) (local $i i32) (local $acc i32)
    (local.set $a (i32.add (local.get $x) (i32.const 40)))
    (local.set $b (i32.shl (local.get $x) (i32.const 2)))
    (local.set $i (i32.const 8))
    (loop $l
      (local.set $acc (i32.add (i32.mul (local.get $acc) (i32.const 31))
        (i32.add (i32.load8_u (local.get $a)) (local.get $b))))
      (br_if $l (local.tee $i (i32.sub (local.get $i) (i32.const 1)))))
    (i64.extend_i32_u (local.get $acc))))
