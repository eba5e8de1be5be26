;; A function whose value $a is spilled (the else side's loop keeps 16
;; values live across a call) and split into a callee-saved register
;; around the then side's loop, which has a call and writes no other
;; callee-saved register: the block entering that loop loads $a into the
;; register, and is its side's only writer. Shrink-wrap must count that
;; load as a write (isa/amd64 writesCalleeSaved): else it would move the
;; saves to the else side only, and the load would clobber the caller's
;; register. $keep holds values in callee-saved registers across calls of
;; $f, so a clobber shows in its result. TestSplitShrinkWrap runs it
;; (isa/amd64/splitwrap_test.go).
(module
  (memory 1)
  (data (i32.const 0) "\a5\4d\ca\18\25\30\bb\1d\6d\13\2c\de\d6\23\7b\2e\d9\1e\3f\72\1f\cb\19\71\17\44\94\d6\49\3c\9d\5c\34\60\be\31\20\1e\69\fe\da\a0\ee\e8\b9\99\7f\5c\7c\29\99\fd\af\e5\93\25\3c\d6\54\af\4d\fa\d7\14\27\a0\ae\b3\fe\e9\23\2f\8a\f2\21\1f\9e\e4\91\c5\b1\0b\ec\b5\56\3b\fc\1e\6f\93\42\7e\cb\c8\fe\29\55\e5\cd\8e\46\dc\8e\d4\b7\c2\76\4d\2a\5a\4d\76\77\06\f8\5d\86\90\02\4a\d6\bd\a3\40\1b\e9\c8\cb")
  (data (i32.const 65408) "\a5\4d\ca\18\25\30\bb\1d\6d\13\2c\de\d6\23\7b\2e\d9\1e\3f\72\1f\cb\19\71\17\44\94\d6\49\3c\9d\5c\34\60\be\31\20\1e\69\fe\da\a0\ee\e8\b9\99\7f\5c\7c\29\99\fd\af\e5\93\25\3c\d6\54\af\4d\fa\d7\14\27\a0\ae\b3\fe\e9\23\2f\8a\f2\21\1f\9e\e4\91\c5\b1\0b\ec\b5\56\3b\fc\1e\6f\93\42\7e\cb\c8\fe\29\55\e5\cd\8e\46\dc\8e\d4\b7\c2\76\4d\2a\5a\4d\76\77\06\f8\5d\86\90\02\4a\d6\bd\a3\40\1b\e9\c8\cb")
  ;; $leaf traps (out of bounds) for an $a past the memory: inside the loop.
  (func $leaf (param i32) (result i32)
    (i32.add (i32.load8_u (local.get 0)) (i32.add (local.get 0) (i32.const 5))))
  (func $f (export "f") (param $n i32) (param $a i32) (result i32) (local $x0 i32) (local $x1 i32) (local $x2 i32) (local $x3 i32) (local $x4 i32) (local $x5 i32) (local $x6 i32) (local $x7 i32) (local $x8 i32) (local $x9 i32) (local $x10 i32) (local $x11 i32) (local $x12 i32) (local $x13 i32) (local $x14 i32) (local $x15 i32) (local $k i32) (local $s i32)
    ;; The early exit.
    (if (i32.eqz (local.get $n)) (then (return (local.get $a))))
    (if (i32.and (local.get $n) (i32.const 1))
      (then
        ;; The loop's state lives in memory: nothing but $a is live
        ;; across its call, and no value of it needs a callee-saved register.
        (i32.store (i32.const 1024) (i32.and (local.get $n) (i32.const 15)))
        (i32.store (i32.const 1028) (i32.const 0))
        (loop $l
          (i32.store (i32.const 1028) (i32.add (call $leaf (local.get $a)) (i32.load (i32.const 1028))))
          (i32.store (i32.const 1024) (i32.sub (i32.load (i32.const 1024)) (i32.const 1)))
          (br_if $l (i32.load (i32.const 1024))))
        (return (i32.load (i32.const 1028)))))
    ;; 16 loads at $n (which trap past the memory) live across the loop's calls.
    (local.set $x0 (i32.load offset=0 (local.get $n)))
    (local.set $x1 (i32.load offset=4 (local.get $n)))
    (local.set $x2 (i32.load offset=8 (local.get $n)))
    (local.set $x3 (i32.load offset=12 (local.get $n)))
    (local.set $x4 (i32.load offset=16 (local.get $n)))
    (local.set $x5 (i32.load offset=20 (local.get $n)))
    (local.set $x6 (i32.load offset=24 (local.get $n)))
    (local.set $x7 (i32.load offset=28 (local.get $n)))
    (local.set $x8 (i32.load offset=32 (local.get $n)))
    (local.set $x9 (i32.load offset=36 (local.get $n)))
    (local.set $x10 (i32.load offset=40 (local.get $n)))
    (local.set $x11 (i32.load offset=44 (local.get $n)))
    (local.set $x12 (i32.load offset=48 (local.get $n)))
    (local.set $x13 (i32.load offset=52 (local.get $n)))
    (local.set $x14 (i32.load offset=56 (local.get $n)))
    (local.set $x15 (i32.load offset=60 (local.get $n)))
    (local.set $k (i32.and (local.get $n) (i32.const 7)))
    (loop $m
      (local.set $s (i32.add (i32.add (i32.add (i32.add (i32.add (i32.add (i32.add (i32.add (i32.add (i32.add (i32.add (i32.add (i32.add (i32.add (i32.add (i32.add (i32.add (local.get $s) (i32.mul (local.get $x0) (local.get $k))) (i32.mul (local.get $x1) (local.get $k))) (i32.mul (local.get $x2) (local.get $k))) (i32.mul (local.get $x3) (local.get $k))) (i32.mul (local.get $x4) (local.get $k))) (i32.mul (local.get $x5) (local.get $k))) (i32.mul (local.get $x6) (local.get $k))) (i32.mul (local.get $x7) (local.get $k))) (i32.mul (local.get $x8) (local.get $k))) (i32.mul (local.get $x9) (local.get $k))) (i32.mul (local.get $x10) (local.get $k))) (i32.mul (local.get $x11) (local.get $k))) (i32.mul (local.get $x12) (local.get $k))) (i32.mul (local.get $x13) (local.get $k))) (i32.mul (local.get $x14) (local.get $k))) (i32.mul (local.get $x15) (local.get $k))) (call $leaf (local.get $k))))
      (local.set $k (i32.sub (local.get $k) (i32.const 1)))
      (br_if $m (i32.gt_s (local.get $k) (i32.const 0))))
    (i32.add (local.get $s) (local.get $a)))
  ;; Values in callee-saved registers across calls of $f.
  (func $keep (export "keep") (param $n i32) (param $a i32) (result i32) (local $p i32) (local $q i32) (local $r i32)
    (local.set $p (i32.mul (local.get $n) (i32.const 0x9e3779b1)))
    (local.set $q (i32.add (local.get $a) (i32.const 12345)))
    (local.set $r (i32.xor (local.get $n) (local.get $a)))
    (local.set $r (i32.add (local.get $r) (call $f (local.get $n) (local.get $a))))
    (local.set $r (i32.add (local.get $r) (call $f (i32.add (local.get $n) (i32.const 2)) (local.get $q))))
    (i32.xor (i32.xor (local.get $p) (local.get $q)) (local.get $r)))
)
