;; Loops carrying an i32 counter q and its zero extension p (i64), for
;; mergeInductionVars (ssa/pass_indvar.go). Each function takes x and
;; returns an i64; TestIndVarExec compares -O 2 with -O 0.
(module
  (memory 1)
  (func (export "poke") (param i32 i64) (i64.store (local.get 0) (local.get 1)))
  ;; mandel's shape: p += 1 first, exit when q >u 254, else q += 1 and a
  ;; data-dependent exit (x's bits). Rewritten: q is gone, its reads
  ;; after the loop are wrap p.
  (func (export "count") (param $x i32) (result i64)
    (local $q i32) (local $p i64)
    (loop $l
      (block $out
        (local.set $p (i64.add (local.get $p) (i64.const 1)))
        (br_if $out (i32.gt_u (local.get $q) (i32.const 254)))
        (local.set $q (i32.add (local.get $q) (i32.const 1)))
        (br_if $l (i64.ne (i64.and (i64.shr_u (i64.extend_i32_u (local.get $x)) (i64.and (local.get $p) (i64.const 31))) (i64.const 1)) (i64.const 1)))))
    (i64.add (local.get $p) (i64.shl (i64.extend_i32_u (local.get $q)) (i64.const 32))))

  ;; Entered at p = zext x, q = x; the guard q <=u 0xfffffffe allows a
  ;; step of 1 up to the very top: x = 0xfffffff0 runs 16 times and p
  ;; ends at 2^32 - 1 + 1 (p steps before the test). Rewritten.
  (func (export "to_top") (param $x i32) (result i64)
    (local $q i32) (local $p i64)
    (local.set $q (local.get $x))
    (local.set $p (i64.extend_i32_u (local.get $x)))
    (if (i32.lt_u (local.get $x) (i32.const 0xffff0000)) (then (return (i64.const -1))))
    (loop $l
      (block $out
        (local.set $p (i64.add (local.get $p) (i64.const 1)))
        (br_if $out (i32.gt_u (local.get $q) (i32.const 0xfffffffe)))
        (local.set $q (i32.add (local.get $q) (i32.const 1)))
        (br $l)))
    (i64.xor (local.get $p) (i64.shl (i64.extend_i32_u (local.get $q)) (i64.const 40))))

  ;; Counting down: q >u 0 guards q - 1 (as an add of -1). Rewritten.
  (func (export "down") (param $x i32) (result i64)
    (local $q i32) (local $p i64) (local $s i64)
    (local.set $q (i32.and (local.get $x) (i32.const 0xffff)))
    (local.set $p (i64.extend_i32_u (local.get $q)))
    (loop $l
      (if (i32.gt_u (local.get $q) (i32.const 0))
        (then
          (local.set $s (i64.add (local.get $s) (local.get $p)))
          (local.set $q (i32.add (local.get $q) (i32.const -1)))
          (local.set $p (i64.sub (local.get $p) (i64.const 1)))
          (br_if $l (i32.ne (local.get $q) (i32.const 7))))))
    (i64.add (local.get $s) (i64.mul (local.get $p) (i64.const 1000003))))

  ;; No guard: q wraps past 0xffffffff while p goes on to 2^32 + 5; the
  ;; exit compares q, so a rewrite would never exit. Left alone.
  (func (export "wraps") (param $x i32) (result i64)
    (local $q i32) (local $p i64)
    (local.set $q (i32.const 0xfffffff0))
    (local.set $p (i64.const 0xfffffff0))
    (loop $l
      (local.set $q (i32.add (local.get $q) (i32.const 1)))
      (local.set $p (i64.add (local.get $p) (i64.const 1)))
      (br_if $l (i32.ne (local.get $q) (i32.and (local.get $x) (i32.const 15)))))
    (local.get $p))

  ;; A guard too weak for the step: q <=u 0xfffffffe, step 2, so q + 2
  ;; wraps from 0xfffffffe to 0; the second exit (p past x + 2^32)
  ;; bounds the run. Left alone.
  (func (export "weak_guard") (param $x i32) (result i64)
    (local $q i32) (local $p i64)
    (local.set $q (i32.const 0xfffffff0))
    (local.set $p (i64.const 0xfffffff0))
    (loop $l
      (block $out
        (br_if $out (i32.gt_u (local.get $q) (i32.const 0xfffffffe)))
        (br_if $out (i64.gt_u (local.get $p) (i64.add (i64.const 0x100000000) (i64.extend_i32_u (i32.and (local.get $x) (i32.const 63))))))
        (local.set $q (i32.add (local.get $q) (i32.const 2)))
        (local.set $p (i64.add (local.get $p) (i64.const 2)))
        (br $l)))
    (i64.add (local.get $p) (i64.shl (i64.extend_i32_u (local.get $q)) (i64.const 36))))

  ;; Entered with p != zext q (p = sext q): left alone.
  (func (export "sext_entry") (param $x i32) (result i64)
    (local $q i32) (local $p i64)
    (local.set $q (i32.or (local.get $x) (i32.const 0x80000000)))
    (local.set $p (i64.extend_i32_s (local.get $q)))
    (loop $l
      (block $out
        (br_if $out (i32.gt_u (local.get $q) (i32.const 0x80000010)))
        (local.set $q (i32.add (local.get $q) (i32.const 1)))
        (local.set $p (i64.add (local.get $p) (i64.const 1)))
        (br $l)))
    (local.get $p))

  ;; q also addresses memory: kept (wrap p would cost what the add
  ;; saved), the loop still correct.
  (func (export "addressed") (param $x i32) (result i64)
    (local $q i32) (local $p i64)
    (loop $l
      (block $out
        (br_if $out (i32.ge_u (local.get $q) (i32.and (local.get $x) (i32.const 255))))
        (i32.store8 (local.get $q) (local.get $q))
        (local.set $q (i32.add (local.get $q) (i32.const 1)))
        (local.set $p (i64.add (local.get $p) (i64.const 1)))
        (br $l)))
    (i64.add (local.get $p) (i64.load (i32.const 8))))

  ;; Compares of every kind against q, signed ones included (kept: a
  ;; signed compare of q is not one of zext q).
  (func (export "compares") (param $x i32) (result i64)
    (local $q i32) (local $p i64) (local $acc i64)
    (loop $l
      (block $out
        (local.set $p (i64.add (local.get $p) (i64.const 1)))
        (br_if $out (i32.ge_u (local.get $q) (i32.const 300)))
        (local.set $acc (i64.add (local.get $acc)
          (i64.extend_i32_u (i32.add (i32.add (i32.lt_u (local.get $q) (i32.and (local.get $x) (i32.const 511)))
                                              (i32.le_u (local.get $q) (i32.const 100)))
                                     (i32.add (i32.eq (local.get $q) (i32.const 200))
                                              (i32.lt_s (local.get $q) (i32.const 150)))))))
        (local.set $q (i32.add (local.get $q) (i32.const 1)))
        (br $l)))
    (i64.add (local.get $acc) (i64.shl (local.get $p) (i64.const 20))))

  ;; Unsigned compares only: rewritten, compares on p + 1.
  (func (export "ucompares") (param $x i32) (result i64)
    (local $q i32) (local $p i64) (local $acc i64)
    (loop $l
      (block $out
        (local.set $p (i64.add (local.get $p) (i64.const 1)))
        (br_if $out (i32.ge_u (local.get $q) (i32.const 300)))
        (local.set $acc (i64.add (local.get $acc)
          (i64.extend_i32_u (i32.add (i32.add (i32.lt_u (local.get $q) (i32.const 17))
                                              (i32.le_u (local.get $q) (i32.const 100)))
                                     (i32.add (i32.eq (local.get $q) (i32.const 200))
                                              (i32.gt_u (local.get $q) (i32.const 60)))))))
        (local.set $q (i32.add (local.get $q) (i32.const 1)))
        (br $l)))
    (i64.add (local.get $acc) (i64.shl (local.get $p) (i64.const 20)))))
