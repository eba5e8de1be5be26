;; Callee-saved registers (RBX, R12, R13) across every way out of a guest
;; function: keep(a, mode, n) holds six values across one call, chosen by
;; mode, to a callee that writes every allocatable register (clobber, with
;; eleven values live at once), to a host function that calls back in, to
;; clobber through the table, to a loop that is preempted, or through the
;; table to a function that traps (after which the instance is used again).
;; See calleesaved_test.go for the same in Go.
(module
  (type $i2i (func (param i32) (result i32)))
  (import "env" "host" (func $host (param i32) (result i32)))
  (table 2 funcref)
  (elem (i32.const 0) $clobber $trapper)

  (func $clobber (export "clobber") (param $x i32) (result i32)
    (local $a i32) (local $b i32) (local $c i32) (local $d i32) (local $e i32)
    (local $f i32) (local $g i32) (local $h i32) (local $i i32) (local $j i32) (local $k i32)
    (local.set $a (i32.add (i32.mul (local.get $x) (i32.const 3)) (i32.const 1)))
    (local.set $b (i32.add (i32.mul (local.get $x) (i32.const 5)) (i32.const 2)))
    (local.set $c (i32.add (i32.mul (local.get $x) (i32.const 7)) (i32.const 3)))
    (local.set $d (i32.add (i32.mul (local.get $x) (i32.const 11)) (i32.const 4)))
    (local.set $e (i32.add (i32.mul (local.get $x) (i32.const 13)) (i32.const 5)))
    (local.set $f (i32.add (i32.mul (local.get $x) (i32.const 17)) (i32.const 6)))
    (local.set $g (i32.add (i32.mul (local.get $x) (i32.const 19)) (i32.const 7)))
    (local.set $h (i32.add (i32.mul (local.get $x) (i32.const 23)) (i32.const 8)))
    (local.set $i (i32.add (i32.mul (local.get $x) (i32.const 29)) (i32.const 9)))
    (local.set $j (i32.add (i32.mul (local.get $x) (i32.const 31)) (i32.const 10)))
    (local.set $k (i32.add (i32.mul (local.get $x) (i32.const 37)) (i32.const 11)))
    (i32.xor (local.get $a)
    (i32.add (i32.rotl (local.get $b) (i32.const 1))
    (i32.xor (i32.rotl (local.get $c) (i32.const 2))
    (i32.add (i32.rotl (local.get $d) (i32.const 3))
    (i32.xor (i32.rotl (local.get $e) (i32.const 4))
    (i32.add (i32.rotl (local.get $f) (i32.const 5))
    (i32.xor (i32.rotl (local.get $g) (i32.const 6))
    (i32.add (i32.rotl (local.get $h) (i32.const 7))
    (i32.xor (i32.rotl (local.get $i) (i32.const 8))
    (i32.add (i32.rotl (local.get $j) (i32.const 9))
             (i32.rotl (local.get $k) (i32.const 10)))))))))))))

  ;; spin(x, n): n rounds of a loop with no call (only a preemption gets
  ;; out of it), then clobber.
  (func $spin (param $x i32) (param $n i32) (result i32)
    (loop $l
      (local.set $x (i32.add (i32.mul (local.get $x) (i32.const 3)) (local.get $n)))
      (local.tee $n (i32.sub (local.get $n) (i32.const 1)))
      (br_if $l))
    (call $clobber (local.get $x)))

  (func $trapper (param $x i32) (result i32)
    (drop (call $clobber (local.get $x)))
    unreachable)

  (func (export "keep") (param $a i32) (param $mode i32) (param $n i32) (result i32)
    (local $v1 i32) (local $v2 i32) (local $v3 i32) (local $v4 i32) (local $v5 i32) (local $v6 i32)
    (local $r i32)
    (local.set $v1 (i32.add (i32.mul (local.get $a) (i32.const 41)) (i32.const 1)))
    (local.set $v2 (i32.add (i32.mul (local.get $a) (i32.const 43)) (i32.const 2)))
    (local.set $v3 (i32.xor (local.get $a) (i32.const 0x5555)))
    (local.set $v4 (i32.add (i32.mul (local.get $a) (i32.const 47)) (i32.const 3)))
    (local.set $v5 (i32.rotl (local.get $a) (i32.const 9)))
    (local.set $v6 (i32.add (i32.mul (local.get $a) (i32.const 53)) (i32.const 5)))
    (block $done
      (block $b4 (block $b3 (block $b2 (block $b1 (block $b0
        (br_table $b0 $b1 $b2 $b3 $b4 (local.get $mode)))
        (local.set $r (call $clobber (local.get $a)))
        (br $done))
        (local.set $r (call $host (local.get $a)))
        (br $done))
        (local.set $r (call_indirect (type $i2i) (local.get $a) (i32.const 0)))
        (br $done))
        (local.set $r (call $spin (local.get $a) (local.get $n)))
        (br $done))
      (local.set $r (call_indirect (type $i2i) (local.get $a) (i32.const 1))))
    (i32.add (local.get $r)
    (i32.xor (local.get $v1)
    (i32.add (i32.rotl (local.get $v2) (i32.const 1))
    (i32.xor (i32.rotl (local.get $v3) (i32.const 2))
    (i32.add (i32.rotl (local.get $v4) (i32.const 3))
    (i32.xor (i32.rotl (local.get $v5) (i32.const 4))
             (i32.rotl (local.get $v6) (i32.const 5)))))))))
)
