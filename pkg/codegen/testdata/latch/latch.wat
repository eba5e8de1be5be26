;; Loops whose back edge carries moves (isa/amd64/latch.go): at -O 2 the
;; moves may go between the loop's compare and its conditional jump back,
;; when the exit does not read what they overwrite. Each function takes
;; x (i32) and returns an i64; latch_test.go runs them at -O 0 and -O 2
;; in both bounds modes. Built with `wat2wasm latch.wat` (wabt).
(module
  (memory 1 1)
  (func (export "poke") (param i32 i64)
    (i64.store (local.get 0) (local.get 1)))

  ;; a and b swap every iteration (a cycle of moves), c accumulates; the
  ;; exit reads a, which is b's old value: the moves stay on the back edge.
  (func (export "swap") (param $x i32) (result i64)
    (local $a i64) (local $b i64) (local $c i64) (local $t i64) (local $n i32)
    (local.set $a (i64.const 3))
    (local.set $b (i64.extend_i32_u (local.get $x)))
    (local.set $n (i32.and (local.get $x) (i32.const 63)))
    (loop $l
      (local.set $c (i64.add (i64.mul (local.get $c) (i64.const 7)) (local.get $a)))
      (local.set $t (local.get $a))
      (local.set $a (local.get $b))
      (local.set $b (local.get $t))
      (local.set $n (i32.sub (local.get $n) (i32.const 1)))
      (br_if $l (i32.gt_s (local.get $n) (i32.const 0))))
    (i64.add (local.get $c) (i64.mul (local.get $a) (i64.const 1000))))

  ;; The exit reads i's old value (prev): the move into i's location
  ;; must stay on the back edge.
  (func (export "old_exit") (param $x i32) (result i64)
    (local $i i32) (local $prev i32) (local $s i32)
    (loop $l
      (local.set $prev (local.get $i))
      (local.set $s (i32.add (local.get $s) (i32.mul (local.get $i) (local.get $i))))
      (local.set $i (i32.add (local.get $i) (i32.const 3)))
      (br_if $l (i32.lt_u (local.get $i) (i32.and (local.get $x) (i32.const 255)))))
    (i64.or (i64.shl (i64.extend_i32_u (local.get $prev)) (i64.const 32))
            (i64.extend_i32_u (i32.add (local.get $s) (local.get $i)))))

  ;; The same with the exit reading both the old and the new value of a
  ;; parameter through a select.
  (func (export "old_select") (param $x i32) (result i64)
    (local $i i32) (local $j i32) (local $k i32)
    (local.set $j (i32.const 1))
    (loop $l
      (local.set $k (local.get $j))
      (local.set $j (i32.add (local.get $j) (local.get $i)))
      (local.set $i (local.get $k))
      (br_if $l (i32.lt_u (local.get $j) (i32.and (local.get $x) (i32.const 0xffff)))))
    (i64.extend_i32_u (select (local.get $k) (local.get $i) (i32.and (local.get $x) (i32.const 1)))))

  ;; Constants on the back edge, zero among them: flag's reset must not
  ;; clobber the flags of the loop's compare (mov r, 0, not xor).
  (func (export "consts") (param $x i32) (result i64)
    (local $i i32) (local $flag i32) (local $k i64) (local $acc i64)
    (local.set $flag (local.get $x))
    (local.set $k (i64.const 5))
    (loop $l
      (local.set $acc (i64.add (i64.mul (local.get $acc) (i64.const 3))
                               (i64.add (i64.extend_i32_u (local.get $flag)) (local.get $k))))
      (local.set $flag (i32.const 0))
      (local.set $k (i64.const 0x123456789))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br_if $l (i32.lt_u (local.get $i) (i32.and (local.get $x) (i32.const 31)))))
    (i64.add (local.get $acc) (i64.extend_i32_u (local.get $flag))))

  ;; Zero constants with the loop test on the value just computed (the
  ;; flags of the ALU instruction itself, no compare).
  (func (export "zero_flags") (param $x i32) (result i64)
    (local $n i32) (local $z i32) (local $acc i64)
    (local.set $n (i32.add (i32.and (local.get $x) (i32.const 15)) (i32.const 1)))
    (local.set $z (local.get $x))
    (loop $l
      (local.set $acc (i64.add (local.get $acc) (i64.extend_i32_u (i32.add (local.get $z) (local.get $n)))))
      (local.set $z (i32.const 0))
      (br_if $l (local.tee $n (i32.sub (local.get $n) (i32.const 1)))))
    (i64.add (local.get $acc) (i64.extend_i32_u (local.get $z))))

  ;; Floats rotating through three locals (a cycle through X15).
  (func (export "floats") (param $x i32) (result i64)
    (local $a f64) (local $b f64) (local $c f64) (local $t f64) (local $n i32)
    (local.set $a (f64.convert_i32_u (local.get $x)))
    (local.set $b (f64.const 1.5))
    (local.set $c (f64.const -2))
    (local.set $n (i32.and (local.get $x) (i32.const 7)))
    (loop $l
      (local.set $t (local.get $a))
      (local.set $a (f64.add (local.get $b) (f64.const 0.25)))
      (local.set $b (local.get $c))
      (local.set $c (local.get $t))
      (br_if $l (i32.ge_s (local.tee $n (i32.sub (local.get $n) (i32.const 1))) (i32.const 0))))
    ;; The exit reads the rotated values, which are the old ones: the moves
    ;; stay on the back edge.
    (i64.trunc_f64_s (f64.add (f64.mul (local.get $a) (f64.const 100))
                              (f64.add (f64.mul (local.get $b) (f64.const 10)) (local.get $c)))))

  ;; Sixteen values live through the loop, rotating: more than the
  ;; registers, so parameters are spilled and moves go to and from slots.
  (func (export "spilled") (param $x i32) (result i64)
    (local $a0 i64) (local $a1 i64) (local $a2 i64) (local $a3 i64)
    (local $a4 i64) (local $a5 i64) (local $a6 i64) (local $a7 i64)
    (local $a8 i64) (local $a9 i64) (local $a10 i64) (local $a11 i64)
    (local $a12 i64) (local $a13 i64) (local $a14 i64) (local $a15 i64)
    (local $t i64) (local $n i32)
    (local.set $a0 (i64.extend_i32_u (local.get $x)))
    (local.set $a5 (i64.const 5))
    (local.set $a11 (i64.const 11))
    (local.set $n (i32.and (local.get $x) (i32.const 31)))
    (loop $l
      (local.set $t (i64.add (local.get $a0) (i64.const 1)))
      (local.set $a0 (local.get $a1)) (local.set $a1 (local.get $a2))
      (local.set $a2 (local.get $a3)) (local.set $a3 (local.get $a4))
      (local.set $a4 (local.get $a5)) (local.set $a5 (local.get $a6))
      (local.set $a6 (local.get $a7)) (local.set $a7 (local.get $a8))
      (local.set $a8 (local.get $a9)) (local.set $a9 (local.get $a10))
      (local.set $a10 (local.get $a11)) (local.set $a11 (local.get $a12))
      (local.set $a12 (local.get $a13)) (local.set $a13 (local.get $a14))
      (local.set $a14 (local.get $a15)) (local.set $a15 (i64.mul (local.get $t) (i64.const 3)))
      (br_if $l (i32.gt_s (local.tee $n (i32.sub (local.get $n) (i32.const 1))) (i32.const 0))))
    (i64.add (i64.add (i64.add (local.get $a0) (i64.mul (local.get $a3) (i64.const 3)))
                      (i64.add (i64.mul (local.get $a7) (i64.const 5)) (i64.mul (local.get $a11) (i64.const 7))))
             (i64.add (i64.mul (local.get $a13) (i64.const 11)) (i64.mul (local.get $a15) (i64.const 13)))))

  ;; Loads in the loop trap once p runs past the page: the kind and the
  ;; wasm offset must be -O 0's, the sums before it too.
  (func (export "trap") (param $x i32) (result i64)
    (local $p i32) (local $q i32) (local $s i64) (local $n i32)
    (local.set $p (i32.and (local.get $x) (i32.const 0xfff8)))
    (local.set $q (i32.const 8))
    (local.set $n (i32.const 40))
    (loop $l
      (local.set $s (i64.add (local.get $s) (i64.load (local.get $p))))
      (local.set $p (i32.add (local.get $p) (local.get $q)))
      (local.set $q (i32.add (local.get $q) (i32.const 8)))
      (br_if $l (local.tee $n (i32.sub (local.get $n) (i32.const 1)))))
    (i64.add (local.get $s) (i64.extend_i32_u (local.get $p))))

  ;; A nest: the inner loop's exit reads its counter's old value, the
  ;; outer loop's back edge swaps.
  (func (export "nested") (param $x i32) (result i64)
    (local $i i32) (local $j i32) (local $jold i32) (local $a i64) (local $b i64) (local $t i64)
    (local.set $a (i64.const 1))
    (local.set $b (i64.extend_i32_u (local.get $x)))
    (loop $outer
      (local.set $j (i32.const 0))
      (loop $inner
        (local.set $jold (local.get $j))
        (local.set $a (i64.add (local.get $a) (i64.extend_i32_u (local.get $j))))
        (local.set $j (i32.add (local.get $j) (i32.const 2)))
        (br_if $inner (i32.lt_u (local.get $j) (i32.and (local.get $x) (i32.const 15)))))
      (local.set $t (local.get $a))
      (local.set $a (i64.add (local.get $b) (i64.extend_i32_u (local.get $jold))))
      (local.set $b (local.get $t))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br_if $outer (i32.lt_u (local.get $i) (i32.const 5))))
    (i64.xor (local.get $a) (i64.shl (local.get $b) (i64.const 7))))

  ;; The swap with the exit reading only the accumulator: the cycle's
  ;; moves (through RAX) go before the branch.
  (func (export "swap_acc") (param $x i32) (result i64)
    (local $a i64) (local $b i64) (local $c i64) (local $t i64) (local $n i32)
    (local.set $a (i64.const 3))
    (local.set $b (i64.extend_i32_u (local.get $x)))
    (local.set $n (i32.and (local.get $x) (i32.const 63)))
    (loop $l
      (local.set $c (i64.add (i64.mul (local.get $c) (i64.const 7)) (local.get $a)))
      (local.set $t (local.get $a))
      (local.set $a (local.get $b))
      (local.set $b (local.get $t))
      (local.set $n (i32.sub (local.get $n) (i32.const 1)))
      (br_if $l (i32.gt_s (local.get $n) (i32.const 0))))
    (local.get $c))

  ;; Floats rotating (a cycle through X15), the exit reading only the sum.
  (func (export "floats_acc") (param $x i32) (result i64)
    (local $a f64) (local $b f64) (local $c f64) (local $t f64) (local $s f64) (local $n i32)
    (local.set $a (f64.convert_i32_u (local.get $x)))
    (local.set $b (f64.const 1.5))
    (local.set $c (f64.const -2))
    (local.set $n (i32.and (local.get $x) (i32.const 7)))
    (loop $l
      (local.set $s (f64.add (f64.mul (local.get $s) (f64.const 3)) (local.get $a)))
      (local.set $t (local.get $a))
      (local.set $a (local.get $b))
      (local.set $b (local.get $c))
      (local.set $c (local.get $t))
      (br_if $l (i32.ge_s (local.tee $n (i32.sub (local.get $n) (i32.const 1))) (i32.const 0))))
    (i64.trunc_f64_s (local.get $s)))

  ;; Four parameters rotating under the pressure of twelve values live
  ;; through the loop and read after it: some of them, or the
  ;; parameters, are in slots.
  (func (export "pressure") (param $x i32) (result i64)
    (local $v0 i64) (local $v1 i64) (local $v2 i64) (local $v3 i64) (local $v4 i64) (local $v5 i64)
    (local $v6 i64) (local $v7 i64) (local $v8 i64) (local $v9 i64) (local $v10 i64) (local $v11 i64)
    (local $a i64) (local $b i64) (local $c i64) (local $d i64) (local $t i64) (local $s i64) (local $n i32)
    (local.set $v0 (i64.load (i32.const 0))) (local.set $v1 (i64.load (i32.const 8)))
    (local.set $v2 (i64.load (i32.const 16))) (local.set $v3 (i64.load (i32.const 24)))
    (local.set $v4 (i64.load (i32.const 32))) (local.set $v5 (i64.load (i32.const 40)))
    (local.set $v6 (i64.load (i32.const 48))) (local.set $v7 (i64.load (i32.const 56)))
    (local.set $v8 (i64.load (i32.const 64))) (local.set $v9 (i64.load (i32.const 72)))
    (local.set $v10 (i64.load (i32.const 80))) (local.set $v11 (i64.load (i32.const 88)))
    (local.set $a (i64.extend_i32_u (local.get $x)))
    (local.set $b (i64.const 0))
    (local.set $c (i64.const 7))
    (local.set $d (i64.const -1))
    (local.set $n (i32.and (local.get $x) (i32.const 15)))
    (loop $l
      (local.set $s (i64.add (i64.rotl (local.get $s) (i64.const 5))
                             (i64.xor (local.get $a) (i64.mul (local.get $b) (local.get $c)))))
      (local.set $t (local.get $a))
      (local.set $a (local.get $d))
      (local.set $d (local.get $c))
      (local.set $c (local.get $b))
      (local.set $b (i64.add (local.get $t) (local.get $s)))
      (br_if $l (i32.ge_s (local.tee $n (i32.sub (local.get $n) (i32.const 1))) (i32.const 0))))
    (i64.add (local.get $s)
      (i64.add (i64.add (i64.add (local.get $v0) (i64.rotl (local.get $v1) (i64.const 1)))
                        (i64.add (i64.rotl (local.get $v2) (i64.const 2)) (i64.rotl (local.get $v3) (i64.const 3))))
        (i64.add (i64.add (i64.add (i64.rotl (local.get $v4) (i64.const 4)) (i64.rotl (local.get $v5) (i64.const 5)))
                          (i64.add (i64.rotl (local.get $v6) (i64.const 6)) (i64.rotl (local.get $v7) (i64.const 7))))
                 (i64.add (i64.add (i64.rotl (local.get $v8) (i64.const 8)) (i64.rotl (local.get $v9) (i64.const 9)))
                          (i64.add (i64.rotl (local.get $v10) (i64.const 10)) (i64.rotl (local.get $v11) (i64.const 11))))))))
)
