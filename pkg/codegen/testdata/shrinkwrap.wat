;; Early exits for the callee-saved register saves placed on the paths that
;; need them (isa/amd64/shrinkwrap.go): exits on either side of the first
;; branch, nested exits, traps, host and cross-instance calls on both paths,
;; deep recursion, and a caller keeping values in callee-saved registers
;; across calls of all of them. TestShrinkWrap runs it (shrinkwrap_exec_test.go).
(module
  (type $t (func (param i32) (result i32)))
  (import "env" "host" (func $host (param i32) (result i32)))
  (import "env" "other" (func $other (param i32) (result i32)))
  (memory 1)
  (table 2 funcref)
  (elem (i32.const 0) $leaf $other)

  (func $leaf (param i32) (result i32) (i32.add (local.get 0) (i32.const 5)))

  ;; Early exit on the then side.
  (func $fib (export "fib") (param $n i32) (param $y i32) (result i32)
    (if (result i32) (i32.lt_u (local.get $n) (i32.const 2))
      (then (i32.add (local.get $n) (local.get $y)))
      (else (i32.add (call $fib (i32.sub (local.get $n) (i32.const 1)) (local.get $y))
                     (call $fib (i32.sub (local.get $n) (i32.const 2)) (local.get $y))))))

  ;; fib as clang compiles the peers' fib.c: a loop, the exits meeting at x + acc.
  (func $fibloop (export "fibloop") (param $x i32) (param $y i32) (result i32) (local $acc i32)
    (block $b
      (br_if $b (i32.lt_u (local.get $x) (i32.const 2)))
      (loop $l
        (local.set $acc (i32.add (local.get $acc)
          (call $fibloop (i32.sub (local.get $x) (i32.const 1)) (local.get $y))))
        (local.set $x (local.tee $x (i32.sub (local.get $x) (i32.const 2))))
        (br_if $l (i32.gt_u (local.get $x) (i32.const 1)))))
    (i32.add (local.get $x) (local.get $acc)))

  ;; Early exit on the else side (the calls on the then side).
  (func $late (export "late") (param $x i32) (param $y i32) (result i32) (local $a i32) (local $i i32)
    (if (i32.lt_u (local.get $x) (i32.const 8))
      (then
        (local.set $a (i32.mul (local.get $x) (i32.const 7)))
        (local.set $i (local.get $x))
        (loop $l
          (local.set $a (i32.add (local.get $a) (call $leaf (local.get $i))))
          (local.set $i (i32.add (local.get $i) (i32.const 1)))
          (br_if $l (i32.lt_u (local.get $i) (i32.const 8))))
        (return (i32.xor (local.get $a) (local.get $y)))))
    (i32.sub (i32.mul (local.get $x) (i32.const 3)) (local.get $y)))

  ;; Traps on the early path (unreachable, a load, a division) and after the
  ;; saves (a load, a division, with values live across calls).
  (func $traps (export "traps") (param $x i32) (param $y i32) (result i32) (local $a i32) (local $b i32)
    (if (i32.lt_u (local.get $x) (i32.const 4))
      (then
        (if (i32.eqz (local.get $x)) (then unreachable))
        (if (i32.eq (local.get $x) (i32.const 1)) (then (return (i32.load (local.get $y)))))
        (if (i32.eq (local.get $x) (i32.const 2)) (then (return (i32.div_u (i32.const 100) (local.get $y)))))
        (return (local.get $y))))
    (local.set $a (call $leaf (local.get $x)))
    (local.set $b (call $leaf (local.get $a)))
    (i32.add (i32.add (local.get $a) (local.get $b))
      (i32.add (i32.load (i32.add (local.get $y) (local.get $x)))
               (i32.div_s (local.get $a) (i32.sub (local.get $y) (i32.const 7))))))

  ;; Host, cross-instance and indirect calls on the early path and after
  ;; the saves.
  (func $calls (export "calls") (param $x i32) (param $y i32) (result i32) (local $a i32) (local $b i32) (local $c i32)
    (if (i32.lt_u (local.get $x) (i32.const 5))
      (then
        (if (i32.lt_u (local.get $x) (i32.const 2))
          (then (return (call $host (i32.add (local.get $x) (local.get $y))))))
        (if (i32.eq (local.get $x) (i32.const 2))
          (then (return (call $other (local.get $y)))))
        (return (call_indirect (type $t) (local.get $y) (i32.and (local.get $x) (i32.const 1))))))
    (local.set $a (call $host (local.get $x)))
    (local.set $b (call $other (local.get $a)))
    (local.set $c (call_indirect (type $t) (local.get $b) (i32.and (local.get $x) (i32.const 1))))
    (i32.xor (i32.xor (local.get $a) (local.get $b)) (i32.xor (local.get $c) (local.get $y))))

  ;; Nested early exits.
  (func $nested (export "nested") (param $x i32) (param $y i32) (result i32) (local $a i32)
    (if (i32.eqz (local.get $x)) (then (return (i32.const 7))))
    (if (i32.gt_u (local.get $y) (i32.const 100)) (then (return (i32.sub (local.get $y) (local.get $x)))))
    (local.set $a (call $leaf (local.get $y)))
    (i32.add (local.get $a) (call $leaf (local.get $x))))

  ;; Recursion as deep as x, x live across the call.
  (func $deep (export "deep") (param $x i32) (param $y i32) (result i32)
    (if (i32.eqz (local.get $x)) (then (return (local.get $y))))
    (i32.add (local.get $x)
      (call $deep (i32.sub (local.get $x) (i32.const 1)) (i32.xor (local.get $y) (local.get $x)))))

  ;; A caller with values in callee-saved registers across calls of the
  ;; functions above, each taking its early exit or not.
  (func $keep (export "keep") (param $x i32) (param $y i32) (result i32) (local $a i32) (local $b i32) (local $c i32)
    (local.set $a (i32.mul (local.get $x) (i32.const 0x9e3779b1)))
    (local.set $b (i32.add (local.get $y) (i32.const 12345)))
    (local.set $c (i32.xor (local.get $x) (local.get $y)))
    (local.set $c (i32.add (local.get $c) (call $late (local.get $x) (local.get $y))))
    (local.set $c (i32.add (local.get $c) (call $calls (local.get $x) (local.get $y))))
    (local.set $c (i32.add (local.get $c) (call $fib (i32.and (local.get $x) (i32.const 15)) (local.get $y))))
    (local.set $c (i32.add (local.get $c) (call $fibloop (i32.and (local.get $x) (i32.const 15)) (local.get $y))))
    (local.set $c (i32.add (local.get $c) (call $nested (local.get $x) (local.get $y))))
    (local.set $c (i32.add (local.get $c) (call $deep (i32.and (local.get $x) (i32.const 63)) (local.get $y))))
    (i32.xor (i32.xor (local.get $a) (local.get $b))
      (i32.add (local.get $c) (call $traps (i32.add (local.get $x) (i32.const 4)) (i32.const 8)))))
)
