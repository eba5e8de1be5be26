;; Chains of integer adds that -O 2 rebalances by when their terms are
;; ready (ssa/pass_reassoc.go). Each function takes x (i32) and returns an
;; i64; reassoc_exec_test.go runs them at -O 0 and -O 2 in both bounds
;; modes over memory filled by fillMemory, and checks the shape of the
;; "late_*" and "sha" chains. Built with `wat2wasm reassoc.wat` (wabt).
(module
  (memory 1 1)
  (func (export "poke") (param i32 i64)
    (i64.store (local.get 0) (local.get 1)))

  (func $pair (param i32) (result i32 i32)
    (i32.mul (local.get 0) (i32.const 3))
    (i32.xor (local.get 0) (i32.const 0x55)))

  ;; Six terms, the one ready last (rotates of rotates) second from the
  ;; bottom of the chain, a load among them.
  (func (export "late_i32") (param $x i32) (result i64)
    (local $s i32)
    (local.set $s (i32.xor (i32.rotl (local.get $x) (i32.const 7)) (i32.rotl (local.get $x) (i32.const 19))))
    (local.set $s (i32.xor (local.get $s) (i32.rotr (local.get $s) (i32.const 3))))
    (i64.extend_i32_u
      (i32.add
        (i32.add
          (i32.add
            (i32.add
              (i32.add (i32.and (local.get $x) (i32.const 0xff0)) (local.get $s))
              (i32.load (i32.and (local.get $x) (i32.const 0xfffc))))
            (i32.mul (local.get $x) (local.get $x)))
          (i32.shr_u (local.get $x) (i32.const 3)))
        (local.get $x))))

  ;; The same in i64, with a load at x that traps past the memory: the
  ;; trap and its offset must not move.
  (func (export "late_i64") (param $x i32) (result i64)
    (local $y i64) (local $s i64)
    (local.set $y (i64.extend_i32_u (local.get $x)))
    (local.set $s (i64.xor (i64.rotl (local.get $y) (i64.const 13)) (i64.rotl (local.get $y) (i64.const 41))))
    (local.set $s (i64.xor (local.get $s) (i64.rotr (local.get $s) (i64.const 17))))
    (i64.add
      (i64.add
        (i64.add
          (i64.add
            (i64.add (local.get $s) (i64.load (local.get $x)))
            (i64.mul (local.get $y) (i64.const 0x9e3779b97f4a7c15)))
          (i64.load offset=8 (i32.and (local.get $x) (i32.const 0x7ff0))))
        (i64.shl (local.get $y) (i64.const 5)))
      (local.get $y)))

  ;; SHA-256-like rounds: t1 = h + S1(e) + ch + k[i] + w[i], e' = d + t1,
  ;; a' = t1 + t2; w[i] is read at x + 4i (traps for a large x).
  (func (export "sha") (param $x i32) (result i64)
    (local $a i32) (local $b i32) (local $c i32) (local $d i32)
    (local $e i32) (local $f i32) (local $g i32) (local $h i32)
    (local $i i32) (local $t1 i32) (local $t2 i32)
    (local.set $a (i32.const 0x6a09e667)) (local.set $b (i32.const 0xbb67ae85))
    (local.set $c (i32.const 0x3c6ef372)) (local.set $d (i32.const 0xa54ff53a))
    (local.set $e (i32.const 0x510e527f)) (local.set $f (i32.const 0x9b05688c))
    (local.set $g (i32.const 0x1f83d9ab)) (local.set $h (local.get $x))
    (loop $l
      (local.set $t1
        (i32.add
          (i32.add
            (i32.add
              (i32.add
                (i32.add
                  (i32.and (local.get $e) (local.get $f))
                  (i32.xor (i32.xor (i32.rotr (local.get $e) (i32.const 6)) (i32.rotr (local.get $e) (i32.const 11)))
                           (i32.rotr (local.get $e) (i32.const 25))))
                (local.get $h))
              (i32.and (local.get $g) (i32.xor (local.get $e) (i32.const -1))))
            (i32.load offset=1024 (i32.shl (local.get $i) (i32.const 2))))
          (i32.load (i32.add (local.get $x) (i32.shl (local.get $i) (i32.const 2))))))
      (local.set $t2
        (i32.add
          (i32.xor (i32.xor (i32.rotr (local.get $a) (i32.const 2)) (i32.rotr (local.get $a) (i32.const 13)))
                   (i32.rotr (local.get $a) (i32.const 22)))
          (i32.xor (i32.and (local.get $a) (i32.xor (local.get $b) (local.get $c)))
                   (i32.and (local.get $b) (local.get $c)))))
      (local.set $h (local.get $g)) (local.set $g (local.get $f)) (local.set $f (local.get $e))
      (local.set $e (i32.add (local.get $d) (local.get $t1)))
      (local.set $d (local.get $c)) (local.set $c (local.get $b)) (local.set $b (local.get $a))
      (local.set $a (i32.add (local.get $t1) (local.get $t2)))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br_if $l (i32.ne (local.get $i) (i32.const 16))))
    (i64.or (i64.extend_i32_u (i32.add (local.get $a) (local.get $h)))
            (i64.shl (i64.extend_i32_u (i32.xor (local.get $e) (local.get $d))) (i64.const 32))))

  ;; An inner sum used twice is a term, not part of the chain.
  (func (export "multiuse") (param $x i32) (result i64)
    (local $t i32)
    (local.set $t (i32.add (local.get $x) (i32.load (i32.and (local.get $x) (i32.const 0xfff0)))))
    (i64.extend_i32_u
      (i32.xor
        (i32.add (i32.add (i32.add (local.get $t) (i32.rotl (local.get $x) (i32.const 9)))
                          (i32.mul (local.get $x) (i32.const 77)))
                 (i32.popcnt (local.get $x)))
        (i32.mul (local.get $t) (i32.const 3)))))

  ;; Terms from a call's two results: adds must not come between the
  ;; call and its second result.
  (func (export "call") (param $x i32) (result i64)
    (local $p i32) (local $q i32)
    (call $pair (local.get $x))
    (local.set $q) (local.set $p)
    (i64.extend_i32_u
      (i32.add (i32.add (i32.add (i32.add (local.get $p) (i32.shl (local.get $x) (i32.const 2))) (local.get $q))
                        (i32.load offset=16 (i32.and (local.get $x) (i32.const 0xff00))))
               (i32.clz (local.get $x)))))

  ;; A chain with a constant term is left as it is; a sub ends a chain.
  (func (export "const_sub") (param $x i32) (result i64)
    (local $y i64)
    (local.set $y (i64.extend_i32_u (local.get $x)))
    (i64.add
      (i64.sub
        (i64.add (i64.add (i64.add (local.get $y) (i64.rotl (local.get $y) (i64.const 3))) (i64.const 1000))
                 (i64.load offset=24 (i32.and (local.get $x) (i32.const 0xff00))))
        (i64.mul (local.get $y) (local.get $y)))
      (i64.add (i64.add (i64.popcnt (local.get $y)) (i64.ctz (local.get $y))) (i64.clz (local.get $y)))))

  ;; Register pressure: twelve loads summed in a chain, each used again
  ;; afterwards, so the chain's terms are spilled.
  (func (export "pressure") (param $x i32) (result i64)
    (local $p i32)
    (local $v0 i32) (local $v1 i32) (local $v2 i32) (local $v3 i32) (local $v4 i32) (local $v5 i32)
    (local $v6 i32) (local $v7 i32) (local $v8 i32) (local $v9 i32) (local $v10 i32) (local $v11 i32)
    (local $s i32)
    (local.set $p (i32.and (local.get $x) (i32.const 0xff00)))
    (local.set $v0 (i32.load offset=0 (local.get $p))) (local.set $v1 (i32.load offset=4 (local.get $p)))
    (local.set $v2 (i32.load offset=8 (local.get $p))) (local.set $v3 (i32.load offset=12 (local.get $p)))
    (local.set $v4 (i32.load offset=16 (local.get $p))) (local.set $v5 (i32.load offset=20 (local.get $p)))
    (local.set $v6 (i32.load offset=24 (local.get $p))) (local.set $v7 (i32.load offset=28 (local.get $p)))
    (local.set $v8 (i32.load offset=32 (local.get $p))) (local.set $v9 (i32.load offset=36 (local.get $p)))
    (local.set $v10 (i32.load offset=40 (local.get $p))) (local.set $v11 (i32.load offset=44 (local.get $p)))
    (local.set $s
      (i32.add (i32.add (i32.add (i32.add (i32.add (i32.add (i32.add (i32.add (i32.add (i32.add (i32.add
        (i32.rotl (i32.mul (local.get $v0) (local.get $x)) (local.get $v1)) (local.get $v1)) (local.get $v2))
        (local.get $v3)) (local.get $v4)) (local.get $v5)) (local.get $v6)) (local.get $v7)) (local.get $v8))
        (local.get $v9)) (local.get $v10)) (local.get $v11)))
    (i64.extend_i32_u
      (i32.xor (local.get $s)
        (i32.mul (i32.xor (i32.xor (i32.xor (local.get $v0) (local.get $v1)) (i32.xor (local.get $v2) (local.get $v3)))
                          (i32.xor (i32.xor (local.get $v4) (local.get $v5)) (i32.xor (local.get $v6) (local.get $v7))))
                 (i32.xor (i32.xor (local.get $v8) (local.get $v9)) (i32.xor (local.get $v10) (local.get $v11)))))))

  ;; 40 terms in one chain, rebalanced.
  (func (export "long40") (param $x i32) (result i64)
    (i64.extend_i32_u
      (i32.add (i32.add (i32.add (i32.add (i32.add (i32.add (i32.add (i32.add (i32.add (i32.add (i32.add (i32.add (i32.add (i32.add (i32.add (i32.add (i32.add (i32.add (i32.add (i32.add (i32.add (i32.add (i32.add (i32.add (i32.add (i32.add (i32.add (i32.add (i32.add (i32.add (i32.add (i32.add (i32.add (i32.add (i32.add (i32.add (i32.add (i32.add (i32.add (i32.rotl (local.get $x) (i32.const 0))
      (i32.rotl (i32.mul (local.get $x) (i32.const 3)) (i32.const 1)))
      (i32.rotl (i32.mul (local.get $x) (i32.const 5)) (i32.const 2)))
      (i32.rotl (i32.mul (local.get $x) (i32.const 7)) (i32.const 3)))
      (i32.rotl (i32.mul (local.get $x) (i32.const 9)) (i32.const 4)))
      (i32.rotl (i32.mul (local.get $x) (i32.const 11)) (i32.const 5)))
      (i32.rotl (i32.mul (local.get $x) (i32.const 13)) (i32.const 6)))
      (i32.rotl (i32.mul (local.get $x) (i32.const 15)) (i32.const 7)))
      (i32.rotl (i32.mul (local.get $x) (i32.const 17)) (i32.const 8)))
      (i32.rotl (i32.mul (local.get $x) (i32.const 19)) (i32.const 9)))
      (i32.rotl (i32.mul (local.get $x) (i32.const 21)) (i32.const 10)))
      (i32.rotl (i32.mul (local.get $x) (i32.const 23)) (i32.const 11)))
      (i32.rotl (i32.mul (local.get $x) (i32.const 25)) (i32.const 12)))
      (i32.rotl (i32.mul (local.get $x) (i32.const 27)) (i32.const 13)))
      (i32.rotl (i32.mul (local.get $x) (i32.const 29)) (i32.const 14)))
      (i32.rotl (i32.mul (local.get $x) (i32.const 31)) (i32.const 15)))
      (i32.rotl (i32.mul (local.get $x) (i32.const 33)) (i32.const 16)))
      (i32.rotl (i32.mul (local.get $x) (i32.const 35)) (i32.const 17)))
      (i32.rotl (i32.mul (local.get $x) (i32.const 37)) (i32.const 18)))
      (i32.rotl (i32.mul (local.get $x) (i32.const 39)) (i32.const 19)))
      (i32.rotl (i32.mul (local.get $x) (i32.const 41)) (i32.const 20)))
      (i32.rotl (i32.mul (local.get $x) (i32.const 43)) (i32.const 21)))
      (i32.rotl (i32.mul (local.get $x) (i32.const 45)) (i32.const 22)))
      (i32.rotl (i32.mul (local.get $x) (i32.const 47)) (i32.const 23)))
      (i32.rotl (i32.mul (local.get $x) (i32.const 49)) (i32.const 24)))
      (i32.rotl (i32.mul (local.get $x) (i32.const 51)) (i32.const 25)))
      (i32.rotl (i32.mul (local.get $x) (i32.const 53)) (i32.const 26)))
      (i32.rotl (i32.mul (local.get $x) (i32.const 55)) (i32.const 27)))
      (i32.rotl (i32.mul (local.get $x) (i32.const 57)) (i32.const 28)))
      (i32.rotl (i32.mul (local.get $x) (i32.const 59)) (i32.const 29)))
      (i32.rotl (i32.mul (local.get $x) (i32.const 61)) (i32.const 30)))
      (i32.rotl (i32.mul (local.get $x) (i32.const 63)) (i32.const 31)))
      (i32.rotl (i32.mul (local.get $x) (i32.const 65)) (i32.const 0)))
      (i32.rotl (i32.mul (local.get $x) (i32.const 67)) (i32.const 1)))
      (i32.rotl (i32.mul (local.get $x) (i32.const 69)) (i32.const 2)))
      (i32.rotl (i32.mul (local.get $x) (i32.const 71)) (i32.const 3)))
      (i32.rotl (i32.mul (local.get $x) (i32.const 73)) (i32.const 4)))
      (i32.rotl (i32.mul (local.get $x) (i32.const 75)) (i32.const 5)))
      (i32.rotl (i32.mul (local.get $x) (i32.const 77)) (i32.const 6)))
      (i32.rotl (i32.mul (local.get $x) (i32.const 79)) (i32.const 7)))))
  ;; 70 terms in one chain: longer than maxChainTerms, left alone.
  (func (export "long70") (param $x i32) (result i64)
    (i64.extend_i32_u
      (i32.add (i32.add (i32.add (i32.add (i32.add (i32.add (i32.add (i32.add (i32.add (i32.add (i32.add (i32.add (i32.add (i32.add (i32.add (i32.add (i32.add (i32.add (i32.add (i32.add (i32.add (i32.add (i32.add (i32.add (i32.add (i32.add (i32.add (i32.add (i32.add (i32.add (i32.add (i32.add (i32.add (i32.add (i32.add (i32.add (i32.add (i32.add (i32.add (i32.add (i32.add (i32.add (i32.add (i32.add (i32.add (i32.add (i32.add (i32.add (i32.add (i32.add (i32.add (i32.add (i32.add (i32.add (i32.add (i32.add (i32.add (i32.add (i32.add (i32.add (i32.add (i32.add (i32.add (i32.add (i32.add (i32.add (i32.add (i32.add (i32.add (i32.rotl (local.get $x) (i32.const 0))
      (i32.rotl (i32.mul (local.get $x) (i32.const 3)) (i32.const 1)))
      (i32.rotl (i32.mul (local.get $x) (i32.const 5)) (i32.const 2)))
      (i32.rotl (i32.mul (local.get $x) (i32.const 7)) (i32.const 3)))
      (i32.rotl (i32.mul (local.get $x) (i32.const 9)) (i32.const 4)))
      (i32.rotl (i32.mul (local.get $x) (i32.const 11)) (i32.const 5)))
      (i32.rotl (i32.mul (local.get $x) (i32.const 13)) (i32.const 6)))
      (i32.rotl (i32.mul (local.get $x) (i32.const 15)) (i32.const 7)))
      (i32.rotl (i32.mul (local.get $x) (i32.const 17)) (i32.const 8)))
      (i32.rotl (i32.mul (local.get $x) (i32.const 19)) (i32.const 9)))
      (i32.rotl (i32.mul (local.get $x) (i32.const 21)) (i32.const 10)))
      (i32.rotl (i32.mul (local.get $x) (i32.const 23)) (i32.const 11)))
      (i32.rotl (i32.mul (local.get $x) (i32.const 25)) (i32.const 12)))
      (i32.rotl (i32.mul (local.get $x) (i32.const 27)) (i32.const 13)))
      (i32.rotl (i32.mul (local.get $x) (i32.const 29)) (i32.const 14)))
      (i32.rotl (i32.mul (local.get $x) (i32.const 31)) (i32.const 15)))
      (i32.rotl (i32.mul (local.get $x) (i32.const 33)) (i32.const 16)))
      (i32.rotl (i32.mul (local.get $x) (i32.const 35)) (i32.const 17)))
      (i32.rotl (i32.mul (local.get $x) (i32.const 37)) (i32.const 18)))
      (i32.rotl (i32.mul (local.get $x) (i32.const 39)) (i32.const 19)))
      (i32.rotl (i32.mul (local.get $x) (i32.const 41)) (i32.const 20)))
      (i32.rotl (i32.mul (local.get $x) (i32.const 43)) (i32.const 21)))
      (i32.rotl (i32.mul (local.get $x) (i32.const 45)) (i32.const 22)))
      (i32.rotl (i32.mul (local.get $x) (i32.const 47)) (i32.const 23)))
      (i32.rotl (i32.mul (local.get $x) (i32.const 49)) (i32.const 24)))
      (i32.rotl (i32.mul (local.get $x) (i32.const 51)) (i32.const 25)))
      (i32.rotl (i32.mul (local.get $x) (i32.const 53)) (i32.const 26)))
      (i32.rotl (i32.mul (local.get $x) (i32.const 55)) (i32.const 27)))
      (i32.rotl (i32.mul (local.get $x) (i32.const 57)) (i32.const 28)))
      (i32.rotl (i32.mul (local.get $x) (i32.const 59)) (i32.const 29)))
      (i32.rotl (i32.mul (local.get $x) (i32.const 61)) (i32.const 30)))
      (i32.rotl (i32.mul (local.get $x) (i32.const 63)) (i32.const 31)))
      (i32.rotl (i32.mul (local.get $x) (i32.const 65)) (i32.const 0)))
      (i32.rotl (i32.mul (local.get $x) (i32.const 67)) (i32.const 1)))
      (i32.rotl (i32.mul (local.get $x) (i32.const 69)) (i32.const 2)))
      (i32.rotl (i32.mul (local.get $x) (i32.const 71)) (i32.const 3)))
      (i32.rotl (i32.mul (local.get $x) (i32.const 73)) (i32.const 4)))
      (i32.rotl (i32.mul (local.get $x) (i32.const 75)) (i32.const 5)))
      (i32.rotl (i32.mul (local.get $x) (i32.const 77)) (i32.const 6)))
      (i32.rotl (i32.mul (local.get $x) (i32.const 79)) (i32.const 7)))
      (i32.rotl (i32.mul (local.get $x) (i32.const 81)) (i32.const 8)))
      (i32.rotl (i32.mul (local.get $x) (i32.const 83)) (i32.const 9)))
      (i32.rotl (i32.mul (local.get $x) (i32.const 85)) (i32.const 10)))
      (i32.rotl (i32.mul (local.get $x) (i32.const 87)) (i32.const 11)))
      (i32.rotl (i32.mul (local.get $x) (i32.const 89)) (i32.const 12)))
      (i32.rotl (i32.mul (local.get $x) (i32.const 91)) (i32.const 13)))
      (i32.rotl (i32.mul (local.get $x) (i32.const 93)) (i32.const 14)))
      (i32.rotl (i32.mul (local.get $x) (i32.const 95)) (i32.const 15)))
      (i32.rotl (i32.mul (local.get $x) (i32.const 97)) (i32.const 16)))
      (i32.rotl (i32.mul (local.get $x) (i32.const 99)) (i32.const 17)))
      (i32.rotl (i32.mul (local.get $x) (i32.const 101)) (i32.const 18)))
      (i32.rotl (i32.mul (local.get $x) (i32.const 103)) (i32.const 19)))
      (i32.rotl (i32.mul (local.get $x) (i32.const 105)) (i32.const 20)))
      (i32.rotl (i32.mul (local.get $x) (i32.const 107)) (i32.const 21)))
      (i32.rotl (i32.mul (local.get $x) (i32.const 109)) (i32.const 22)))
      (i32.rotl (i32.mul (local.get $x) (i32.const 111)) (i32.const 23)))
      (i32.rotl (i32.mul (local.get $x) (i32.const 113)) (i32.const 24)))
      (i32.rotl (i32.mul (local.get $x) (i32.const 115)) (i32.const 25)))
      (i32.rotl (i32.mul (local.get $x) (i32.const 117)) (i32.const 26)))
      (i32.rotl (i32.mul (local.get $x) (i32.const 119)) (i32.const 27)))
      (i32.rotl (i32.mul (local.get $x) (i32.const 121)) (i32.const 28)))
      (i32.rotl (i32.mul (local.get $x) (i32.const 123)) (i32.const 29)))
      (i32.rotl (i32.mul (local.get $x) (i32.const 125)) (i32.const 30)))
      (i32.rotl (i32.mul (local.get $x) (i32.const 127)) (i32.const 31)))
      (i32.rotl (i32.mul (local.get $x) (i32.const 129)) (i32.const 0)))
      (i32.rotl (i32.mul (local.get $x) (i32.const 131)) (i32.const 1)))
      (i32.rotl (i32.mul (local.get $x) (i32.const 133)) (i32.const 2)))
      (i32.rotl (i32.mul (local.get $x) (i32.const 135)) (i32.const 3)))
      (i32.rotl (i32.mul (local.get $x) (i32.const 137)) (i32.const 4)))
      (i32.rotl (i32.mul (local.get $x) (i32.const 139)) (i32.const 5)))))
)
